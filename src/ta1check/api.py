"""The library API: what the CLI calls, and what a program embedding ta1check calls.

from ta1check.api import Settings, check
run = check([Path("claims.toml")], Settings(email="me@example.org"))
run.exit_code(FailOn.ERROR)
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_cache_dir

from .claims import ClaimsFile, load_claims
from .gctune import tuned_for_run
from .pubmed import DEFAULT_BASE_URL
from .pubmed.cache import RecordCache, is_redis_url, redis_errors
from .pubmed.source import EntrezSource, Outcome, Progress, Unverified
from .redaction import redact, safe_url
from .results import CheckRun
from .runner import run_checks

if TYPE_CHECKING:
    # NOTE: imported where they are used: `ta1check check` against a warm cache loads neither
    # the HTTP stack (requests, urllib3, tenacity, the rate limiter) nor the article reader.
    from .article import Article
    from .config import Config
    from .pubmed.entrez import EntrezClient, EntrezConfig, RetryNotice


DEFAULT_MAX_AGE = timedelta(days=7)
log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    return Path(user_cache_dir("ta1check", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know besides the claims. ``api_key`` never appears in
    ``repr``."""

    eutils_url: str = DEFAULT_BASE_URL
    email: str | None = None
    api_key: str | None = field(default=None, repr=False)
    #: A cache directory, a ``redis://`` URL, or None for no cache.
    cache_dir: Path | str | None = field(default_factory=default_cache_dir)
    offline: bool = False
    refresh: bool = False
    max_age: timedelta = DEFAULT_MAX_AGE
    timeout: float = 120.0
    max_attempts: int = 5
    read_timeout: float = 60.0
    #: Look for stated figures missing from the abstract in the PMC full text.
    fulltext: bool = True
    #: Search PubMed for the paper a citation describes when its PMID's record is another
    #: (``Result.suggestion``, #13).
    suggest: bool = True
    #: Check against local PubMed XML files or an index instead of the network.
    records: tuple[Path, ...] = ()
    #: The records are the whole of PubMed: a PMID absent from them is not found.
    records_complete: bool = False
    #: The day acceptances of findings expire against (None: today).
    today: date | None = None

    @classmethod
    def from_config(cls, config: Config, **extra: Any) -> Settings:
        """Settings from resolved configuration (command line > environment > config file >
        default); the API key only ever from ``NCBI_API_KEY``; ``extra`` sets the rest."""
        return cls(
            eutils_url=config["eutils-url"],
            email=config["email"],
            api_key=os.environ.get("NCBI_API_KEY", "").strip() or None,
            cache_dir=config["cache-dir"],
            max_age=config["max-age"],
            timeout=config["timeout"],
            fulltext=config["fulltext"],
            suggest=config["suggest"],
            **extra,
        )

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings as the command line would resolve them (``NCBI_EMAIL``, ``NCBI_API_KEY``,
        ``TA1CHECK_CACHE``, ``TA1CHECK_EUTILS_URL``, a config file), with ``overrides`` (not
        None) winning."""
        from .config import OPTIONS, load_config

        names = {o.name.replace("-", "_") for o in OPTIONS}
        settings = cls.from_config(load_config({k: v for k, v in overrides.items() if k in names}))
        rest = {k: v for k, v in overrides.items() if k not in names and v is not None}
        return dataclasses.replace(settings, **rest)

    def entrez_config(self) -> EntrezConfig:
        from .pubmed.entrez import EntrezConfig

        return EntrezConfig(
            base_url=self.eutils_url,
            email=self.email,
            api_key=self.api_key,
            timeout=self.timeout,
            max_attempts=self.max_attempts,
            read_timeout=self.read_timeout,
        )


def _cache_errors() -> tuple[type[Exception], ...]:
    """What opening the cache may raise (a Redis error only once redis has been imported)."""
    return (OSError, sqlite3.Error, *redis_errors())


@contextmanager
def open_source(
    settings: Settings, on_retry: Callable[[RetryNotice], None] | None = None
) -> Iterator[EntrezSource]:
    """The cached, rate-limited E-utilities source for these settings, closed afterwards.
    Its HTTP session is made at the first request: a run the cache answers makes none."""
    cache = None
    if settings.cache_dir is not None:
        try:
            cache = RecordCache.open(settings.cache_dir, max_age=settings.max_age)
        except _cache_errors() as exc:
            log.warning(
                "cannot use the cache in %s (%s); going on without it",
                safe_url(str(settings.cache_dir)),
                redact(str(exc)),
            )
    sessions = []

    def connect() -> EntrezClient:
        from .pubmed.entrez import EntrezClient, build_limiter, build_session

        config = settings.entrez_config()
        shared = (
            settings.cache_dir
            if cache is not None and is_redis_url(settings.cache_dir or "")
            else None
        )
        limiter = build_limiter(config.rate, str(shared), config.api_key) if shared else None
        session = build_session(config, limiter)
        sessions.append(session)
        return EntrezClient(session, config, on_retry=on_retry)

    try:
        yield EntrezSource(
            None,
            cache,
            offline=settings.offline,
            refresh=settings.refresh,
            connect=None if settings.offline else connect,
        )
    finally:
        for session in sessions:
            session.close()
        if cache is not None:
            cache.close()


def load(paths: Sequence[Path]) -> list[ClaimsFile]:
    """Load every claims file; raises ``ClaimsError`` at the first invalid one."""
    return [load_claims(p) for p in paths]


def check(paths: Sequence[Path], settings: Settings, progress: Progress | None = None) -> CheckRun:
    """Load the claims files, fetch their records (each PMID once), check every claim."""
    return check_files(load(paths), settings, progress)


def check_files(
    files: Sequence[ClaimsFile],
    settings: Settings,
    progress: Progress | None = None,
    *,
    on_retry: Callable[[RetryNotice], None] | None = None,
    keep_results: bool = True,
) -> CheckRun:
    """Fetch the records of loaded claims files (each PMID once) and check every claim.
    ``progress`` hears how many PMIDs are done; ``on_retry``, of each request retried.
    Without ``keep_results`` the run keeps its summary only: reading ``run.results`` is then
    an error (for a caller that wants the counts and the exit code alone)."""
    if settings.records:
        from .pubmed.files import FilesSource

        local = FilesSource(settings.records, complete=settings.records_complete)
        # Local records have no PMC full texts: figures are looked for in the abstract only,
        # as with --no-fulltext, and a miss says the full text was not consulted.
        return run_checks(
            files,
            local,
            progress,
            fulltext=False,
            today=settings.today,
            keep_results=keep_results,
        )
    with open_source(settings, on_retry) as source:
        return run_checks(
            files,
            source,
            progress,
            fulltext=settings.fulltext,
            today=settings.today,
            suggest=settings.suggest,
            keep_results=keep_results,
        )


def watch(
    files: Sequence[ClaimsFile],
    settings: Settings,
    progress: Progress | None = None,
    *,
    on_retry: Callable[[RetryNotice], None] | None = None,
) -> CheckRun:
    """Look again for integrity notices (retractions, expressions of concern, errata,
    updates) on every PMID the files cite: one search per 200 PMIDs, and only the records it
    flags downloaded again (and cached). The results hold those notices and nothing else."""
    from .watch import run_watch

    if settings.offline or settings.records:
        raise ValueError("a notice watch asks PubMed: it cannot run offline or on --records")
    with open_source(settings, on_retry) as source:
        return run_watch(files, source, progress, settings.today)


def build_index(paths: Sequence[Path], index: Path) -> list[tuple[Path, int, int]]:
    """Build (or extend) the SQLite index of local PubMed files, in the order given:
    (file, records, deletions) for each."""
    from .pubmed.files import RecordIndex

    built = []
    records = RecordIndex(index)
    try:
        with tuned_for_run():  # 14% faster; the reader frees Bio.Entrez's cycles per batch
            for path in paths:
                added, deleted = records.add(path)
                built.append((path, added, deleted))
    finally:
        records.close()
    return built


def draft_claims(path: Path, settings: Settings) -> tuple[str, list[str]]:
    """The claims file drafted from the article at ``path``, and the DOIs that could not be
    looked up (their references are left as comments)."""
    from .article import read_article
    from .draft import draft

    article = read_article(path)
    dois = {r.doi for r in article.references if r.pmid is None and r.doi}
    resolved: dict[str, int | str] = {}
    failed: list[str] = []
    if dois:
        with open_source(settings) as source:
            answers = source.resolve_dois(dois)
        for doi, answer in answers.items():
            if isinstance(answer, Unverified):
                resolved[doi] = f"the DOI could not be looked up ({answer.cause})"
                failed.append(doi)
            elif len(answer) == 1:
                resolved[doi] = answer[0]
            elif not answer:
                resolved[doi] = "PubMed has no record with this DOI"
            else:
                resolved[doi] = f"the DOI matches several PMIDs ({', '.join(map(str, answer))})"
    return draft(article, resolved), failed


def load_article(path: Path) -> Article:
    """Read and analyse an article (Markdown, HTML or text, in any encoding it declares or
    that can be detected); raises ``TextFileError`` for a file that is not readable text."""
    from .article import read_article

    return read_article(path)


def check_with_article(run: CheckRun, article: Path | Article) -> CheckRun:
    """``run`` with the article cross-checks (orphan citations, stale claims)."""
    from .crosscheck import with_article

    return with_article(run, load_article(article) if isinstance(article, Path) else article)


def lookup(pmids: Collection[int], settings: Settings) -> dict[int, Outcome]:
    """The records for ``pmids`` (for ``ta1check show``)."""
    with open_source(settings) as source:
        return source.fetch(pmids)
