"""``python -m ta1check``."""

from .cli import entry

# NOTE: guarded, because the parsing processes (spawned) import the main module again.
if __name__ == "__main__":
    entry()
