"""Configuration: defaults, a config file, the environment and the command line, in that order
of precedence (the command line wins).

The config file is the first ``ta1check.toml`` (top-level keys) or ``pyproject.toml`` with a
``[tool.ta1check]`` table found from the working directory upwards. Every effective value
remembers where it came from, for ``ta1check config``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from . import tomlread
from .claims import ClaimsError, suggest, type_name
from .findings import Acceptance, Code, FailOn, Severity
from .lazyre import lazy_compile
from .pubmed import DEFAULT_BASE_URL
from .pubmed.cache import is_redis_url
from .redaction import redact, safe_url
from .tomlpos import positions

_DURATION = lazy_compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[smhdw]?)", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


#: Bounds on --timeout and --max-age: NaN, infinity or 1e308 would mean "never time out".
MAX_TIMEOUT = 86_400.0
MAX_AGE_SECONDS = 3650 * 86_400


def parse_duration(text: str) -> timedelta:
    """'7d', '12h', '30m', '90s' or plain seconds."""
    m = _DURATION.fullmatch(str(text).strip())
    if not m:
        raise ValueError(f"{text!r} is not a duration such as 7d, 12h, 30m or 90s")
    seconds = float(m.group("n")) * _UNITS[m.group("unit").lower()]
    if not math.isfinite(seconds) or seconds > MAX_AGE_SECONDS:
        raise ValueError(f"{text!r} is longer than the limit of {MAX_AGE_SECONDS // 86400} days")
    return timedelta(seconds=seconds)


def _default_cache_dir() -> Path:
    from .api import default_cache_dir

    return default_cache_dir()


def _fail_on(value: object) -> FailOn:
    return FailOn(str(value))


def timeout_seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a number, got {type_name(value)}")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(number) or not 1 <= number <= MAX_TIMEOUT:
        raise ValueError(f"must be a number of seconds from 1 to {MAX_TIMEOUT:g}")
    return number


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "0", "false", "no"):
        return value.lower() in ("1", "true", "yes")
    raise ValueError(f"expected true or false, got {value!r}")


def _string(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {type_name(value)}")
    return value.strip()


def _cache_location(value: object) -> Path | str:
    """A cache directory, or a ``redis://`` URL (kept as text)."""
    if isinstance(value, Path):
        return value.expanduser()
    text = _string(value)
    if is_redis_url(text):
        safe_url(text)  # its password is redacted from every message from now on
        from redis.connection import parse_url

        try:
            parse_url(text)  # type: ignore[no-untyped-call]
        except ValueError as exc:
            raise ValueError(f"not a valid Redis URL ({redact(str(exc))})") from None
        return text
    return Path(text).expanduser()


def _duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return parse_duration(str(value))


@dataclass(frozen=True)
class Option:
    """One setting: its name (as in the config file), how to read it, its default and its
    environment variable."""

    name: str
    convert: Callable[[Any], Any]
    default: Callable[[], Any]
    env: str | None = None
    help: str = ""


OPTIONS: tuple[Option, ...] = (
    Option("fail-on", _fail_on, lambda: FailOn.ERROR, help="severity that fails the run"),
    Option("email", _string, lambda: None, "NCBI_EMAIL", "sent to NCBI with each request"),
    Option(
        "cache-dir",
        _cache_location,
        _default_cache_dir,
        "TA1CHECK_CACHE",
        "record cache: a directory, or a redis:// URL",
    ),
    Option("max-age", _duration, lambda: timedelta(days=7), help="cached records stay fresh"),
    Option("timeout", timeout_seconds, lambda: 120.0, help="seconds for the whole fetch"),
    Option("fulltext", _boolean, lambda: True, help="search PMC full texts for figures"),
    Option("suggest", _boolean, lambda: True, help="search PubMed for the PMID a citation means"),
    Option(
        "eutils-url",
        _string,
        lambda: DEFAULT_BASE_URL,
        "TA1CHECK_EUTILS_URL",
        "E-utilities base URL",
    ),
)
OPTION_BY_NAME = {o.name: o for o in OPTIONS}
FILE_KEYS = (*OPTION_BY_NAME, "severity", "accept")


@dataclass(frozen=True)
class Value:
    value: Any
    source: str


@dataclass(frozen=True)
class Config:
    """Effective settings, each with where it came from."""

    values: Mapping[str, Value]
    severities: Mapping[Code, Severity]
    severity_source: str | None
    file: Path | None
    api_key_source: str | None
    #: The ``[[accept]]`` entries of the config file (``accept.py``).
    acceptances: tuple[Acceptance, ...] = ()

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value


def find_config_file(start: Path) -> tuple[Path, str] | None:
    """The nearest ``ta1check.toml``, or ``pyproject.toml`` with ``[tool.ta1check]``, from
    ``start`` upwards: (path, table name)."""
    for directory in (start, *start.parents):
        own = directory / "ta1check.toml"
        if own.is_file():
            return own, ""
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomlread.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomlread.TOMLDecodeError, RecursionError):
                continue  # not a config file ta1check can read: as if it were not there
            if isinstance(data.get("tool"), dict) and "ta1check" in data["tool"]:
                return pyproject, "tool.ta1check"
    return None


_ARRAY_HEADER = lazy_compile(r"[ \t]*\[\[[ \t]*([A-Za-z0-9_.\"' -]+?)[ \t]*\]\][ \t]*(?:#.*)?$")


def array_table_lines(text: str, name: str) -> list[int]:
    """The line of each ``[[name]]`` header, in order (best effort: a header-like line inside
    a multi-line string would count too)."""
    wanted = name.replace(" ", "")
    return [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if (m := _ARRAY_HEADER.match(line))
        and m.group(1).replace(" ", "").replace('"', "").replace("'", "") == wanted
    ]


def _acceptances(
    path: Path, table: str, raw: object, text: str, line: Callable[[str], int | None]
) -> tuple[Acceptance, ...]:
    """The config file's ``[[accept]]`` list (``[[tool.ta1check.accept]]`` in pyproject.toml).
    Each entry names a code, a reason, an optional ``until`` date and which claims it is for:
    ``pmid``, ``claim`` (an id) and/or ``file`` (a glob of claims files)."""
    from .accept import AcceptanceError, parse_acceptance

    entries = raw if isinstance(raw, list) else None
    if entries is None:
        raise ClaimsError(
            path,
            line("accept"),
            "accept",
            "expected [[accept]] tables, each with code, reason and pmid, claim or file, got "
            + type_name(raw),
        )
    headers = array_table_lines(text, f"{table}.accept" if table else "accept")
    found: list[Acceptance] = []
    for n, entry in enumerate(entries):
        at = headers[n] if len(headers) == len(entries) else line("accept")
        key = f"accept[{n + 1}]"
        try:
            found.append(parse_acceptance(entry, scoped=True, path=path, line=at))
        except AcceptanceError as exc:
            where = at
            if exc.key and at and len(headers) == len(entries):
                where = _entry_key_line(text, at, exc.key)
            raise ClaimsError(
                path, where, f"{key}.{exc.key}" if exc.key else key, exc.message
            ) from None
    return tuple(found)


def _entry_key_line(text: str, header: int, key: str) -> int:
    """The line of ``key`` in the table whose header is at line ``header`` (the header's
    line when the key is not on a line of its own before the next header)."""
    lines = text.splitlines()
    pattern = re.compile(rf"[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=")
    for number in range(header + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.lstrip().startswith("["):
            break
        if pattern.match(line):
            return number
    return header


def _read_file(path: Path, table: str) -> tuple[dict[str, Any], Callable[[str], int | None], str]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomlread.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimsError(path, None, None, f"cannot read the config file: {exc}") from None
    except tomlread.TOMLDecodeError as exc:
        raise ClaimsError(path, None, None, f"invalid TOML: {exc}") from None
    except RecursionError:  # as ``claims.loads_claims`` says it
        raise ClaimsError(path, None, None, "invalid TOML: nested too deeply") from None
    section: Any = data
    for part in table.split(".") if table else []:
        section = section.get(part, {}) if isinstance(section, dict) else {}
    if not isinstance(section, dict):
        raise ClaimsError(path, None, table, "expected a table")
    where = positions(text)

    def line(key: str) -> int | None:
        return where.key_line(table, key)

    return section, line, text


def load_config(
    cli: Mapping[str, Any],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Config:
    """Resolve every option: command line (non-None values of ``cli``) > environment >
    config file > default. Raises ``ClaimsError`` for an invalid config file."""
    env = os.environ if env is None else env
    found = find_config_file((cwd or Path.cwd()).resolve())
    file_values: dict[str, Any] = {}
    line: Callable[[str], int | None] = lambda key: None  # noqa: E731
    path: Path | None = None
    label = ""
    acceptances: tuple[Acceptance, ...] = ()
    if found is not None:
        path, table = found
        file_values, line, text = _read_file(path, table)
        label = f"{path.name}" + (f" [{table}]" if table else "")
        for key in file_values:
            if key in ("api-key", "api_key"):
                raise ClaimsError(
                    path, line(key), key, "keep the API key in NCBI_API_KEY, not in a file"
                )
            if key not in FILE_KEYS:
                raise ClaimsError(path, line(key), key, f"unknown key{suggest(key, FILE_KEYS)}")
        if "accept" in file_values:
            acceptances = _acceptances(path, table, file_values["accept"], text, line)

    values: dict[str, Value] = {}
    for option in OPTIONS:
        cli_value = cli.get(option.name.replace("-", "_"))
        try:
            if cli_value is not None:
                values[option.name] = Value(option.convert(cli_value), "command line")
            elif option.env and env.get(option.env):
                values[option.name] = Value(option.convert(env[option.env]), f"${option.env}")
            elif option.name in file_values and path is not None:
                value = option.convert(file_values[option.name])
                if isinstance(value, Path) and not value.is_absolute():
                    # a path in a config file means the same from every working directory
                    value = path.parent / value
                values[option.name] = Value(value, label)
            else:
                values[option.name] = Value(option.default(), "default")
        except ValueError as exc:
            if cli_value is None and option.name in file_values and path is not None:
                raise ClaimsError(path, line(option.name), option.name, str(exc)) from None
            raise ClaimsError(Path(option.env or option.name), None, None, str(exc)) from None

    severities: dict[Code, Severity] = {}
    raw = file_values.get("severity", {})
    if path is not None and raw:
        if not isinstance(raw, dict):
            raise ClaimsError(path, line("severity"), "severity", "expected a table")
        slugs = [c.slug for c in Code]
        for key, value in raw.items():
            if key not in slugs:
                raise ClaimsError(
                    path,
                    line("severity"),
                    f"severity.{key}",
                    f"unknown finding code{suggest(key, slugs)}",
                )
            try:
                severities[Code.from_slug(key)] = Severity.parse(str(value))
            except ValueError as exc:
                raise ClaimsError(path, line("severity"), f"severity.{key}", str(exc)) from None
    return Config(
        values=values,
        severities=severities,
        severity_source=label if severities else None,
        file=path,
        api_key_source="$NCBI_API_KEY" if env.get("NCBI_API_KEY") else None,
        acceptances=acceptances,
    )
