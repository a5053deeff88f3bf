"""SQL files of supportstats, read by name: ``load_sql("schema/001_canonical.sql")``."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_sql(name: str) -> str:
    """Return the text of ``supportstats/sql/<name>``."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def sql_names(folder: str) -> list[str]:
    """Names (``folder/file.sql``) of the SQL files in one folder, sorted."""
    root = resources.files(__package__).joinpath(folder)
    return sorted(f"{folder}/{p.name}" for p in root.iterdir() if p.name.endswith(".sql"))
