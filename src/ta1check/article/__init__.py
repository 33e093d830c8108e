"""The article side, step by step: ``readers`` (Markdown, HTML, plain text -> blocks with
lines), ``sentences``, ``references`` (the list and each entry's fields), ``intext`` (the
citations in a sentence, numbered and author-year), ``pairing`` (which reference a citation
means), ``reading`` (all of it for one file). Drafting a claims file is ``ta1check.draft``;
keeping claims and article in step is ``ta1check.crosscheck``. Everything but
``read_article``'s file read is pure: text in, structures out."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .intext import citation_free, in_text_citations, stated_figures
    from .model import Article, Block, InText, Link, Reference, Sentence
    from .pairing import link, text_in_article
    from .readers import detect_format
    from .reading import analyse, read_article
    from .references import read_fields, read_reference
    from .sentences import split_sentences

#: Where each name lives. NOTE: a step is imported when one of its names is first used
#: (PEP 562), not with the package: the citation parser's use of ``references`` (a citation
#: that is a whole printed reference) then loads neither the article readers nor the JATS
#: reader, and a check that reads no article loads none of them.
_HOME = {
    "citation_free": "intext",
    "in_text_citations": "intext",
    "stated_figures": "intext",
    "Article": "model",
    "Block": "model",
    "InText": "model",
    "Link": "model",
    "Reference": "model",
    "Sentence": "model",
    "link": "pairing",
    "text_in_article": "pairing",
    "detect_format": "readers",
    "analyse": "reading",
    "read_article": "reading",
    "read_fields": "references",
    "read_reference": "references",
    "split_sentences": "sentences",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


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
