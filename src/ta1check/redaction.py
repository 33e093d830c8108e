"""Keeping secrets out of everything ta1check writes: the NCBI API key and the password of a
Redis URL.

A secret can reach a message by paths no one planned: NCBI quotes a mistyped key back in its
JSON error, which becomes the cause of an unverified claim, which goes to every report; a
Redis URL with its password is printed by a warning or by ``ta1check config``. So every
secret the run knows is registered here when it is first seen, and ``redact`` is applied where
text leaves for a person: causes, warnings, log lines and reports.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit

from .lazyre import lazy_compile

REDACTED = "<redacted>"
#: Shorter strings are not redacted: "abc" would blank out ordinary words.
_MIN_SECRET = 4
_secrets: set[str] = set()
_lock = threading.Lock()


def register(secret: str | None) -> None:
    """Redact ``secret`` (and its URL-encoded forms) from all text from now on."""
    if not secret or len(secret) < _MIN_SECRET:
        return
    with _lock:
        _secrets.update({secret, quote(secret, safe=""), quote_plus(secret)})


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``<redacted>``, in any letter case
    (a server may echo a key upper-cased)."""
    if not _secrets or not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret.casefold() in text.casefold():
            text = re.sub(re.escape(secret), REDACTED, text, flags=re.IGNORECASE)
    return text


def redact_bytes(data: bytes) -> bytes:
    """``redact`` for a response body, before any of it is read into a message."""
    if not _secrets or not data:
        return data
    for secret in sorted(_secrets, key=len, reverse=True):
        encoded = secret.encode("utf-8", "replace")
        if encoded.lower() in data.lower():
            data = re.sub(re.escape(encoded), REDACTED.encode(), data, flags=re.IGNORECASE)
    return data


_USERINFO = lazy_compile(r"(?<=://)[^/?#]*@")
_PASSWORD_PARAM = lazy_compile(r"(?i)(?<=[?&]password=)[^&#]*")


def safe_url(url: str) -> str:
    """A URL as it may be shown: its password (``redis://:pw@host``, ``?password=pw``)
    replaced, and registered so that it is redacted wherever else it turns up. A URL too
    malformed to parse loses everything between ``://`` and ``@``."""
    for match in _PASSWORD_PARAM.finditer(url):
        register(unquote(match.group(0)))
    shown = _PASSWORD_PARAM.sub(REDACTED, url)
    try:
        parts = urlsplit(shown)
        password = parts.password
    except ValueError:
        for match in _USERINFO.finditer(shown):
            userinfo = match.group(0)[:-1]
            register(userinfo.split(":", 1)[-1])
        return _USERINFO.sub(f"{REDACTED}@", shown)
    if password is None:
        return shown
    register(unquote(password))
    register(password)
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number: shown as written
        port = ""
    netloc = f"{user}:{REDACTED}@{host}{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
