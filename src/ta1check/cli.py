"""The command line: parse options, call the library, choose reports, exit.

Every exit goes through ``main``: a broken citation is exit 1, bad input 2, could-not-verify
3, a bug 4 (one line, never a traceback unless ``--traceback``), Ctrl-C 130.

NOTE: this module imports only click and ta1check's own small modules; each command imports
what it uses when it runs. ``--version`` and ``--help`` (a pre-commit hook pays for every
start) load no HTTP stack, Redis, rich or Biopython; ``bench/startup.py`` measures it.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import glob
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from . import __version__
from .findings import ExitCode, FailOn
from .redaction import redact, register, safe_url
from .report.interface import REPORTER_BY_NAME

if TYPE_CHECKING:
    from rich.progress import Progress

    from .api import Settings
    from .claims import ClaimsFile
    from .config import Config
    from .outputs import Input
    from .pubmed.entrez import RetryNotice
    from .results import CheckRun

log = logging.getLogger("ta1check")
F = TypeVar("F", bound=Callable[..., Any])


class _Duration(click.ParamType):  # type: ignore[type-arg]
    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, timedelta):
            return value
        from .config import parse_duration

        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class _Timeout(click.ParamType):  # type: ignore[type-arg]
    """Seconds, finite and at most a day: NaN or infinity would mean "never time out"."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from .config import timeout_seconds

        try:
            return timeout_seconds(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class _Redact(logging.Filter):
    """Keeps secrets (the API key, a Redis URL's password) out of every log line, whatever
    library wrote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


def _setup_logging(verbose: int, secret: str | None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    register(secret)
    handler.addFilter(_Redact())
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    # the handler's own level too: a library that sets its logger to DEBUG (bm25s does, at
    # import) would otherwise print its debug lines through it on every run
    handler.setLevel(level)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def _network_options(f: F) -> F:
    """Options shared by the commands that fetch. Defaults are None here: the effective value
    comes from ``config.load_config`` (command line > environment > config file > default)."""
    options = [
        click.option(
            "--email",
            help="Your email, sent to NCBI with each request (env NCBI_EMAIL). "
            "The API key is read from NCBI_API_KEY only.",
        ),
        click.option(
            "--cache-dir",
            "--cache",
            "cache_dir",
            help="The record cache: a directory, or redis://host:port/db for a cache (and a rate "
            "limit) shared by many runners (env TA1CHECK_CACHE; default: the user cache "
            "directory).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
        click.option("--offline", is_flag=True, help="Use only the cache; a miss is unverified."),
        click.option("--refresh", is_flag=True, help="Refetch every record, ignoring the cache."),
        click.option(
            "--max-age",
            type=_Duration(),
            help="How long a cached record stays fresh (7d, 12h, 30m…; default 7d).",
        ),
        click.option(
            "--timeout",
            type=_Timeout(),
            help="Seconds the whole fetch may take, retries included (default 120).",
        ),
        click.option(
            "--eutils-url",
            help="E-utilities base URL (env TA1CHECK_EUTILS_URL), for mirrors and proxies.",
        ),
        click.option("-v", "--verbose", count=True, help="Log retries (-v) and requests (-vv)."),
        click.option("--traceback", "show_traceback", is_flag=True, hidden=True),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _settings(config: Config, opts: dict[str, Any]) -> Settings:
    from .api import Settings

    if opts["no_cache"] and opts["offline"]:
        raise click.UsageError("--offline needs the cache; drop --no-cache")
    settings = Settings.from_config(config, offline=opts["offline"], refresh=opts["refresh"])
    _setup_logging(opts["verbose"], settings.api_key)
    if settings.cache_dir is not None:
        safe_url(str(settings.cache_dir))  # a Redis URL's password: redacted from now on
    return dataclasses.replace(settings, cache_dir=None) if opts["no_cache"] else settings


@dataclasses.dataclass(frozen=True)
class _Bar:
    """The progress bar on a terminal: records done, and what a retry is waiting for."""

    progress: Progress
    advance: Callable[[int], None]
    retrying: Callable[[RetryNotice], None]


def _progress(total: int) -> _Bar | None:
    """A progress bar on stderr, on a terminal only (a log or a pipe gets what -v logs)."""
    if total == 0 or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        return None
    # While a request waits to be retried, the bar's label says why (it takes the label's
    # place: on an 80-column terminal both would squeeze the bar out).
    fetching = "fetching PubMed records"
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(fetching, total=total)

    def advance(n: int) -> None:
        progress.update(task, advance=n, description=fetching)

    def retrying(notice: RetryNotice) -> None:
        progress.update(task, description=str(notice))

    return _Bar(progress, advance, retrying)


def expand_paths(patterns: Sequence[str]) -> list[Path]:
    """Claims files as given, with glob patterns (``docs/**/claims.toml``) expanded when the
    shell did not; a pattern that matches nothing is a usage error."""
    paths: list[Path] = []
    for pattern in patterns:
        if any(ch in pattern for ch in "*?[") and not Path(pattern).exists():
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                raise click.UsageError(f"no claims file matches {pattern!r}")
            paths.extend(Path(m) for m in matches)
        else:
            paths.append(Path(pattern))
    return list(dict.fromkeys(paths))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ta1check")
def cli() -> None:
    """Verify an article's citations against PubMed."""


class _OrderedCommand(click.Command):
    """A command that remembers the order of its options on the command line (click keeps it
    only while parsing): which ``--output`` follows which ``--format``."""

    def make_parser(self, ctx: click.Context) -> Any:
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_args(args: list[str]) -> Any:
            opts, largs, order = parse(args)
            ctx.meta["ta1check.order"] = [p.name for p in order]
            return opts, largs, order

        parser.parse_args = parse_args  # type: ignore[method-assign]
        return parser


def _legacy_occurrences(
    ctx: click.Context, formats: Sequence[str], outputs: Sequence[Path]
) -> list[tuple[str, str]]:
    """``--format`` and ``--output`` values as ``(kind, value)`` in command-line order."""
    order = [n for n in ctx.meta.get("ta1check.order", []) if n in ("formats", "outputs")]
    values = {"formats": iter(formats), "outputs": iter(str(o) for o in outputs)}
    kinds = {"formats": "format", "outputs": "output"}
    return [(kinds[n], next(values[n])) for n in order]


_EXIT_CODES = """\b
Reports: --report FORMAT=FILE for a file, --report FORMAT for stdout (at most one); repeat
for several. Formats: table (default), json, junit, github, sarif, markdown, html.

\b
Exit codes:
  0  nothing at or above --fail-on (default error)
  1  a finding at or above it: a broken citation
  2  usage error or invalid claims file; nothing was checked
  3  no broken citation, but some claims could not be verified (even with --fail-on never)
  4  internal error (a bug)
  130  interrupted (Ctrl-C)
"""


@cli.command("check", cls=_OrderedCommand, epilog=_EXIT_CODES)
@click.argument("claims", nargs=-1)
@click.option(
    "--report",
    "report_specs",
    metavar="FORMAT[=FILE]",
    multiple=True,
    help="A report and where it goes: json=ta1check.json, or json (or json=-) for stdout. "
    "Repeatable; at most one to stdout; default: table to stdout. FORMAT is one of "
    + ", ".join(REPORTER_BY_NAME)
    + ".",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(list(REPORTER_BY_NAME)),
    multiple=True,
    help="Older spelling: a report to stdout, or to the --output that follows it.",
)
@click.option(
    "--output",
    "outputs",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    help="Older spelling: the file of the --format just before it. Use --report FORMAT=FILE.",
)
@click.option(
    "--fail-on",
    type=click.Choice([f.value for f in FailOn]),
    help="Exit 1 when a finding is at or above this severity (default error).",
)
@click.option(
    "--no-fulltext",
    "fulltext",
    flag_value=False,
    default=None,
    help="Look for stated figures in the abstract only, never in the PMC full text.",
)
@click.option(
    "--no-suggest",
    "suggest",
    flag_value=False,
    default=None,
    help="Do not search PubMed for the PMID a citation means when its record is another paper.",
)
@click.option(
    "--article",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The article (Markdown, HTML or text): flag orphan citations and stale claims.",
)
@click.option(
    "--records",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    multiple=True,
    help="Check against local PubMed XML (efetch output, baseline/update .xml.gz, later files "
    "win) or an index from `ta1check index`, instead of the network. Repeatable.",
)
@click.option(
    "--complete",
    is_flag=True,
    help="The --records are the whole of PubMed: a PMID absent from them is pmid-not-found "
    "(otherwise unverified).",
)
@click.option(
    "--notices",
    is_flag=True,
    help="Retraction watch: only look again for retractions, expressions of concern, errata "
    "and updates, with one search per 200 PMIDs; only flagged records are downloaded again "
    "(and cached). Other fields are not compared.",
)
@click.option(
    "--show",
    "show_spec",
    metavar="LIST",
    default="all",
    help="Rows shown in the table, Markdown and HTML reports: a comma-separated list of errors, "
    "warnings, unverified, ok, problems (the first three) or all (default). Problems always "
    "come first; the other reports keep every result.",
)
@click.option("-q", "--quiet", is_flag=True, help="Only the summary line (table format).")
@click.option("--no-color", is_flag=True, help="No colour (also when NO_COLOR is set).")
@click.option("--today", "today_text", hidden=True, help="The day acceptances expire against.")
@_network_options
def check_command(
    claims: Sequence[str],
    report_specs: Sequence[str],
    formats: Sequence[str],
    outputs: Sequence[Path],
    article: Path | None,
    records: Sequence[Path],
    complete: bool,
    notices: bool,
    show_spec: str,
    quiet: bool,
    no_color: bool,
    today_text: str | None,
    **opts: Any,
) -> int:
    """Check CLAIMS files (globs allowed; default ./claims.toml) against PubMed."""
    from .accept import parse_date, unused_config_acceptances
    from .api import check_files, check_with_article, load, load_article, watch
    from .config import load_config
    from .outputs import AtomicOutputs, Input, refuse_collisions
    from .report.interface import get_reporter
    from .report.targets import ReportSpecError, resolve
    from .report.view import ShowError, parse_show

    try:
        occurrences = _legacy_occurrences(click.get_current_context(), formats, outputs)
        targets = [(t.format.value, t.path) for t in resolve(report_specs, occurrences)]
        show = parse_show(show_spec)
        today = parse_date(today_text) if today_text else None
    except (ReportSpecError, ShowError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    if notices and (records or article or opts.get("offline")):
        raise click.UsageError(
            "--notices asks PubMed for new notices: it cannot be combined with --records, "
            "--article or --offline"
        )
    if not claims:
        if not Path("claims.toml").is_file():
            raise click.UsageError(
                "no claims file given, and there is no claims.toml in this folder "
                f"({Path.cwd()}); name one: ta1check check path/to/claims.toml"
            )
        claims = ["claims.toml"]
    config = load_config(opts)
    settings = dataclasses.replace(
        _settings(config, opts), records=tuple(records), records_complete=complete, today=today
    )
    paths = expand_paths(claims)
    files = [_with_config(f, config) for f in load(paths)]
    # Everything that can be refused is refused before the first request: an unreadable
    # article, and an output that would overwrite an input or another output.
    article_doc = load_article(article) if article is not None else None
    inputs = [
        *(Input(p, "a claims file") for p in paths),
        *(Input(p, "the article") for p in ([article] if article else [])),
        *(Input(p, "a records file") for p in records),
        *_run_files(config, settings),
    ]
    reports = [path for _, path in targets if path is not None]
    refuse_collisions(reports, inputs)
    total = len(frozenset().union(*(f.pmids for f in files)))
    color = not (no_color or os.environ.get("NO_COLOR"))
    with AtomicOutputs() as sink:
        streams = {path: sink.open(path) for path in reports}
        bar = _progress(total)
        if bar is not None:
            bar.progress.start()
        # A run whose only report is the summary line (-q), with nothing else that reads its
        # results (an article, the config's acceptances), keeps its summary alone (#16).
        summary_only = (
            quiet
            and all(name == "table" for name, _ in targets)
            and article_doc is None
            and not config.acceptances
        )
        run_files: Callable[..., CheckRun] = (
            watch if notices else functools.partial(check_files, keep_results=not summary_only)
        )
        try:
            run = run_files(
                files,
                settings,
                bar.advance if bar else None,
                on_retry=bar.retrying if bar else None,
            )
        finally:
            if bar is not None:
                bar.progress.stop()
        if article_doc is not None:
            run = check_with_article(run, article_doc)
        acceptances = config.acceptances
        if notices:  # only the notice checks ran: other acceptances are neither used nor unused
            from .watch import WATCHED

            acceptances = tuple(a for a in acceptances if a.code in WATCHED)
        if acceptances:
            unused = unused_config_acceptances(acceptances, run.results, config.severities)
            run = dataclasses.replace(run, config_findings=unused)
        for name, path in targets:
            stream: TextIO = sys.stdout if path is None else streams[path]
            reporter = get_reporter(name, color=color and path is None, quiet=quiet, show=show)
            reporter.render(run, stream)
    return int(run.exit_code(config["fail-on"]))


def _run_files(config: Config, settings: Settings) -> list[Input]:
    """Files of the run's own that no report may overwrite: the config file and the cache."""
    from .outputs import Input
    from .pubmed.cache import is_redis_url

    files = [Input(config.file, "the config file")] if config.file else []
    cache = settings.cache_dir
    if cache is not None and not is_redis_url(cache):
        folder = Path(cache)
        files += [Input(folder / f"records.sqlite{s}", "the record cache") for s in ("", "-wal")]
    return files


def _with_config(claims_file: ClaimsFile, config: Config) -> ClaimsFile:
    """The config file's severities, under the claims file's own ``[defaults]``, and its
    acceptances that take the file in."""
    from .accept import with_file_acceptances

    if config.acceptances and config.file is not None:
        claims_file = with_file_acceptances(claims_file, config.acceptances, config.file.parent)
    if not config.severities:
        return claims_file
    merged = {**config.severities, **claims_file.severities}
    return dataclasses.replace(claims_file, severities=merged)


@cli.command("show")
@click.argument("pmids", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@_network_options
def show_command(pmids: Sequence[str], output_format: str, **opts: Any) -> int:
    """Print PubMed's record for each PMID, with a [[claim]] to start from."""
    from rich.console import Console

    from .api import lookup
    from .claims import parse_pmid
    from .config import load_config
    from .pubmed.cache import NotFound
    from .pubmed.record import Record
    from .pubmed.source import Unverified
    from .report.json import record_json
    from .show import render_record, toml_snippet

    numbers = []
    for raw in pmids:
        pmid = parse_pmid(raw)
        if pmid is None:
            raise click.BadParameter(f"{raw!r} is not a PMID", param_hint="PMIDS")
        numbers.append(pmid)
    settings = _settings(load_config(opts), opts)
    outcomes = lookup(numbers, settings)
    ordered = [outcomes[p] for p in dict.fromkeys(numbers)]
    if output_format == "json":
        doc = {
            "version": 1,
            "records": [
                {
                    **record_json(o.summary()),
                    "abstract": o.abstract,
                    "pub_date": o.pub_date,
                }
                for o in ordered
                if isinstance(o, Record)
            ],
            "not_found": [o.pmid for o in ordered if isinstance(o, NotFound)],
            "unverified": [
                {"pmid": o.pmid, "cause": o.cause} for o in ordered if isinstance(o, Unverified)
            ],
        }
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        console = Console(highlight=False, soft_wrap=True)
        for o in ordered:
            if isinstance(o, Record):
                render_record(console, o)
                console.print(toml_snippet(o), markup=False)
            elif isinstance(o, NotFound):
                console.print(f"PMID {o.pmid}: PubMed has no record with this PMID")
            else:
                console.print(f"PMID {o.pmid}: could not fetch: {o.cause}", markup=False)
    if any(isinstance(o, Unverified) for o in ordered):
        return int(ExitCode.UNVERIFIED)
    if any(isinstance(o, NotFound) for o in ordered):
        return int(ExitCode.FINDINGS)
    return int(ExitCode.OK)


@cli.command("draft")
@click.argument("article", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the claims file here instead of stdout.",
)
@_network_options
def draft_command(article: Path, output: Path | None, **opts: Any) -> int:
    """Draft a claims file from an ARTICLE (Markdown, HTML or text): one claim per reference,
    one per sentence that states a figure and cites a reference. DOIs in the reference list
    are resolved to PMIDs through PubMed."""
    from .api import draft_claims
    from .config import load_config
    from .outputs import Input, atomic_text, refuse_collisions

    config = load_config(opts)
    settings = _settings(config, opts)
    if output is not None:
        refuse_collisions([output], [Input(article, "the article"), *_run_files(config, settings)])
    if output is None:
        text, failed = draft_claims(article, settings)
        click.echo(text, nl=False)
    else:
        with atomic_text(output) as stream:
            text, failed = draft_claims(article, settings)
            stream.write(text)
    if failed:
        _error(f"{len(failed)} DOI(s) could not be looked up; their references are comments")
        return int(ExitCode.UNVERIFIED)
    return int(ExitCode.OK)


@cli.command("index")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--index",
    "index_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The index file to build or extend (then: check --records INDEX).",
)
def index_command(paths: Sequence[Path], index_path: Path) -> int:
    """Index local PubMed XML files (baseline and update files, in order) for --records."""
    from .api import build_index

    for path, added, deleted in build_index(paths, index_path):
        click.echo(f"{path}: {added} records, {deleted} deletions", err=True)
    return int(ExitCode.OK)


@cli.command("config")
def config_command() -> int:
    """Print the effective configuration and where each value comes from."""
    from .accept import describe
    from .config import OPTIONS, load_config

    config = load_config({})
    where = str(config.file) if config.file else "none found (ta1check.toml or pyproject.toml)"
    click.echo(f"config file: {where}")
    width = max(len(o.name) for o in OPTIONS)
    for option in OPTIONS:
        value = config.values[option.name]
        shown = value.value.value if isinstance(value.value, FailOn) else value.value
        if isinstance(shown, timedelta):
            shown = f"{shown.total_seconds():g}s"
        if isinstance(shown, str):
            shown = safe_url(shown)  # a Redis URL's password is never printed
        if shown is None:
            shown = "not set"
        click.echo(f"{option.name:<{width}}  {shown}  ({value.source})")
    key = f"set ({config.api_key_source})" if config.api_key_source else "not set"
    click.echo(f"{'api-key':<{width}}  {key}")
    for code, severity in config.severities.items():
        click.echo(f"{'severity':<{width}}  {code.slug} = {severity}  ({config.severity_source})")
    for acceptance in config.acceptances:
        where = f"{Path(acceptance.path or '').name}:{acceptance.line}"
        click.echo(f"{'accept':<{width}}  {describe(acceptance)}  ({where})")
    return 0


def _error(message: str) -> None:
    click.echo(f"ta1check: error: {redact(message)}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn every outcome into an exit code. No traceback
    escapes, so a crash can never read as "citations broken"."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="ta1check", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except (click.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        _error("interrupted; records fetched so far are kept in the cache")
        return 130
    except BrokenPipeError:
        return int(ExitCode.OK)
    except _input_errors() as exc:
        _error(str(exc))
        return int(ExitCode.USAGE)
    except OSError as exc:
        _error(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
        return int(ExitCode.USAGE)
    except Exception as exc:
        if "--traceback" in args:
            traceback.print_exc()
        _error(
            f"internal error: {type(exc).__name__}: {_one_line(exc)} — this is a bug in "
            "ta1check; please report it (rerun with --traceback for details)"
        )
        return int(ExitCode.INTERNAL)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


def _input_errors() -> tuple[type[Exception], ...]:
    """Bad input, said in one line (exit 2): imported only when an exception reaches ``main``."""
    from .claims import ClaimsError
    from .outputs import OutputError
    from .pubmed.files import RecordsError
    from .textfile import TextFileError

    return (ClaimsError, RecordsError, OutputError, TextFileError)


def _one_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:300]


#: The exit code once ``main`` has returned, for ``_exit_without_teardown``.
_finished: list[int] = []


def _exit_without_teardown() -> None:
    """The last exit handler: the run is over, its files closed and every other exit handler
    run; the streams are flushed and the process ends without freeing its heap object by
    object. NOTE: the interpreter's teardown took 0.2-0.3 s after a run of 20,000 claims
    (2026-11-26): one 2-3% of a cold run with a key. Files the run opened are closed by then
    (reports by ``AtomicOutputs``, the cache and the result log by their owners; the result
    log's file has no name to leave behind)."""
    if not _finished:
        return  # not a return from main (an exception in an exit handler): the usual way
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            if stream is sys.stdout and _finished[0] == 0:
                _finished[0] = 120  # as Python says a failed flush of stdout at exit
    os._exit(_finished[0])


def entry() -> None:  # pragma: no cover - the console script
    # registered first, so run last (exit handlers run in reverse): after those of
    # logging, multiprocessing and whatever the run imported
    atexit.register(_exit_without_teardown)
    code = main()
    if code == 130:
        # Ctrl-C: what was fetched is committed batch by batch; do not wait for requests
        # still in flight (up to the read timeout) before exiting.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    _finished.append(code)
    sys.exit(code)
