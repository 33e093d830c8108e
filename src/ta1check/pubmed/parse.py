"""Parsing an efetch response (PubMed XML) into records, with lxml (``xmlread``) or, for a
document of another shape, Bio.Entrez; and any other XML from the network (PMC full text)
into an ElementTree, with the same rules.

Anything that is not a complete, well-formed ``PubmedArticleSet`` raises ``BadResponse``: the
caller retries it and, failing that, reports the PMIDs as unverified.

A parse never reaches the network and never expands an entity the document declares, wherever
its declaration sits. Two layers, each enough alone:

- the prolog (XML declaration, comments, processing instructions, whitespace of any length,
  the DOCTYPE) is read token by token up to the root element: an internal DTD subset is
  refused before any parser sees it;
- the parser itself cannot fetch: lxml runs with ``no_network`` and ``load_dtd``,
  ``resolve_entities`` and ``huge_tree`` off, and leaves any document naming an entity to
  Bio.Entrez, whose handler (which calls ``urlopen`` with no timeout for a DTD or schema it
  does not have) is replaced by one that opens only the DTDs and schemas Biopython bundles,
  and refuses a DOCTYPE with an internal subset, any entity declaration in the document, and
  any reference to an entity nothing declared.
"""

from __future__ import annotations

import io
import logging
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn
from xml.parsers import expat

from .record import Record, record_from_entrez

log = logging.getLogger(__name__)

_ERROR = re.compile(rb"<ERROR>(?P<msg>.*?)</ERROR>", re.S)
_HEAD = 4096
_SUBSET_REFUSED = "the XML declares its own entities (internal DTD subset): refused"


class BadResponse(Exception):
    """The response is not a usable efetch answer. ``retryable`` is False only when asking
    again cannot help."""

    def __init__(self, cause: str, *, retryable: bool = True) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retryable = retryable


class UnsafeXML(ValueError):
    """XML that ta1check will not parse (entities, unknown DTDs, a prolog it cannot read):
    ``cause`` says why, in one line."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


# --- the prolog, read token by token ------------------------------------------------------------

#: Bytes read at a time while skipping the prolog: memory stays bounded whatever its length.
_PROLOG_CHUNK = 1 << 16
#: A DOCTYPE declaration up to its internal subset or its end: NCBI's are about 150 bytes.
_DOCTYPE_MAX = 1 << 14
_NOT_SPACE = re.compile(rb"[^ \t\r\n]")
_LITERAL = rb"(?:\"[^\"]*\"|'[^']*')"
_DOCTYPE_DECL = re.compile(
    rb"<!DOCTYPE[ \t\r\n]+(?P<root>[^ \t\r\n\[>]+)"
    rb"(?:[ \t\r\n]+(?:SYSTEM[ \t\r\n]+(?P<system>" + _LITERAL + rb")"
    rb"|PUBLIC[ \t\r\n]+(?P<public>" + _LITERAL + rb")[ \t\r\n]+(?P<system2>" + _LITERAL + rb")))?"
    rb"[ \t\r\n]*(?P<end>[\[>])"
)
_ENCODING = re.compile(rb"""encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z0-9._-]+)["']""")
#: Encodings in which the prolog's bytes are the ASCII they look like.
_ASCII_COMPATIBLE = re.compile(
    r"utf-?8|(us-)?ascii|iso-?8859-\d+|latin-?1|l1|(windows|cp)-?125\d", re.IGNORECASE
)


@dataclass(frozen=True)
class Prolog:
    """What the prolog declares: the encoding, and the DOCTYPE's root and system identifier."""

    encoding: str | None
    root: str | None
    system_id: str | None


class _Bytes:
    """A window on a byte stream: what is scanned past is dropped."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self.buf = b""
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self._read(_PROLOG_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self, n: int) -> bytes:
        while len(self.buf) - self.pos < n and self.more():
            pass
        return self.buf[self.pos : self.pos + n]

    def skip_space(self) -> None:
        while True:
            m = _NOT_SPACE.search(self.buf, self.pos)
            if m is not None:
                self.pos = m.start()
                return
            self.pos = len(self.buf)
            if not self.more():
                return

    def skip_past(self, end: bytes) -> bool:
        while True:
            i = self.buf.find(end, self.pos)
            if i >= 0:
                self.pos = i + len(end)
                return True
            self.pos = max(self.pos, len(self.buf) - len(end) + 1)
            if not self.more():
                return False


def read_prolog(read: Callable[[int], bytes]) -> Prolog:
    """Read the prolog from ``read`` (a stream's ``read``) up to the root element's start tag,
    in bounded memory and linear time. Raises ``UnsafeXML`` for an internal DTD subset, an
    encoding whose bytes are not ASCII-like, or anything a prolog cannot hold."""
    return split_prolog(read)[0]


def split_prolog(read: Callable[[int], bytes]) -> tuple[Prolog, bytes]:
    """``read_prolog``, and the bytes read past the prolog (from the root's ``<``): the caller
    goes on reading the stream from there, without a second pass."""
    source = _Bytes(read)
    if source.peek(3) == b"\xef\xbb\xbf":
        source.pos += 3
    encoding: str | None = None
    doctype: re.Match[bytes] | None = None
    first = True
    while True:
        source.skip_space()
        head = source.peek(10)
        if not head:
            raise UnsafeXML("not XML: no element")
        if head.startswith(b"<?xml") and head[5:6] in (b" ", b"\t", b"\r", b"\n") and first:
            decl = source.peek(1024)
            end = decl.find(b"?>")
            if end < 0:
                raise UnsafeXML("malformed XML declaration")
            m = _ENCODING.search(decl, 0, end)
            if m is not None:
                encoding = m.group(1).decode()
                if not _ASCII_COMPATIBLE.fullmatch(encoding):
                    raise UnsafeXML(f"the XML is in {encoding}, which ta1check does not read")
            source.pos += end + 2
        elif head.startswith(b"<?"):
            if not source.skip_past(b"?>"):
                raise UnsafeXML("malformed XML: a processing instruction is not closed")
        elif head.startswith(b"<!--"):
            source.pos += 4
            if not source.skip_past(b"-->"):
                raise UnsafeXML("malformed XML: a comment is not closed")
        elif head.startswith(b"<!DOCTYPE"):
            if doctype is not None:
                raise UnsafeXML("malformed XML: two DOCTYPE declarations")
            decl = source.peek(_DOCTYPE_MAX)
            doctype = _DOCTYPE_DECL.match(decl)
            if doctype is None:
                raise UnsafeXML("the XML's DOCTYPE declaration cannot be read: refused")
            if doctype.group("end") == b"[":
                raise UnsafeXML(_SUBSET_REFUSED)
            source.pos += doctype.end()
        elif head[:1] == b"<" and _name_start(head[1:2]):
            break
        else:
            raise UnsafeXML(f"not XML: {_excerpt(head)}" if first else "malformed XML prolog")
        first = False
    system = None
    if doctype is not None:
        literal = doctype.group("system") or doctype.group("system2")
        system = literal[1:-1].decode("utf-8", "replace") if literal else None
    root = doctype.group("root").decode("utf-8", "replace") if doctype is not None else None
    return Prolog(encoding, root, system), source.buf[source.pos :]


def _name_start(byte: bytes) -> bool:
    return bool(byte) and (byte.isalpha() or byte in b"_:" or byte[0] >= 0x80)


# --- a Bio.Entrez parser that cannot fetch ---------------------------------------------------


def _dtd_dirs() -> tuple[str | None, ...]:
    from Bio.Entrez.Parser import DataHandler

    return (DataHandler.global_dtd_dir, DataHandler.local_dtd_dir)


@lru_cache(maxsize=1)
def _bundled_pubmed_dtds() -> tuple[str, ...]:
    names = [
        n
        for d in _dtd_dirs()
        if d and os.path.isdir(d)
        for n in os.listdir(d)
        if re.fullmatch(r"pubmed_\d{6}\.dtd", n)
    ]
    return tuple(sorted(set(names), key=_dtd_sort_key))


def _dtd_sort_key(name: str) -> str:
    yymmdd = name[len("pubmed_") : -len(".dtd")]
    century = "19" if yymmdd[:2] > "50" else "20"
    return century + yymmdd


@lru_cache(maxsize=64)
def _dtd_available(name: str) -> bool:
    return any(d and os.path.isfile(os.path.join(d, name)) for d in _dtd_dirs())


_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _local_dtd(system_id: str | None) -> str:
    """The bundled DTD file to read for ``system_id``; raises ``UnsafeXML`` if there is none.

    NOTE: NCBI publishes a new PubMed DTD every year (2026: pubmed_260101.dtd) and Biopython
    bundles only those up to its release. The yearly DTDs differ only by added elements, which
    ``validate=False`` accepts, so the newest bundled one describes the record's structure.
    """
    name = (system_id or "").rsplit("/", 1)[-1]
    if _FILE_NAME.fullmatch(name) and _dtd_available(name):
        return name
    bundled = _bundled_pubmed_dtds()
    if re.fullmatch(r"pubmed_\d{6}\.dtd", name) and bundled:
        log.debug(
            "the XML declares %s, which Biopython does not bundle; using %s", name, bundled[-1]
        )
        return bundled[-1]
    raise UnsafeXML(f"the XML declares an unknown DTD ({name or system_id}): refused")


def _refuse_entity(*_args: Any) -> NoReturn:
    raise UnsafeXML("the XML declares its own entities: refused")


def _refuse_doctype(_root: str, _system: Any, _public: Any, has_internal_subset: int) -> None:
    if has_internal_subset:
        raise UnsafeXML(_SUBSET_REFUSED)


def _refuse_skipped(name: str, is_parameter_entity: int) -> NoReturn:
    raise UnsafeXML(f"the XML refers to an entity nothing declares (&{name};): refused")


def _guard(parser: Any) -> None:
    """Make an expat parser refuse what a document may declare for itself."""
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.SkippedEntityHandler = _refuse_skipped


@lru_cache(maxsize=1)
def _offline_handler() -> Any:
    """The handler class, made at the first parse: Bio.Entrez is imported only by a run that
    parses XML (a warm run reads JSON from the cache)."""
    from Bio.Entrez.Parser import DataHandler

    class OfflineHandler(DataHandler):
        """Bio.Entrez's handler, reading only bundled DTDs and schemas (never ``urlopen``)."""

        def __init__(self) -> None:
            super().__init__(validate=False, escape=False, ignore_errors=False)  # type: ignore[no-untyped-call]
            _guard(self.parser)
            self.parser.ExternalEntityRefHandler = self.externalEntityRefHandler

        def externalEntityRefHandler(
            self, context: str, base: str | None, system_id: str | None, public_id: str | None
        ) -> int:
            name = _local_dtd(system_id)
            handle = self.open_dtd_file(name)  # type: ignore[no-untyped-call]
            if handle is None:  # removed since it was listed
                raise UnsafeXML(f"the XML declares an unknown DTD ({name}): refused")
            with handle:
                # A sub-parser inherits every handler: the DTD's own declarations are allowed.
                parser = self.parser.ExternalEntityParserCreate(context)
                parser.ElementDeclHandler = self.elementDecl
                for allowed in (
                    "StartDoctypeDeclHandler",
                    "EntityDeclHandler",
                    "UnparsedEntityDeclHandler",
                    "SkippedEntityHandler",
                ):
                    setattr(parser, allowed, None)
                parser.ParseFile(handle)
            self.parser.StartElementHandler = self.startElementHandler
            return 1

        def schemaHandler(self, name: str, attrs: dict[str, str]) -> None:
            schema = attrs.get(f"{self.schema_namespace} noNamespaceSchemaLocation", "")
            filename = schema.rsplit("/", 1)[-1]
            handle = self.open_xsd_file(filename) if _FILE_NAME.fullmatch(filename) else None  # type: ignore[no-untyped-call]
            if handle is None:
                raise UnsafeXML(
                    f"the XML names an unknown XML schema ({filename or schema}): refused"
                )
            handle.close()
            super().schemaHandler(name, attrs)  # type: ignore[no-untyped-call]

    return OfflineHandler


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
    error = _ERROR.search(content[:_HEAD])
    if error:
        raise BadResponse(f"NCBI error: {_excerpt(error.group('msg'))}")


def _excerpt(data: bytes, limit: int = 120) -> str:
    text = " ".join(data[:limit].decode("utf-8", "replace").split())
    return text + ("…" if len(data) > limit else "")


@dataclass(frozen=True)
class ParsedSet:
    """The records of one well-formed ``PubmedArticleSet``, by PMID; ``by_entrez``: read by
    Bio.Entrez (whose parse tree leaves reference cycles for the collector)."""

    records: dict[int, Record]
    by_entrez: bool = False


def parse_pubmed_xml(content: bytes) -> ParsedSet:
    """Parse efetch XML. Raises ``BadResponse`` for anything but a complete
    ``PubmedArticleSet`` (which may be empty: every PMID unknown).

    The records are read by ``xmlread`` (lxml, about a sixth of Bio.Entrez's time), which
    gives the ``Record``s ``parse_with_entrez`` gives (tests/test_xmlread.py). A document it is
    not sure to read alike (``NotPlain``: another shape than PubMed's answers) goes to
    ``parse_with_entrez``, which accepts or refuses it as it always has."""
    _sniff(content)
    try:
        prolog = read_prolog(io.BytesIO(content).read)
    except UnsafeXML as exc:
        raise BadResponse(exc.cause) from None
    from .xmlread import NotPlain, read_records  # lxml is imported by the first parse only

    try:
        dtd = _local_dtd(prolog.system_id) if prolog.system_id else ""
        return ParsedSet(read_records(content, dtd))
    except (NotPlain, UnsafeXML):
        return parse_with_entrez(content)


def parse_with_entrez(content: bytes) -> ParsedSet:
    """``parse_pubmed_xml`` by Bio.Entrez and ``record_from_entrez``: the parser of record,
    which ``xmlread``'s records are tested against."""
    _sniff(content)
    try:
        read_prolog(io.BytesIO(content).read)
        parsed = _offline_handler()().read(io.BytesIO(content))
    except UnsafeXML as exc:
        raise BadResponse(exc.cause) from None
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
    return ParsedSet(records, by_entrez=True)


def parse_tree(content: bytes) -> ET.Element:
    """``content`` as an ElementTree (namespaces as ElementTree names them), parsed by expat
    under the same rules: no DTD is read, no entity declared, nothing fetched. Raises
    ``BadResponse``."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    _guard(parser)

    def start(tag: str, attrs: dict[str, str]) -> None:
        builder.start(_qname(tag), {_qname(k): v for k, v in attrs.items()})

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_qname(tag))
    parser.CharacterDataHandler = builder.data
    try:
        read_prolog(io.BytesIO(content).read)
        parser.Parse(content, True)
    except UnsafeXML as exc:
        raise BadResponse(exc.cause) from None
    except expat.ExpatError as exc:
        raise BadResponse(f"malformed XML: {_first_line(exc)}") from None
    except (ValueError, LookupError) as exc:  # an encoding expat does not know
        raise BadResponse(f"unparseable XML: {_first_line(exc)}") from None
    return builder.close()


def _qname(name: str) -> str:
    return "{" + name if "}" in name else name


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
