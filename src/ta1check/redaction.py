"""Keeping secrets out of everything ta1check writes: the NCBI API key and the password of a
Redis URL.

A secret can reach a message by paths no one planned: NCBI quotes a mistyped key back in its
JSON error, which becomes the cause of an unverified claim, which goes to every report; a
Redis URL with its password is printed by a warning or by ``ta1check config``. So every
secret the run knows is registered here when it is first seen, and ``redact`` is applied where
text leaves for a person: causes, warnings, log lines and reports.
"""

from __future__ import annotations

import threading
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

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
    """``text`` with every registered secret replaced by ``<redacted>``."""
    if not _secrets or not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_bytes(data: bytes) -> bytes:
    """``redact`` for a response body, before any of it is read into a message."""
    if not _secrets or not data:
        return data
    for secret in sorted(_secrets, key=len, reverse=True):
        encoded = secret.encode("utf-8", "replace")
        if encoded in data:
            data = data.replace(encoded, REDACTED.encode())
    return data


def safe_url(url: str) -> str:
    """A URL as it may be shown: its password (``redis://:pw@host``) replaced, and registered
    so that it is redacted wherever else it turns up."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    register(parts.password)
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
