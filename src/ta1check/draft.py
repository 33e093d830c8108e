"""``ta1check draft``: a first claims file written from the article itself.

One ``[[claim]]`` per reference, and one per sentence that states a figure and cites a
reference. The figure claim carries the sentence, its figures and its line. What could not be
resolved becomes a TOML comment that says so, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .article import Article, Reference, link, stated_figures
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

    def toml(self) -> str:
        lines = ["[[claim]]", f"id = {toml_string(self.id)}", f"pmid = {self.pmid}"]
        if self.citation:
            lines.append(f"citation = {toml_string(self.citation)}")
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
        base = f"ref-{_slug(ref.surname or '')}-{ref.year}" if ref.surname else f"ref-{resolved}"
        out += ["", DraftClaim(unique(base), resolved, ref.citation, ref.line).toml().rstrip()]

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
    nearby = _nearby(article, links_by_sentence)
    for index, sentence in enumerate(article.sentences):
        figures = stated_figures(sentence.text)
        if not figures:
            continue
        refs = links_by_sentence.get(index) or nearby.get(index, [])
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
            base = f"{_slug(ref.surname or 'ref')}-{ref.year}-line{sentence.line}"
            claim = DraftClaim(
                unique(base), pmids[ref], ref.citation, sentence.line, figure, sentence.text
            )
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


def _nearby(article: Article, links: Mapping[int, list[Reference]]) -> dict[int, list[Reference]]:
    """For each sentence, what a figure in it cites when the sentence has no citation of its
    own: the next citation in its paragraph (web articles cite at the end of a passage), else
    the previous one. One pass each way, so an article of many sentences costs no more than
    linear time."""
    sentences = article.sentences
    following: dict[int, list[Reference]] = {}
    refs: list[Reference] | None = None
    paragraph = -1
    for i in range(len(sentences) - 1, -1, -1):
        if sentences[i].paragraph != paragraph:
            paragraph, refs = sentences[i].paragraph, None
        if refs:
            following[i] = refs
        refs = links.get(i) or refs
    nearby: dict[int, list[Reference]] = {}
    refs, paragraph = None, -1
    for i, sentence in enumerate(sentences):
        if sentence.paragraph != paragraph:
            paragraph, refs = sentence.paragraph, None
        chosen = following.get(i) or refs
        if chosen:
            nearby[i] = chosen
        refs = links.get(i) or refs
    return nearby
