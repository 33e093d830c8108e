"""Full text from PubMed Central (efetch db=pmc, JATS XML), split into titled sections.

Only articles in PMC's open-access subset come with a body; for the others PMC returns the
front matter alone, which is "no full text", not a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..figures import Section
from ..lazyre import lazy_compile

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

FULLTEXT_FORMAT = 1
_SPACE = lazy_compile(r"\s+")


@dataclass(frozen=True)
class FullText:
    """The sections of one PMC article; empty when PMC has no full text for it."""

    pmcid: str
    sections: tuple[Section, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FULLTEXT_FORMAT,
            "pmcid": self.pmcid,
            "sections": [[s.title, s.text] for s in self.sections],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FullText:
        if data.get("format") != FULLTEXT_FORMAT:
            raise ValueError("full text format")
        return cls(str(data["pmcid"]), tuple(Section(t, x) for t, x in data["sections"]))


def normalize_pmcid(pmcid: str) -> str:
    digits = pmcid.strip().upper().removeprefix("PMC")
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"not a PMC id: {pmcid!r}")
    return f"PMC{int(digits)}"


def _text(element: ET.Element) -> str:
    # Cells, labels and paragraphs run together without a space between them: add one.
    return _SPACE.sub(" ", " ".join(element.itertext())).strip()


def _sections(article: ET.Element) -> list[Section]:
    sections: list[Section] = []
    body = article.find("body")
    if body is None:
        return sections
    for sec in body.iter("sec"):
        title_el = sec.find("title")
        title = _text(title_el) if title_el is not None else "Body"
        paragraphs = [_text(p) for p in sec.findall("p")]
        text = " ".join(p for p in paragraphs if p)
        if text:
            sections.append(Section(title, text))
    loose = [_text(p) for p in body.findall("p")]
    if any(loose):
        sections.insert(0, Section("Body", " ".join(p for p in loose if p)))
    for i, table in enumerate(article.iter("table-wrap"), 1):
        label = table.find("label")
        name = _text(label) if label is not None else f"Table {i}"
        sections.append(Section(name, _text(table)))
    return sections


def parse_pmc_xml(content: bytes) -> dict[str, FullText]:
    """Parse an efetch db=pmc answer into full texts by PMC id. Raises ``BadResponse``."""
    # NOTE: the XML parser is imported here: a run whose full texts come from the cache
    # (which decodes them with this module's ``FullText``) never loads it
    from .parse import BadResponse, parse_tree

    stripped = content.lstrip()
    if not stripped.startswith(b"<"):
        raise BadResponse("not XML")
    # No DTD read, no entity declared, nothing fetched, wherever the DOCTYPE sits.
    root = parse_tree(content)
    error = root.find(".//ERROR")
    if error is not None or root.tag == "ERROR":
        raise BadResponse(f"NCBI error: {_text(error if error is not None else root)[:120]}")
    if root.tag not in ("pmc-articleset", "article"):
        raise BadResponse(f"not a pmc-articleset ({root.tag})")
    articles = [root] if root.tag == "article" else root.findall("article")
    texts: dict[str, FullText] = {}
    for article in articles:
        pmcid = None
        for aid in article.iter("article-id"):
            if aid.get("pub-id-type") in ("pmc", "pmcid") and aid.text:
                pmcid = normalize_pmcid(aid.text)
                break
        if pmcid:
            texts[pmcid] = FullText(pmcid, tuple(_sections(article)))
    return texts
