"""The claims file: its model (frozen dataclasses) and a TOML loader with precise errors.

An invalid file raises ``ClaimsError``, whose one-line message names the file, the line and
the key. A PMID that is not a valid PMID is *not* a load error: the check reports it as
``pmid-invalid`` beside the other claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import tomlread
from .bibfields import parse_pages, parse_part
from .citation import ParsedCitation, parse_citation
from .findings import Acceptance, Code, Severity
from .lazyre import lazy_compile
from .tomlpos import Located

#: Largest claims file read (a claims file of 100,000 claims is ~20 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
_PMID = lazy_compile(r"[1-9][0-9]{0,9}")
_MAX_PMID = 2**31 - 1

CLAIM_KEYS = (
    "pmid",
    "citation",
    "figure",
    "text",
    "id",
    "title",
    "first_author",
    "authors",
    "journal",
    "year",
    "doi",
    "volume",
    "issue",
    "pages",
    "et_al",
    "authors_complete",
    "line",
    "accept",
)
#: The keys of a claim that ``_Loader._plain_claim`` reads: the pmid and plain strings.
_PLAIN_KEYS = frozenset(
    ("pmid", "citation", "figure", "text", "id", "title", "first_author", "journal", "doi")
)
TOP_KEYS = ("article", "defaults", "claim")
ARTICLE_KEYS = ("title", "source")


class ClaimsError(Exception):
    """An invalid claims file: ``path:line: key: message``."""

    def __init__(self, path: Path, line: int | None, key: str | None, message: str) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.message = message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Claim:
    """One citation of the article: a PMID, what the article prints, and what it states."""

    index: int
    pmid_raw: str
    pmid: int | None  # None when pmid_raw is not a valid PMID
    citation: ParsedCitation | None = None
    figure: str | None = None
    text: str | None = None
    id: str | None = None
    title: str | None = None
    first_author: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    article_line: int | None = None
    line: int | None = None  # of its [[claim]] header in the claims file
    #: Findings the claim accepts (``accept.py``).
    accept: tuple[Acceptance, ...] = ()
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    #: Whether the printed author list was cut with "et al." (``et_al = true``, or
    #: ``authors_complete = false``); None when the claims file does not say.
    et_al: bool | None = None

    @property
    def label(self) -> str:
        """How reports name the claim: its id, else its citation, else its position."""
        if self.id:
            return self.id
        if self.citation:
            return self.citation.raw
        return f"claim {self.index + 1}"

    @property
    def stated_first_author(self) -> str | None:
        if self.first_author:
            return self.first_author
        if self.authors:
            return self.authors[0]
        return self.citation.first_author if self.citation else None

    @property
    def stated_second_author(self) -> str | None:
        if self.first_author or self.authors:
            return self.authors[1] if len(self.authors) > 1 else None
        return self.citation.second_author if self.citation else None

    @property
    def stated_journal(self) -> str | None:
        return self.journal or (self.citation.journal if self.citation else None)

    @property
    def stated_volume(self) -> str | None:
        return self.volume or (self.citation.volume if self.citation else None)

    @property
    def stated_issue(self) -> str | None:
        return self.issue or (self.citation.issue if self.citation else None)

    @property
    def stated_pages(self) -> str | None:
        return self.pages or (self.citation.pages if self.citation else None)

    @property
    def stated_author_list(self) -> tuple[tuple[str, ...], bool | None]:
        """The printed author list and whether it was cut with "et al." (None: not said): the
        ``authors`` key, else a whole reference given as the citation."""
        if self.authors:
            return self.authors, self.et_al
        if self.citation and self.citation.authors and not self.first_author:
            et_al = self.citation.et_al if self.et_al is None else self.et_al
            return self.citation.authors, et_al
        return (), None

    @property
    def stated_year(self) -> int | None:
        if self.year is not None:
            return self.year
        return self.citation.year if self.citation else None


class _PlainClaim:
    """A plain claim (``_Loader._plain_claim``) built as a ``Claim``: the same slots, set by
    plain attribute stores, then made a ``Claim`` (``__class__``; the layouts are the same).

    NOTE: a frozen dataclass sets each field through ``object.__setattr__``: a ``Claim`` of 20
    fields took 6 us to make, 0.6 s of loading 100,000 claims; this takes 1.2 us (#16). The
    result is a ``Claim`` like any other, equal to the one ``Claim(...)`` makes, and frozen."""

    __slots__ = Claim.__slots__

    def __init__(
        self,
        index: int,
        pmid_raw: str,
        pmid: int | None,
        citation: ParsedCitation | None,
        figure: str | None,
        text: str | None,
        id: str | None,
        title: str | None,
        first_author: str | None,
        journal: str | None,
        doi: str | None,
        line: int | None,
    ) -> None:
        self.index = index
        self.pmid_raw = pmid_raw
        self.pmid = pmid
        self.citation = citation
        self.figure = figure
        self.text = text
        self.id = id
        self.title = title
        self.first_author = first_author
        self.authors: tuple[str, ...] = ()
        self.journal = journal
        self.year: int | None = None
        self.doi = doi
        self.article_line: int | None = None
        self.line = line
        self.accept: tuple[Acceptance, ...] = ()
        self.volume: str | None = None
        self.issue: str | None = None
        self.pages: str | None = None
        self.et_al: bool | None = None
        self.__class__ = Claim  # type: ignore[assignment]


@dataclass(frozen=True)
class ClaimsFile:
    path: Path
    claims: tuple[Claim, ...]
    article_title: str | None = None
    article_source: str | None = None
    severities: Mapping[Code, Severity] = field(default_factory=dict)
    #: The config file's ``[[accept]]`` entries that take in this file (``accept.py``).
    acceptances: tuple[Acceptance, ...] = ()

    @property
    def pmids(self) -> frozenset[int]:
        return frozenset(c.pmid for c in self.claims if c.pmid is not None)


def parse_pmid(value: int | str) -> int | None:
    """A PMID from an integer or an ASCII digit string; None when it is not a valid PMID
    (zero, negative, leading zeros, non-ASCII digits, letters, too large)."""
    if type(value) is int:  # the common case, as the pattern reads it: 1 to 10 digits
        return value if 0 < value <= _MAX_PMID else None
    text = str(value).strip() if isinstance(value, str) else str(value)
    if isinstance(value, bool) or not _PMID.fullmatch(text):
        return None
    pmid = int(text)
    return pmid if pmid <= _MAX_PMID else None


def type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def suggest(key: str, allowed: Sequence[str]) -> str:
    import difflib  # only when a key is wrong

    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else f" (allowed: {', '.join(allowed)})"


class _Loader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.located = Located(text)
        #: Each citation read once: claims that cite one reference for several figures
        #: print it alike, and share its (frozen) reading (~0.2 ms and ~0.6 KB each).
        self.citations: dict[str, ParsedCitation] = {}

    def fail(
        self,
        message: str,
        key: str | None = None,
        index: int | None = None,
        table: str | None = None,
        line: int | None = None,
    ) -> ClaimsError:
        """A ``ClaimsError`` located at ``key`` of claim ``index``, of ``[table]``, or of the
        root table."""
        if line is None:
            leaf = key.rsplit(".", 1)[-1] if key else None
            positions = self.located.positions
            if index is not None:
                line = (
                    positions.claim_key_line(index, leaf) if leaf else positions.claim_line(index)
                )
            elif leaf is not None:
                line = positions.key_line(table or "", leaf)
                if line is None and table is None:
                    line = positions.tables.get(leaf)
        return ClaimsError(self.path, line, key, message)

    def load(self, data: Mapping[str, Any]) -> ClaimsFile:
        for key in data:
            if key not in TOP_KEYS:
                raise self.fail(f"unknown key{suggest(key, TOP_KEYS)}", key)
        article = data.get("article", {})
        if not isinstance(article, dict):
            raise self.fail(f"expected a table, got {type_name(article)}", "article")
        for key, value in article.items():
            if key not in ARTICLE_KEYS:
                raise self.fail(
                    f"unknown key{suggest(key, ARTICLE_KEYS)}", f"article.{key}", table="article"
                )
            if not isinstance(value, str):
                raise self.fail(
                    f"expected a string, got {type_name(value)}", f"article.{key}", table="article"
                )
        severities = self._severities(data.get("defaults", {}))
        raw_claims = data.get("claim")
        if raw_claims is None:
            raise self.fail("no claims: add at least one [[claim]] table with a pmid")
        if not isinstance(raw_claims, list) or not all(isinstance(c, dict) for c in raw_claims):
            raise self.fail("expected [[claim]] tables (an array of tables)", "claim")
        if not raw_claims:
            raise self.fail("no claims: add at least one [[claim]] table with a pmid", "claim")
        claims = tuple(self._claims(raw_claims))
        ids: dict[str, int] = {}
        for claim in claims:
            if claim.id is not None:
                if claim.id in ids:
                    raise self.fail(
                        f"duplicate id {claim.id!r} (also claim {ids[claim.id] + 1})",
                        f"claim[{claim.index + 1}].id",
                        claim.index,
                    )
                ids[claim.id] = claim.index
        return ClaimsFile(
            path=self.path,
            claims=claims,
            article_title=article.get("title"),
            article_source=article.get("source"),
            severities=severities,
        )

    def _claims(self, raw_claims: list[Any]) -> Iterator[Claim]:
        """Each claim, dropping its parsed table once read: the tables of 100,000 claims and
        the claims themselves never all share memory."""
        lines = self.located.claim_lines
        for i, raw in enumerate(raw_claims):
            raw_claims[i] = None
            if len(raw) == 1 and type(pmid := raw.get("pmid")) is int:
                # a bare reference (most of a big file), as ``_plain_claim`` builds it, here
                # without its two calls: 2.9 -> 2.2 us a bare claim (#16)
                bare: Claim = _PlainClaim(  # type: ignore[assignment]  # a Claim once built
                    i, str(pmid), pmid if 0 < pmid <= _MAX_PMID else None, None, None, None,
                    None, None, None, None, None, lines[i] if i < len(lines) else None,
                )  # fmt: skip
                yield bare
            else:
                yield self._claim(i, raw)

    def _severities(self, defaults: object) -> dict[Code, Severity]:
        if not isinstance(defaults, dict):
            raise self.fail(f"expected a table, got {type_name(defaults)}", "defaults")
        slugs = [c.slug for c in Code]
        result: dict[Code, Severity] = {}
        for key, value in defaults.items():
            name = f"defaults.{key}"
            if key not in slugs:
                raise self.fail(
                    f"unknown finding code{suggest(key, slugs)}", name, table="defaults"
                )
            if not isinstance(value, str):
                raise self.fail(
                    f"expected a severity string, got {type_name(value)}", name, table="defaults"
                )
            try:
                result[Code.from_slug(key)] = Severity.parse(value)
            except ValueError as exc:
                raise self.fail(str(exc), name, table="defaults") from None
        return result

    def _claim(self, index: int, raw: Mapping[str, Any]) -> Claim:
        pmid = raw.get("pmid")
        if type(pmid) is int and _PLAIN_KEYS.issuperset(raw):
            plain = self._plain_claim(index, pmid, raw)
            if plain is not None:
                return plain
        return self._checked_claim(index, raw)

    def _plain_claim(self, index: int, pmid: int, raw: Mapping[str, Any]) -> Claim | None:
        """The common claim (an integer pmid, strings that are not blank, no key that needs
        more reading) built in a few steps; None for anything else, which
        ``_checked_claim`` reads and, when wrong, reports. (A bare one, its pmid alone, is
        built in ``_claims``.)"""
        texts: dict[str, str] = {}
        for key, value in raw.items():
            if key != "pmid":
                if type(value) is not str:
                    return None
                stripped = value.strip()
                if not stripped:
                    return None
                texts[key] = stripped
        get = texts.get
        citation = get("citation")
        claim: Claim = _PlainClaim(  # type: ignore[assignment]  # a Claim once built
            index,
            str(pmid),
            parse_pmid(pmid),
            self._citation(citation) if citation else None,
            get("figure"),
            get("text"),
            get("id"),
            get("title"),
            get("first_author"),
            get("journal"),
            get("doi"),
            self.located.claim_line(index),
        )
        return claim

    def _citation(self, text: str) -> ParsedCitation:
        parsed = self.citations.get(text)
        if parsed is None:
            parsed = self.citations[text] = parse_citation(text)
        return parsed

    def _checked_claim(self, index: int, raw: Mapping[str, Any]) -> Claim:
        where = f"claim[{index + 1}]"

        def fail(key: str, message: str) -> ClaimsError:
            return self.fail(message, f"{where}.{key}", index)

        for key in raw:
            if key not in CLAIM_KEYS:
                raise fail(key, f"unknown key{suggest(key, CLAIM_KEYS)}")
        if "pmid" not in raw:
            raise self.fail(
                "missing required key 'pmid'",
                f"{where}.pmid",
                index,
                line=self.located.claim_line(index),
            )
        pmid_value = raw["pmid"]
        if isinstance(pmid_value, bool) or not isinstance(pmid_value, (int, str)):
            raise fail(
                "pmid", f"expected an integer or a digit string, got {type_name(pmid_value)}"
            )

        def text(key: str) -> str | None:
            value = raw.get(key)
            if value is None:
                return None
            if not isinstance(value, str):
                raise fail(key, f"expected a string, got {type_name(value)}")
            if not value.strip():
                raise fail(key, "is empty")
            return value.strip()

        year = raw.get("year")
        if year is not None:
            if isinstance(year, str) and re.fullmatch(r"[0-9]{4}", year.strip()):
                year = int(year)
            if isinstance(year, bool) or not isinstance(year, int):
                raise fail("year", f"expected a year such as 1998, got {type_name(year)}")
            if not 1600 <= year <= 2200:
                raise fail("year", f"{year} is not a plausible publication year")
        authors = raw.get("authors", [])
        if not isinstance(authors, list) or not all(
            isinstance(a, str) and a.strip() for a in authors
        ):
            raise fail("authors", "expected an array of non-empty strings")
        line = raw.get("line")
        if line is not None and (isinstance(line, bool) or not isinstance(line, int) or line < 1):
            raise fail("line", "expected a positive line number")
        citation_text = text("citation")
        citation = self._citation(citation_text) if citation_text else None
        accepted = self._accept(index, raw.get("accept"))

        def located(key: str, example: str, read: Any) -> str | None:
            value = raw.get(key)
            if value is None:
                return None
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                value = str(value)
            if not isinstance(value, str):
                raise fail(key, f"expected a string such as {example}, got {type_name(value)}")
            if not value.strip():
                raise fail(key, "is empty")
            if read(value.strip()) is None and not re.search(r"\d", value):
                # PubMed's own odd values ("e20240066enerr") load; they are just not compared
                raise fail(key, f"cannot read {value.strip()!r} as {key} (such as {example})")
            return " ".join(value.split())

        volume = located("volume", '"27" or "105 Suppl 2"', parse_part)
        issue = located("issue", '"5", "3-4" or "Suppl 1"', parse_part)
        pages = located("pages", '"1383-7", "e0123456" or "S12-S15"', parse_pages)
        et_al: bool | None = None
        for key, cut in (("et_al", True), ("authors_complete", False)):
            value = raw.get(key)
            if value is None:
                continue
            if not isinstance(value, bool):
                raise fail(key, f"expected true or false, got {type_name(value)}")
            said = value if cut else not value
            if et_al is not None and said != et_al:
                raise fail(key, "contradicts et_al (et_al = true is authors_complete = false)")
            et_al = said
            if not authors and not citation_text:
                raise fail(key, "says whether the author list was cut, but the claim gives none")
        return Claim(
            index=index,
            pmid_raw=str(pmid_value),
            pmid=parse_pmid(pmid_value),
            citation=citation,
            figure=text("figure"),
            text=text("text"),
            id=text("id"),
            title=text("title"),
            first_author=text("first_author"),
            authors=tuple(a.strip() for a in authors),
            journal=text("journal"),
            year=year,
            doi=text("doi"),
            article_line=line,
            line=self.located.claim_line(index),
            accept=accepted,
            volume=volume,
            issue=issue,
            pages=pages,
            et_al=et_al,
        )

    def _accept(self, index: int, raw: object) -> tuple[Acceptance, ...]:
        """A claim's ``accept``: an array of tables (or one table) of code, reason, until."""
        if raw is None:
            return ()
        from .accept import AcceptanceError, parse_acceptance

        entries = [raw] if isinstance(raw, dict) else raw
        where = f"claim[{index + 1}].accept"
        line = self.located.positions.claim_key_line(index, "accept")
        if not isinstance(entries, list):
            raise self.fail(
                'expected an array of tables such as [{code = "journal-mismatch", reason = '
                f'"…"}}], got {type_name(raw)}',
                where,
                index,
            )
        found: list[Acceptance] = []
        for n, entry in enumerate(entries, 1):
            name = f"{where}[{n}]" if len(entries) > 1 else where
            try:
                acceptance = parse_acceptance(entry, scoped=False, path=self.path, line=line)
            except AcceptanceError as exc:
                key = f"{name}.{exc.key}" if exc.key else name
                raise self.fail(exc.message, key, index, line=line) from None
            if any((a.code, a.stated) == (acceptance.code, acceptance.stated) for a in found):
                raise self.fail(
                    f"{acceptance.code.slug} is accepted twice", f"{name}.code", index, line=line
                )
            found.append(acceptance)
        return tuple(found)


def load_claims(path: Path) -> ClaimsFile:
    """Read and validate a claims file. Raises ``ClaimsError`` (one line: file, line, key)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ClaimsError(
                path, None, None, f"file is {size} bytes; the limit is {MAX_FILE_BYTES}"
            )
        with path.open("rb") as handle:  # bounded even when stat() says 0 (/dev/zero, a pipe)
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ClaimsError(path, None, None, f"file is over the limit of {MAX_FILE_BYTES} bytes")
    except ClaimsError:
        raise
    except OSError as exc:
        raise ClaimsError(path, None, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (Windows editors write one) is fine
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ClaimsError(path, line, None, "not UTF-8 text (TOML files must be UTF-8)") from None
    return loads_claims(text, path)


def loads_claims(text: str, path: Path = Path("<claims>")) -> ClaimsFile:
    """Validate claims from TOML text."""
    try:
        data = tomlread.loads(text, array="claim")
    except tomlread.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(m.group(1)) if m else None
        if line is None and "end of document" in message:
            line = text.count("\n") + 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise ClaimsError(path, line, None, f"invalid TOML: {message}") from None
    except RecursionError:
        raise ClaimsError(path, None, None, "invalid TOML: nested too deeply") from None
    return _Loader(path, text).load(data)
