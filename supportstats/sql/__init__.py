"""SQL files of supportstats, read by name: ``load_sql("schema/001_canonical.sql")``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_sql(name: str) -> str:
    """Return the text of ``supportstats/sql/<name>``."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def sql_names(folder: str) -> list[str]:
    """Names (``folder/file.sql``) of the SQL files in one folder, sorted."""
    root = resources.files(__package__).joinpath(folder)
    return sorted(f"{folder}/{p.name}" for p in root.iterdir() if p.name.endswith(".sql"))


def split_statements(sql: str) -> list[str]:
    """Statements of a SQL file: each ends with ';' at the end of a line.

    Whole-line comments are dropped first, so a comment ending in ';' splits nothing.
    """
    code = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in re.split(r";[ \t]*(?:--[^\n]*)?\n", code + "\n") if s.strip()]


def used_params(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Only the parameters the SQL names as ``$name`` outside ``--`` comments.

    DuckDB rejects named parameters a statement does not use, and a ``$name`` in a comment
    must not count.
    """
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    names = set(re.findall(r"\$(\w+)", code))
    return {k: v for k, v in params.items() if k in names}


def quote_identifier(name: str) -> str:
    """``name`` as a double-quoted SQL identifier (for column names read from a file)."""
    return '"' + name.replace('"', '""') + '"'
