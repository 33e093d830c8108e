"""PubMed: the record model, where records come from, and how they are parsed."""

#: NCBI's E-utilities (``--eutils-url`` names a mirror or proxy instead).
DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
