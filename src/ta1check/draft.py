"""``ta1check draft``: a first claims file written from the article itself.

One ``[[claim]]`` per reference, and one per sentence that states a figure and cites a
reference. The figure claim carries the sentence, its figures and its line. What could not be
resolved becomes a TOML comment that says so, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .article import Article, Reference, link
from .figures import stated_quantities
from .normalize import fold

#: What a DOI resolved to: a PMID, or why there is none (a sentence for a comment).
DoiResolution = Mapping[str, "int | str"]


def toml_string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group(0)):04x}", out)
    return f'"{out}"'


def _comment(text: str) -> str:
    return "\n".join(f"# {line}" if line else "#" for line in text.splitlines())


@dataclass(frozen=True)
class DraftClaim:
    id: str
    pmid: int
    citation: str | None
    line: int
    figure: str | None = None
    text: str | None = None
    #: What the printed reference says beyond the citation, read with confidence: every
    #: author (and whether the list was cut with "et al."), volume, issue, pages.
    authors: tuple[str, ...] = ()
    et_al: bool = False
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None

    def toml(self) -> str:
        lines = ["[[claim]]", f"id = {toml_string(self.id)}", f"pmid = {self.pmid}"]
        if self.citation:
            lines.append(f"citation = {toml_string(self.citation)}")
        if self.authors:
            names = ", ".join(toml_string(a) for a in self.authors)
            lines.append(f"authors = [{names}]")
            lines.append(f"et_al = {'true' if self.et_al else 'false'}")
        for key, value in (("volume", self.volume), ("issue", self.issue), ("pages", self.pages)):
            if value:
                lines.append(f"{key} = {toml_string(value)}")
        if self.figure:
            lines.append(f"figure = {toml_string(self.figure)}")
        if self.text:
            lines.append(f"text = {toml_string(self.text)}")
        lines.append(f"line = {self.line}")
        return "\n".join(lines) + "\n"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "ref"


def _pmid_of(ref: Reference, dois: DoiResolution) -> int | str:
    if ref.pmid is not None:
        return ref.pmid
    if ref.doi is not None:
        return dois.get(ref.doi, "the DOI was not looked up")
    return "it gives neither a PMID nor a DOI"


def _listed(ref: Reference) -> tuple[str, ...]:
    """The reference's author list when it names more than its first author, or is a whole
    reference by one author (a short citation's one name says nothing the citation does not:
    "Smith and Jones, Lancet (2001)" is read for its first author only)."""
    whole = len(ref.authors) > 1 or (len(ref.authors) == 1 and ref.title and not ref.et_al)
    return ref.authors if whole else ()


def draft(article: Article, dois: DoiResolution | None = None) -> str:
    """The claims file for ``article`` as TOML text."""
    dois = dois or {}
    out: list[str] = [
        f"# Claims drafted by `ta1check draft` from {article.path.name}.",
        "# Check each claim against the article before relying on it.",
        "",
        "[article]",
    ]
    if article.title:
        out.append(f"title = {toml_string(article.title)}")
    out += [f"source = {toml_string(str(article.path))}", ""]

    ids: set[str] = set()

    def unique(base: str) -> str:
        candidate, n = base, 2
        while candidate in ids:
            candidate, n = f"{base}-{n}", n + 1
        ids.add(candidate)
        return candidate

    pmids: dict[Reference, int] = {}
    out.append("# --- Reference list " + "-" * 60)
    if not article.references:
        out.append("# No reference list with PMIDs, PubMed links or DOIs was found.")
    for ref in article.references:
        resolved = _pmid_of(ref, dois)
        if isinstance(resolved, str):
            out += [
                "",
                _comment(f"line {ref.line}: {ref.printed}\nnot resolved to a PMID: {resolved}"),
                "",
            ]
            continue
        pmids[ref] = resolved
        if ref.citation is None:
            out += [
                "",
                _comment(
                    f"line {ref.line}: could not read first author, journal and "
                    f"year from: {ref.printed}"
                ),
            ]
        base = (
            f"ref-{_slug(ref.surname)}-{ref.year}"
            if ref.surname and ref.year
            else f"ref-{ref.number}"
            if ref.number is not None
            else f"ref-{resolved}"
        )
        claim = DraftClaim(
            unique(base),
            resolved,
            ref.citation,
            ref.line,
            authors=_listed(ref),
            et_al=ref.et_al,
            volume=ref.volume,
            issue=ref.issue,
            pages=ref.pages,
        )
        out += ["", claim.toml().rstrip()]

    out += ["", "# --- Stated figures, each with the reference its sentence cites " + "-" * 16]
    links_by_sentence: dict[int, list[Reference]] = {}
    problems: list[str] = []
    for citation in article.citations:
        resolved_link = link(citation, article.references)
        if resolved_link.reference is None:
            problems.append(
                f"line {citation.line}: in-text citation {citation.text!r}: {resolved_link.problem}"
            )
            continue
        refs = links_by_sentence.setdefault(citation.sentence, [])
        if resolved_link.reference not in refs:
            refs.append(resolved_link.reference)
    uncited: list[str] = []
    inferred = _closing_citation(article, links_by_sentence)
    for index, sentence in enumerate(article.sentences):
        figures = stated_quantities(sentence.plain or sentence.text)
        if not figures:
            continue
        refs = links_by_sentence.get(index) or inferred.get(index, [])
        figure = "; ".join(q.text for q in figures)
        if not refs:
            uncited.append(f"line {sentence.line}: {figure} — {sentence.text}")
            continue
        for ref in refs:
            if ref not in pmids:
                problems.append(
                    f"line {sentence.line}: states {figure} citing {ref.printed!r}, "
                    "whose PMID is unresolved"
                )
                continue
            name = ref.surname or (f"ref{ref.number}" if ref.number is not None else "ref")
            base = f"{_slug(name)}-{ref.year}-line{sentence.line}"
            claim = DraftClaim(
                unique(base), pmids[ref], ref.citation, sentence.line, figure, sentence.text
            )
            if index not in links_by_sentence:
                out += [
                    "",
                    _comment(
                        f"inferred: line {sentence.line} cites nothing itself; its paragraph "
                        "reports one cited study, whose citation closes the paragraph"
                    ),
                ]
            out += ["", claim.toml().rstrip()]
    if uncited:
        out += [
            "",
            _comment(
                "Figures stated without a citation (nothing to check them "
                "against):\n" + "\n".join(uncited)
            ),
        ]
    if problems:
        out += ["", _comment("Not resolved:\n" + "\n".join(problems))]
    return "\n".join(out) + "\n"


#: Headings of a research article's own work: figures stated there are its own results.
_OWN_WORK = re.compile(
    r"\b(?:methods?|results?|materials|patients|participants|subjects|statistical analys[ie]s|"
    r"study design|study population|data analysis|findings)\b",
    re.IGNORECASE,
)


def _closing_citation(
    article: Article, links: Mapping[int, list[Reference]]
) -> dict[int, list[Reference]]:
    """What a figure sentence that cites nothing itself may be paired with: the citation that
    closes its paragraph, only where the whole paragraph cites that one study (the way popular
    articles report a study: "A pivotal RCT of 98 patients showed 40.6% … . The response was
    durable (Chien et al., 1998).") and never in a research article (one with a heading of its
    own methods or results), whose uncited figures are its own. Linear in the number of
    sentences."""
    if any(b.heading and _OWN_WORK.search(b.text) for b in article.blocks):
        return {}  # a research article: a figure it does not cite is its own
    by_paragraph: dict[int, list[int]] = {}
    for i, sentence in enumerate(article.sentences):
        by_paragraph.setdefault(sentence.paragraph, []).append(i)
    inferred: dict[int, list[Reference]] = {}
    for indices in by_paragraph.values():
        last = indices[-1]
        closing = links.get(last)
        if not closing or len(closing) != 1:
            continue
        cited = {id(r) for i in indices for r in links.get(i, [])}
        if cited != {id(closing[0])}:
            continue
        for i in indices[:-1]:
            inferred[i] = closing
    return inferred
