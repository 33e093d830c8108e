"""ta1check: verify an article's citations and stated figures against PubMed."""

__version__ = "0.1.0"
