"""Where the database is when nobody says: ``cafta.db`` in the working directory.

Kept free of SQLAlchemy so that settings and entry points can name the default database without
importing the database stack.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_FILE_NAME", "default_database_url"]

DEFAULT_FILE_NAME = "cafta.db"


def default_database_url(cwd: Path) -> str:
    """``sqlite:///<cwd>/cafta.db``, with ``cwd`` made absolute."""
    return f"sqlite:///{(cwd.resolve() / DEFAULT_FILE_NAME).as_posix()}"
