"""Parsing an efetch response (PubMed XML) into records, with Bio.Entrez.

Anything that is not a complete, well-formed ``PubmedArticleSet`` raises ``BadResponse``: the
caller retries it and, failing that, reports the PMIDs as unverified. A parse never reaches the
network (Bio.Entrez would download an unknown DTD with no timeout).
"""

from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from Bio import Entrez
from Bio.Entrez.Parser import DataHandler

from .record import Record, record_from_entrez

log = logging.getLogger(__name__)

_DOCTYPE = re.compile(rb"<!DOCTYPE\s+(?P<root>[A-Za-z]+)(?P<rest>[^>\[]*)(?P<subset>\[)?", re.S)
_SYSTEM_DTD = re.compile(rb'"(?P<url>[^"]*/)?(?P<name>pubmed_(?P<date>\d{6})\.dtd)"')
_ERROR = re.compile(rb"<ERROR>(?P<msg>.*?)</ERROR>", re.S)
_HEAD = 4096


class BadResponse(Exception):
    """The response is not a usable efetch answer. ``retryable`` is False only when asking
    again cannot help."""

    def __init__(self, cause: str, *, retryable: bool = True) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retryable = retryable


@lru_cache(maxsize=1)
def _bundled_pubmed_dtds() -> tuple[str, ...]:
    names = [
        n
        for d in (DataHandler.global_dtd_dir, DataHandler.local_dtd_dir)
        if d and os.path.isdir(d)
        for n in os.listdir(d)
        if re.fullmatch(r"pubmed_\d{6}\.dtd", n)
    ]
    return tuple(sorted(set(names), key=_dtd_sort_key))


def _dtd_sort_key(name: str) -> str:
    yymmdd = name[len("pubmed_") : -len(".dtd")]
    century = "19" if yymmdd[:2] > "50" else "20"
    return century + yymmdd


def _pin_dtd(content: bytes) -> bytes:
    """Point a DOCTYPE that names a PubMed DTD newer than Biopython's bundled ones at the newest
    bundled one.

    NOTE: NCBI publishes a new DTD every year (2026: pubmed_260101.dtd) and Biopython bundles
    only those up to its release; for an unknown one Bio.Entrez calls urlopen() with no timeout,
    which hangs or fails offline. The yearly DTDs differ only by added elements, which
    ``validate=False`` accepts, so the newest bundled DTD describes the record's structure.
    """
    head = content[:_HEAD]
    doctype = _DOCTYPE.search(head)
    if doctype is None:
        return content
    if doctype.group("subset"):
        raise BadResponse("the XML declares its own entities (internal DTD subset): refused")
    _refuse_unknown_dtd(head[doctype.start() : doctype.end() + 200])
    system = _SYSTEM_DTD.search(head, doctype.start(), doctype.end())
    if system is None:
        return content
    name = system.group("name").decode()
    bundled = _bundled_pubmed_dtds()
    if not bundled or name in bundled:
        return content
    newest = bundled[-1]
    log.debug(
        "response declares %s, which Biopython does not bundle; parsing with %s", name, newest
    )
    url = system.group("url") or b""
    replacement = b'"' + url + newest.encode() + b'"'
    return content[: system.start()] + replacement + content[system.end() :]


_ANY_SYSTEM_ID = re.compile(rb'"(?P<id>[^"]*\.dtd)"\s*>')


def _refuse_unknown_dtd(doctype: bytes) -> None:
    """Bio.Entrez downloads a DTD it does not have, with no timeout: refuse any DTD that is
    neither bundled nor a yearly PubMed DTD (which ``_pin_dtd`` maps to a bundled one)."""
    m = _ANY_SYSTEM_ID.search(doctype)
    if m is None:
        return
    name = m.group("id").decode("utf-8", "replace").rsplit("/", 1)[-1]
    if re.fullmatch(r"pubmed_\d{6}\.dtd", name) or _dtd_available(name):
        return
    raise BadResponse(f"the XML declares an unknown DTD ({name}): refused")


@lru_cache(maxsize=64)
def _dtd_available(name: str) -> bool:
    return any(
        d and os.path.isfile(os.path.join(d, name))
        for d in (DataHandler.global_dtd_dir, DataHandler.local_dtd_dir)
    )


def _sniff(content: bytes) -> None:
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise BadResponse("empty response body")
    if stripped[:1] in (b"{", b"["):
        raise BadResponse(f"JSON instead of XML: {_excerpt(stripped)}")
    if not stripped.startswith(b"<"):
        raise BadResponse(f"not XML: {_excerpt(stripped)}")
    lowered = stripped[:512].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        raise BadResponse("an HTML page instead of XML (a proxy or NCBI error page)")
    if b"<!ENTITY" in content[:_HEAD]:
        raise BadResponse("the XML declares its own entities: refused")
    error = _ERROR.search(content[:_HEAD])
    if error:
        raise BadResponse(f"NCBI error: {_excerpt(error.group('msg'))}")


def _excerpt(data: bytes, limit: int = 120) -> str:
    text = " ".join(data[:limit].decode("utf-8", "replace").split())
    return text + ("…" if len(data) > limit else "")


@dataclass(frozen=True)
class ParsedSet:
    """The records of one well-formed ``PubmedArticleSet``, by PMID."""

    records: dict[int, Record]


def parse_pubmed_xml(content: bytes) -> ParsedSet:
    """Parse efetch XML. Raises ``BadResponse`` for anything but a complete
    ``PubmedArticleSet`` (which may be empty: every PMID unknown)."""
    _sniff(content)
    content = _pin_dtd(content)
    try:
        parsed = Entrez.read(io.BytesIO(content), validate=False)  # type: ignore[no-untyped-call]
    except RuntimeError as exc:  # Bio.Entrez raises RuntimeError for <ERROR> bodies
        raise BadResponse(f"NCBI error: {exc}") from None
    except ValueError as exc:  # NotXMLError, CorruptedXMLError, ValidationError
        raise BadResponse(f"malformed XML: {_first_line(exc)}") from None
    except Exception as exc:  # expat raises a few others (e.g. on a bad encoding name)
        raise BadResponse(f"unparseable XML: {type(exc).__name__}: {_first_line(exc)}") from None
    if not isinstance(parsed, dict) or not (
        "PubmedArticle" in parsed or "PubmedBookArticle" in parsed
    ):
        raise BadResponse("not a PubmedArticleSet")
    records: dict[int, Record] = {}
    for article in [*parsed.get("PubmedArticle", []), *parsed.get("PubmedBookArticle", [])]:
        try:
            record = record_from_entrez(article)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise BadResponse(f"a record lacks required fields ({exc!r})") from None
        records[record.pmid] = record
    return ParsedSet(records)


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
