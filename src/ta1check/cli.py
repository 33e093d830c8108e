"""The command line: parse options, call the library, choose a report, exit.

Every exit goes through ``main``: a broken citation is exit 1, bad input 2, could-not-verify
3, a bug 4 (one line, never a traceback unless ``--traceback``), Ctrl-C 130.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .api import DEFAULT_MAX_AGE, Settings, check_files, load, lookup
from .claims import ClaimsError, parse_pmid
from .findings import ExitCode, FailOn
from .pubmed.cache import NotFound
from .pubmed.record import Record
from .pubmed.source import Unverified
from .report import REPORTER_BY_NAME, get_reporter
from .report.json import record_json
from .show import render_record, toml_snippet

log = logging.getLogger("ta1check")
F = TypeVar("F", bound=Callable[..., Any])

_DURATION = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[smhdw]?)", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """'7d', '12h', '30m', '90s' or plain seconds."""
    m = _DURATION.fullmatch(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a duration such as 7d, 12h, 30m or 90s")
    return timedelta(seconds=float(m.group("n")) * _UNITS[m.group("unit").lower()])


class _Duration(click.ParamType):  # type: ignore[type-arg]
    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, timedelta):
            return value
        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class _Redact(logging.Filter):
    """Keeps the API key out of every log line, whatever library wrote it."""

    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            message = record.getMessage()
            if self.secret in message:
                record.msg = message.replace(self.secret, "<redacted>")
                record.args = None
        return True


def _setup_logging(verbose: int, secret: str | None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_Redact(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(
        logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    )


def _network_options(f: F) -> F:
    options = [
        click.option(
            "--email",
            envvar="NCBI_EMAIL",
            help="Your email, sent to NCBI with each request (env NCBI_EMAIL). "
            "The API key is read from NCBI_API_KEY only.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            envvar="TA1CHECK_CACHE",
            help="Directory of the record cache (env TA1CHECK_CACHE; default: the user cache "
            "directory).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
        click.option("--offline", is_flag=True, help="Use only the cache; a miss is unverified."),
        click.option("--refresh", is_flag=True, help="Refetch every record, ignoring the cache."),
        click.option(
            "--max-age",
            type=_Duration(),
            default=DEFAULT_MAX_AGE,
            show_default="7d",
            help="How long a cached record stays fresh (7d, 12h, 30m…).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=1),
            default=120.0,
            show_default=True,
            help="Seconds the whole fetch may take, retries included.",
        ),
        click.option(
            "--eutils-url",
            envvar="TA1CHECK_EUTILS_URL",
            help="E-utilities base URL (env TA1CHECK_EUTILS_URL), for mirrors and proxies.",
        ),
        click.option("-v", "--verbose", count=True, help="Log requests (-v) and more (-vv)."),
        click.option("--traceback", "show_traceback", is_flag=True, hidden=True),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _settings(opts: dict[str, Any]) -> Settings:
    settings = Settings.from_env(
        email=opts["email"],
        eutils_url=opts["eutils_url"],
        offline=opts["offline"],
        refresh=opts["refresh"],
        max_age=opts["max_age"],
        timeout=opts["timeout"],
    )
    if opts["cache_dir"] is not None:
        settings = dataclasses.replace(settings, cache_dir=opts["cache_dir"])
    if opts["no_cache"]:
        if opts["offline"]:
            raise click.UsageError("--offline needs the cache; drop --no-cache")
        settings = dataclasses.replace(settings, cache_dir=None)
    _setup_logging(opts["verbose"], settings.api_key)
    return settings


def _progress(total: int) -> tuple[Progress | None, Callable[[int], None] | None]:
    console = Console(stderr=True)
    if not console.is_terminal or total == 0:
        return None, None
    progress = Progress(
        TextColumn("fetching PubMed records"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("fetch", total=total)
    return progress, lambda n: progress.advance(task, n)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ta1check")
def cli() -> None:
    """Verify an article's citations against PubMed."""


@cli.command("check")
@click.argument("claims", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTER_BY_NAME)),
    default="table",
    show_default=True,
    help="Report format, on stdout.",
)
@click.option(
    "--fail-on",
    type=click.Choice([f.value for f in FailOn]),
    default=FailOn.ERROR.value,
    show_default=True,
    help="Exit 1 when a finding is at or above this severity.",
)
@click.option(
    "--no-fulltext",
    is_flag=True,
    help="Look for stated figures in the abstract only, never in the PMC full text.",
)
@click.option("-q", "--quiet", is_flag=True, help="Only the summary line (table format).")
@click.option("--no-color", is_flag=True, envvar="NO_COLOR", help="No colour (env NO_COLOR).")
@_network_options
def check_command(
    claims: Sequence[Path],
    output_format: str,
    fail_on: str,
    no_fulltext: bool,
    quiet: bool,
    no_color: bool,
    **opts: Any,
) -> int:
    """Check CLAIMS files (claims.toml) against PubMed."""
    settings = dataclasses.replace(_settings(opts), fulltext=not no_fulltext)
    files = load(claims)
    total = len(frozenset().union(*(f.pmids for f in files)))
    progress, advance = _progress(total)
    if progress is not None:
        progress.start()
    try:
        run = check_files(files, settings, advance)
    finally:
        if progress is not None:
            progress.stop()
    reporter = get_reporter(output_format, color=not no_color, quiet=quiet)
    reporter.render(run, sys.stdout)
    return int(run.exit_code(FailOn(fail_on)))


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
    numbers = []
    for raw in pmids:
        pmid = parse_pmid(raw)
        if pmid is None:
            raise click.BadParameter(f"{raw!r} is not a PMID", param_hint="PMIDS")
        numbers.append(pmid)
    settings = _settings(opts)
    outcomes = lookup(numbers, settings)
    ordered = [outcomes[p] for p in dict.fromkeys(numbers)]
    if output_format == "json":
        doc = {
            "version": 1,
            "records": [
                {
                    **record_json(o),
                    "abstract": o.abstract,
                    "pmcid": o.pmcid,
                    "pub_date": o.pub_date,
                    "publication_types": list(o.publication_types),
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


def _error(message: str) -> None:
    click.echo(f"ta1check: error: {message}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn every outcome into an exit code. No traceback
    escapes, so a crash can never read as "citations broken"."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="ta1check", standalone_mode=False)
    except ClaimsError as exc:
        _error(str(exc))
        return _exit(ExitCode.USAGE)
    except click.exceptions.Exit as exc:
        return _exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return _exit(ExitCode.USAGE)
    except click.Abort:
        _error("aborted")
        return _exit(130)
    except KeyboardInterrupt:
        _error("interrupted; records fetched so far are kept in the cache")
        return _exit(130)
    except BrokenPipeError:
        return _exit(ExitCode.OK)
    except Exception as exc:
        if "--traceback" in args:
            traceback.print_exc()
        _error(
            f"internal error: {type(exc).__name__}: {_one_line(exc)} — this is a bug in "
            "ta1check; please report it (rerun with --traceback for details)"
        )
        return _exit(ExitCode.INTERNAL)
    return _exit(result if isinstance(result, int) else ExitCode.OK)


def _one_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:300]


def _exit(code: int) -> int:
    return int(code)


def entry() -> None:  # pragma: no cover - the console script
    sys.exit(main())
