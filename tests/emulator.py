"""A local E-utilities emulator for tests and benchmarks: real PubMed XML, NCBI's failure modes.

It serves ``efetch.fcgi`` (GET or POST, db=pubmed, retmode=xml) on 127.0.0.1 from the real
records in ``../shared/pubmed/`` and reproduces what NCBI does (shared/EUTILS.md):

- unknown PMIDs are silently left out of a 200 answer; an empty or all-invalid id list gives
  ``<eFetchResult><ERROR>…`` (with status 400 here);
- more than 3 requests in any one-second window (10 with ``api_key``) gives HTTP 429 with NCBI's
  JSON body and ``Retry-After``;
- the answer declares ``pubmed_260101.dtd``, newer than any DTD Biopython bundles;
- injected faults, one per request from a queue or on every request: 429, 5xx, truncated XML,
  ``<ERROR>`` inside a 200, HTML/JSON bodies, PMIDs other than those asked, a dropped
  connection, a slow answer.

PMIDs at or above ``synthetic_from`` are served as copies of a real record with the PMID
replaced (for scale tests and benchmarks only: say so where used).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import html
import json
import random
import re
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SHARED_PUBMED = Path(__file__).resolve().parents[2] / "shared" / "pubmed"
DOCTYPE_2026 = (
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2026//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_260101.dtd">'
)
_ARTICLE = re.compile(rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.S)
_PMID = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")

FAULTS = (
    "429",
    "500",
    "502",
    "503",
    "truncate",
    "error200",
    "html",
    "json",
    "wrong-pmids",
    "drop",
    "slow",
    "empty",
    "garbage",
    "huge-declared",
    "huge-stream",
    "custom",
)


def split_articles(xml: bytes) -> dict[int, bytes]:
    """Each ``PubmedArticle`` of an efetch document, by its PMID."""
    articles: dict[int, bytes] = {}
    for m in _ARTICLE.finditer(xml):
        pmid = _PMID.search(m.group(0))
        if pmid:
            articles[int(pmid.group(1))] = m.group(0)
    return articles


@functools.cache
def _real_records() -> dict[int, bytes]:
    records: dict[int, bytes] = {}
    for path in sorted(SHARED_PUBMED.glob("*.xml")):
        records.update(split_articles(path.read_bytes()))
    return records


def real_records() -> dict[int, bytes]:
    return dict(_real_records())


#: PubMed's has-notice search filters, and the CommentsCorrections RefType each finds.
NOTICE_FILTERS: dict[str, bytes] = {
    "hasretractionin": b'RefType="RetractionIn"',
    "hasretractedandrepublishedin": b'RefType="RetractedandRepublishedIn"',
    "hasexpressionofconcernin": b'RefType="ExpressionOfConcernIn"',
    "haserratumin": b'RefType="ErratumIn"',
    "hasupdatein": b'RefType="UpdateIn"',
    '"retracted publication"[pt]': b">Retracted Publication</PublicationType>",
}


@dataclass
class Request:
    at: float
    method: str
    path: str
    params: dict[str, str]
    ids: list[int]
    status: int = 0


@dataclass
class Emulator:
    """Holds the records, the fault plan and the log of requests; ``start()`` serves it."""

    records: dict[int, bytes] = field(default_factory=real_records)
    latency: float = 0.0
    slow_seconds: float = 5.0
    enforce_rate: bool = True
    retry_after: str = "1"
    synthetic_from: int | None = None
    #: Real records the synthetic PMIDs cycle through (PMID ``p`` is a copy of
    #: ``synthetic_mix[p % len]``); empty: every one is a copy of the 21 KB PMID 29768149.
    synthetic_mix: tuple[bytes, ...] = ()
    status_for_error: int = 400
    #: PMC full texts (JATS ``<article>`` XML) by numeric PMC id, for efetch db=pmc.
    pmc: dict[int, bytes] = field(default_factory=dict)
    faults: collections.deque[str] = field(default_factory=collections.deque)
    #: Statuses the next esearch requests get instead of an answer ("503", "429"…).
    esearch_faults: collections.deque[str] = field(default_factory=collections.deque)
    #: The body served by the "custom" fault (status 200).
    custom_body: bytes = b""
    #: Random faults: this share of requests gets one of ``random_faults`` (seeded).
    fault_rate: float = 0.0
    random_faults: tuple[str, ...] = ("429", "500", "503", "truncate", "error200", "drop")
    seed: int = 0
    always: str | None = None
    #: Faults of searches (esearch terms other than DOIs, ecitmatch), one per request from
    #: the queue, or on every one: "500", "503", "429", "error" (an esearch ERROR), "slow".
    search_faults: collections.deque[str] = field(default_factory=collections.deque)
    search_always: str | None = None
    #: The terms searched and the citations matched (for tests of the suggestions).
    searches: list[str] = field(default_factory=list)
    citmatches: list[str] = field(default_factory=list)
    log: list[Request] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _arrivals: dict[str, collections.deque[float]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _busy: int = 0
    _peak_busy: int = 0

    # -- control -----------------------------------------------------------------------------
    def inject(self, *faults: str) -> None:
        for f in faults:
            assert f in FAULTS, f
        self.faults.extend(faults)

    def add_record(self, xml: bytes) -> int:
        ((pmid, article),) = split_articles(xml).items()
        self.records[pmid] = article
        return pmid

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/entrez/eutils/"

    @property
    def efetches(self) -> list[Request]:
        return [r for r in self.log if r.path.endswith("efetch.fcgi")]

    @property
    def rate_limited(self) -> int:
        return sum(1 for r in self.log if r.status == 429)

    @property
    def peak_concurrency(self) -> int:
        """The most efetch requests being answered at once (arrival to answer sent)."""
        with self._lock:
            return self._peak_busy

    def max_in_window(self, window: float = 1.0) -> int:
        """The most requests that arrived within any ``window`` seconds."""
        times = sorted(r.at for r in self.log)
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def start(self) -> Emulator:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            # The arrival time is taken first thing: the client runs in this process too,
            # and a handler thread may wait for the GIL while the client parses.
            def do_GET(self) -> None:
                now = time.monotonic()
                emulator._handle(self, parse_qs(urlsplit(self.path).query), now)

            def do_POST(self) -> None:
                now = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                params = parse_qs(urlsplit(self.path).query)
                params.update(parse_qs(body))
                emulator._handle(self, params, now)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up (timeouts, size limits): expected, not news

        server = Server(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- serving -----------------------------------------------------------------------------
    def _over_rate(self, key: str, now: float, limit: int) -> bool:
        with self._lock:
            window = self._arrivals.setdefault(key, collections.deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            window.append(now)
            return len(window) > limit

    def _next_search_fault(self, send: Any) -> bool:
        """A fault for a search (``search_faults``: "500", "429", "error", "slow"), sent:
        True when the request was answered with it."""
        with self._lock:
            fault = self.search_faults.popleft() if self.search_faults else self.search_always
        if fault is None:
            return False
        if fault == "slow":
            time.sleep(self.slow_seconds)
            return False
        if fault == "error":
            send(200, b'{"esearchresult": {"ERROR": "Search Backend failed"}}', "application/json")
        elif fault == "429":
            send(
                429,
                b'{"error":"API rate limit exceeded"}',
                "application/json",
                [("Retry-After", self.retry_after)],
            )
        else:
            send(int(fault), b"<html><body>Server Error</body></html>", "text/html")
        return True

    def _next_fault(self) -> str | None:
        with self._lock:
            if self.faults:
                return self.faults.popleft()
            if self.always is None and self.fault_rate:
                rng = self.__dict__.setdefault("_rng", random.Random(self.seed))
                if rng.random() < self.fault_rate:
                    return str(rng.choice(self.random_faults))
        return self.always

    def _esearch(self, flat: dict[str, str], send: Any) -> None:
        """esearch db=pubmed retmode=json over the records, as PubMed answers a term of
        tagged words and phrases (``[aid]``, ``[au]``, ``[ta]``, ``[dp]``, ``[ti]``,
        ``[tiab]``) joined by AND, OR and parentheses: ``retmax`` ids (default 20), the
        closest matches first with ``sort=relevance``, else the newest first."""
        term = flat.get("term", "")
        if "[uid]" in term:
            self._esearch_notices(term, int(flat.get("retmax", "20")), send)
            return
        try:
            query = _parse_term(term) if flat.get("db") == "pubmed" else None
        except ValueError:
            query = None
        if query is None:
            body: dict[str, Any] = {"esearchresult": {"ERROR": "Invalid query"}}
        else:
            scored = []
            for pmid in sorted(self.records, reverse=True):
                fields = _fields(self.records[pmid])
                score = query(fields)
                if score:
                    scored.append((score, pmid))
            if flat.get("sort") == "relevance":
                scored.sort(key=lambda s: (-s[0], -s[1]))
            retmax = int(flat.get("retmax") or 20)
            ids = [str(pmid) for _, pmid in scored[:retmax]]
            self.searches.append(term)
            body = {
                "esearchresult": {
                    "count": str(len(scored)),
                    "retmax": str(len(ids)),
                    "retstart": "0",
                    "idlist": ids,
                }
            }
        send(200, json.dumps(body).encode(), "application/json")

    def _esearch_notices(self, term: str, retmax: int, send: Any) -> None:
        """``(1[uid] OR 2[uid] ...) AND (hasretractionin OR ...)``: those of the PMIDs whose
        record has one of the notices, as PubMed answers (ids newest first, ``retmax`` of
        them); an unknown filter is an error, as a typo would be for NCBI's parser."""
        m = re.fullmatch(r"\(((?:\d+\[uid\](?: OR )?)+)\) AND \((.+)\)", term.strip())
        filters = m.group(2).split(" OR ") if m else []
        if not m or any(f not in NOTICE_FILTERS for f in filters):
            body: dict[str, Any] = {"esearchresult": {"ERROR": "Invalid query"}}
        else:
            wanted = [int(i) for i in re.findall(r"(\d+)\[uid\]", m.group(1))]
            marks = [NOTICE_FILTERS[f] for f in filters]
            ids = sorted(
                (p for p in set(wanted) if any(k in (self._record(p) or b"") for k in marks)),
                reverse=True,
            )
            body = {
                "esearchresult": {
                    "count": str(len(ids)),
                    "retmax": str(min(retmax, len(ids))),
                    "retstart": "0",
                    "idlist": [str(i) for i in ids[:retmax]],
                }
            }
        send(200, json.dumps(body).encode(), "application/json")

    def _ecitmatch(self, flat: dict[str, str], send: Any) -> None:
        """ecitmatch.cgi: each ``journal|year|volume|first page|author|key|`` line of
        ``bdata`` (separated by CR) echoed with the PMID of the one record it matches, or
        NOT_FOUND, or AMBIGUOUS (as NCBI's batch citation matcher answers, in plain text)."""
        rows = []
        for line in re.split(r"[\r\n]+", flat.get("bdata", "")):
            parts = line.split("|")
            if len(parts) < 6:
                continue
            journal, year, volume, page, author = (p.strip() for p in parts[:5])
            found = [
                pmid
                for pmid, xml in sorted(self.records.items())
                if _citmatches(_fields(xml), journal, year, volume, page, author)
            ]
            answer = (
                str(found[0])
                if len(found) == 1
                else "NOT_FOUND"
                if not found
                else (f"AMBIGUOUS {len(found)} citations")
            )
            rows.append("|".join(parts[:6]) + "|" + answer)
        self.citmatches.extend(rows)
        send(200, ("\n".join(rows) + "\n").encode(), "text/plain")

    def _record(self, pmid: int) -> bytes | None:
        if pmid in self.records:
            return self.records[pmid]
        if self.synthetic_from is not None and pmid >= self.synthetic_from:
            mix = self.synthetic_mix
            template = mix[pmid % len(mix)] if mix else self.records[29768149]
            return _PMID.sub(f'<PMID Version="1">{pmid}</PMID>'.encode(), template, count=1)
        return None

    def _handle(
        self, handler: BaseHTTPRequestHandler, params: dict[str, list[str]], now: float
    ) -> None:
        with self._lock:
            self._busy += 1
            self._peak_busy = max(self._peak_busy, self._busy)
        try:
            self._answer(handler, params, now)
        finally:
            with self._lock:
                self._busy -= 1

    def _answer(
        self, handler: BaseHTTPRequestHandler, params: dict[str, list[str]], now: float
    ) -> None:
        flat = {k: v[0] for k, v in params.items()}
        raw_ids = ",".join(params.get("id", []))
        ids = [int(i) for i in re.split(r"[,\s]+", raw_ids) if i.isdigit()]
        entry = Request(now, handler.command, urlsplit(handler.path).path, flat, ids)
        with self._lock:
            self.log.append(entry)

        def send(
            status: int,
            body: bytes,
            ctype: str = "text/xml",
            headers: Iterable[tuple[str, str]] = (),
        ) -> None:
            entry.status = status
            handler.send_response(status)
            handler.send_header("Content-Type", ctype)
            handler.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(body)

        limit = 10 if flat.get("api_key") else 3
        key = flat.get("api_key") or handler.client_address[0]
        if self.enforce_rate and self._over_rate(key, now, limit):
            body = json.dumps(
                {
                    "error": "API rate limit exceeded",
                    "api-key": handler.client_address[0],
                    "count": str(limit + 1),
                    "limit": str(limit),
                }
            ).encode()
            send(
                429,
                body,
                "application/json",
                [
                    ("Retry-After", self.retry_after),
                    ("X-RateLimit-Limit", str(limit)),
                    ("X-RateLimit-Remaining", "0"),
                ],
            )
            return
        if self.latency:
            time.sleep(self.latency)
        if entry.path.endswith("ecitmatch.cgi"):
            if self._next_search_fault(send):
                return
            self._ecitmatch(flat, send)
            return
        term = flat.get("term", "").lower()
        if entry.path.endswith("esearch.fcgi") and "[aid]" not in term and "[uid]" not in term:
            if self._next_search_fault(send):
                return
            self._esearch(flat, send)
            return
        if entry.path.endswith("esearch.fcgi"):
            if self.always == "custom" or (self.faults and self.faults[0] == "custom"):
                self._next_fault()
                send(200, self.custom_body, "application/json")  # a hostile esearch answer
                return
            if self.esearch_faults:
                status = int(self.esearch_faults.popleft())
                send(status, f"<html><body>{status}</body></html>".encode(), "text/html")
                return
            self._esearch(flat, send)
            return
        if not entry.path.endswith("efetch.fcgi"):
            send(404, b"<html><body>Not found</body></html>", "text/html")
            return
        fault = self._next_fault()
        if fault == "slow":
            time.sleep(self.slow_seconds)
        elif fault == "drop":
            entry.status = -1
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            return
        elif fault in ("429", "500", "502", "503"):
            status = int(fault)
            if status == 429:
                body = b'{"error":"API rate limit exceeded","count":"4","limit":"3"}'
                send(429, body, "application/json", [("Retry-After", self.retry_after)])
            else:
                send(
                    status, f"<html><body>{status} Server Error</body></html>".encode(), "text/html"
                )
            return
        elif fault == "html":
            send(200, b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "text/html")
            return
        elif fault == "json":
            send(200, b'{"error":"Search Backend failed"}', "application/json")
            return
        elif fault == "error200":
            send(
                200,
                b'<?xml version="1.0" ?>\n<eFetchResult><ERROR>Unable to obtain query #1'
                b"</ERROR></eFetchResult>",
            )
            return
        elif fault == "empty":
            send(200, b"")
            return
        elif fault == "garbage":
            send(
                200,
                b'<?xml version="1.0" ?>\n<PubmedArticleSet><PubmedArticle><<</>&&;'
                b"</PubmedArticleSet>",
            )
            return
        elif fault == "custom":
            send(200, self.custom_body)
            return
        elif fault == "huge-declared":
            entry.status = 200
            handler.send_response(200)
            handler.send_header("Content-Type", "text/xml")
            handler.send_header("Content-Length", str(1 << 30))
            handler.end_headers()
            handler.wfile.write(b'<?xml version="1.0" ?>\n<PubmedArticleSet>')
            handler.close_connection = True
            return
        elif fault == "huge-stream":
            entry.status = 200
            handler.send_response(200)
            handler.send_header("Content-Type", "text/xml")
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            chunk = b"<PubmedArticle>" + b"x" * (1 << 20) + b"</PubmedArticle>"
            with contextlib.suppress(OSError):
                handler.wfile.write(b"%x\r\n<PubmedArticleSet>\r\n" % len(b"<PubmedArticleSet>"))
                for _ in range(200):  # up to ~200 MB, until the client hangs up
                    handler.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            handler.close_connection = True
            return

        if flat.get("db") == "pmc" and ids:
            found = [self.pmc[i] for i in dict.fromkeys(ids) if i in self.pmc]
            send(
                200,
                b'<?xml version="1.0" ?>\n<pmc-articleset>'
                + b"".join(found)
                + b"</pmc-articleset>\n",
            )
            return
        if flat.get("db") != "pubmed" or not ids:
            send(
                self.status_for_error,
                b'<?xml version="1.0" ?>\n<eFetchResult><ERROR>ID list is '
                b"empty! Possibly it has no correct IDs.</ERROR></eFetchResult>",
            )
            return
        if fault == "wrong-pmids":
            ids = [i + 1 for i in ids]
            chunks = [self._record(p) or b"" for p in sorted(self.records)[:2]]
        else:
            chunks = [c for c in (self._record(p) for p in dict.fromkeys(ids)) if c]
        body = (
            b'<?xml version="1.0" ?>\n'
            + DOCTYPE_2026
            + b"\n<PubmedArticleSet>\n"
            + b"\n".join(chunks)
            + b"\n</PubmedArticleSet>\n"
        )
        if fault == "truncate":
            body = body[: max(len(body) // 2, 60)]
        send(200, body)


# -- searching: a record's fields, and PubMed's query syntax ---------------------------------

_TAGGED = {
    "au": "authors",
    "ta": "journals",
    "dp": "years",
    "ti": "title",
    "tiab": "tiab",
    "aid": "ids",
}
_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"(\[\w+\])?|([^\s()\[\]"]+)(\[\w+\])?)')


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _text_of(xml: bytes, tag: bytes) -> list[str]:
    found = re.findall(rb"<" + tag + rb"(?:\s[^>]*)?>(.*?)</" + tag + rb">", xml, re.S)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", f.decode("utf-8", "replace"))).strip() for f in found
    ]


@functools.lru_cache(maxsize=20_000)
def _fields(xml: bytes) -> dict[str, Any]:
    """What PubMed indexes of a record, for the emulator's searches."""
    authors = []
    for block in re.findall(rb"<Author\b[^>]*>(.*?)</Author>", xml, re.S):
        last = _text_of(block, b"LastName")
        initials = _text_of(block, b"Initials")
        if last:
            authors.append((last[0].lower(), (initials[0] if initials else "").lower()))
    journals = {
        " ".join(j.lower().replace(".", " ").split())
        for tag in (b"Title", b"ISOAbbreviation", b"MedlineTA")
        for j in _text_of(xml, tag)
    }
    pub_date = re.search(rb"<PubDate>(.*?)</PubDate>", xml, re.S)
    years = (
        set(re.findall(r"\b(1[6-9]\d\d|20\d\d)\b", pub_date.group(1).decode()))
        if (pub_date)
        else set()
    )
    title = " ".join(_text_of(xml, b"ArticleTitle") or _text_of(xml, b"BookTitle"))
    abstract = " ".join(_text_of(xml, b"AbstractText"))
    volume = (_text_of(xml, b"Volume") or [""])[0]
    pages = (_text_of(xml, b"MedlinePgn") or _text_of(xml, b"StartPage") or [""])[0]
    ids = {i.lower() for i in _text_of(xml, b"ArticleId") + _text_of(xml, b"ELocationID")}
    return {
        "authors": authors,
        "journals": journals,
        "years": years,
        "title": _words(title),
        "tiab": _words(title + " " + abstract),
        "ids": ids,
        "volume": volume.strip(),
        "first_page": re.split(r"[-–,;\s]", pages.strip())[0] if pages.strip() else "",
    }


def _atom(text: str, tag: str | None) -> Any:
    """A matcher for one word or phrase (with its field tag, or in all fields)."""
    value = " ".join(text.lower().replace(".", " ").split())
    field_name = _TAGGED.get((tag or "[all]")[1:-1].lower())

    def match(f: dict[str, Any]) -> int:
        if field_name == "authors":
            for last, initials in f["authors"]:
                surname, _, given = value.partition(" ")
                if value == last or (
                    value.startswith(last + " ") and initials.startswith(value[len(last) + 1 :])
                ):
                    return 1
                if surname == last and initials.startswith(given):
                    return 1
            return 0
        if field_name == "journals":
            return int(value in f["journals"])
        if field_name == "years":
            return int(value in f["years"])
        if field_name == "ids":
            return int(text.strip().lower() in f["ids"])
        words = _words(value)
        pool = f["title"] if field_name == "title" else f["tiab"]
        return int(bool(words) and words <= pool)

    return match


def _parse_term(term: str) -> Any:
    """PubMed's boolean query syntax, enough of it for the tests: a matcher that returns how
    many of the term's atoms a record matches (0: not a hit)."""
    tokens: list[tuple[str, Any]] = []
    pos = 0
    term = term.strip()
    while pos < len(term):
        m = _TOKEN.match(term, pos)
        if not m or m.end() == pos:
            raise ValueError(term)
        pos = m.end()
        if m.group(1):
            tokens.append(("(", None))
        elif m.group(2):
            tokens.append((")", None))
        elif m.group(3) is not None:
            tokens.append(("atom", _atom(m.group(3), m.group(4))))
        elif m.group(5).upper() in ("AND", "OR", "NOT"):
            tokens.append((m.group(5).upper(), None))
        else:
            tokens.append(("atom", _atom(m.group(5), m.group(6))))
    if not tokens:
        raise ValueError(term)
    at = 0

    def expression() -> Any:
        nonlocal at
        left = conjunction()
        while at < len(tokens) and tokens[at][0] == "OR":
            at += 1
            right = conjunction()
            left = _either(left, right)
        return left

    def conjunction() -> Any:
        nonlocal at
        left = primary()
        while at < len(tokens) and tokens[at][0] in ("AND", "NOT", "atom", "("):
            op = tokens[at][0]
            if op in ("AND", "NOT"):
                at += 1
            right = primary()
            left = _but_not(left, right) if op == "NOT" else _both(left, right)
        return left

    def primary() -> Any:
        nonlocal at
        if at >= len(tokens):
            raise ValueError(term)
        kind, value = tokens[at]
        at += 1
        if kind == "(":
            inner = expression()
            if at >= len(tokens) or tokens[at][0] != ")":
                raise ValueError(term)
            at += 1
            return inner
        if kind != "atom":
            raise ValueError(term)
        return value

    query = expression()
    if at != len(tokens):
        raise ValueError(term)
    return query


def _either(a: Any, b: Any) -> Any:
    return lambda f: (a(f) + b(f)) if (a(f) or b(f)) else 0


def _both(a: Any, b: Any) -> Any:
    return lambda f: (a(f) + b(f)) if (a(f) and b(f)) else 0


def _but_not(a: Any, b: Any) -> Any:
    return lambda f: a(f) if not b(f) else 0


def _citmatches(
    f: dict[str, Any], journal: str, year: str, volume: str, page: str, author: str
) -> bool:
    """Whether a record is the citation ECitMatch describes (empty fields match anything)."""
    journal = " ".join(journal.lower().replace(".", " ").split())
    if journal and journal not in f["journals"]:
        return False
    if year and year not in f["years"]:
        return False
    if volume and volume.lower() != f["volume"].lower():
        return False
    if page and page.lower() != f["first_page"].lower():
        return False
    if author:
        surname = author.lower().split()[0]
        if not f["authors"] or f["authors"][0][0] != surname:
            return False
    return True
