"""``python -m ta1check``."""

from .cli import entry

entry()
