"""The article side, step by step: ``readers`` (Markdown, HTML, plain text -> blocks with
lines), ``sentences``, ``references`` (the list and each entry's fields), ``intext`` (the
citations in a sentence, numbered and author-year), ``pairing`` (which reference a citation
means), ``reading`` (all of it for one file). Drafting a claims file is ``ta1check.draft``;
keeping claims and article in step is ``ta1check.crosscheck``. Everything but
``read_article``'s file read is pure: text in, structures out."""

from .intext import citation_free, in_text_citations, stated_figures
from .model import Article, Block, InText, Link, Reference, Sentence
from .pairing import link, text_in_article
from .readers import detect_format
from .reading import analyse, read_article
from .references import read_fields, read_reference
from .sentences import split_sentences

__all__ = [
    "Article",
    "Block",
    "InText",
    "Link",
    "Reference",
    "Sentence",
    "analyse",
    "citation_free",
    "detect_format",
    "in_text_citations",
    "link",
    "read_article",
    "read_fields",
    "read_reference",
    "split_sentences",
    "stated_figures",
    "text_in_article",
]
