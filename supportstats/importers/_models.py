"""Staging models: one ``SELECT`` per file, ``sql/staging/<source>__<entity>.sql``.

A model returns the rows of one canonical table (its columns, plus the writer's ``_row``,
``_line``, ``_reject_column``, ``_reject_reason`` and, where needed, ``_skipped``, ``_raw``,
``_counted``), or, named ``<source>__int_<name>``, a helper step the next models read (dbt's
intermediate layer). :meth:`ImportContext.stage
<supportstats.importers._pipeline.ImportContext.stage>` materialises a model as the temp
table named like the model, so later models read it by that name (``FROM
zendesk__int_ticket``) and no importer spells a table name. Temp macros live in macro files
(``_macros.sql``, ``<source>__macros.sql``), the only staging files with several statements,
each a ``CREATE MACRO``.
"""

from __future__ import annotations

import threading
from functools import cache

import duckdb

from supportstats.errors import SupportStatsError
from supportstats.sql import load_sql, split_statements

__all__ = ["is_macro_file", "macro_statements", "model_name", "model_select", "staged_table"]

FOLDER = "staging"


def model_name(name: str) -> str:
    """``zendesk__tickets`` from ``zendesk__tickets``, ``staging/zendesk__tickets.sql``."""
    return name.removeprefix(f"{FOLDER}/").removesuffix(".sql")


def staged_table(model: str) -> str:
    """The temp table a model is materialised as: the model's own name."""
    return model_name(model)


def is_macro_file(model: str) -> bool:
    """Whether ``model`` is a macro file (``_macros``, ``<source>__macros``)."""
    name = model_name(model)
    return name == "_macros" or name.endswith("__macros")


@cache
def _parser() -> duckdb.DuckDBPyConnection:
    # one in-memory connection for the process: opening one costs ~12 ms, and an import
    # checks a dozen model files
    return duckdb.connect(":memory:")


_PARSER_LOCK = threading.Lock()


def _statements(sql: str) -> list[duckdb.Statement]:
    # DuckDB's own parser: the statement types it reports are the ones it would run.
    with _PARSER_LOCK:
        return _parser().extract_statements(sql)


@cache
def model_select(model: str) -> str:
    """The one ``SELECT`` (or ``WITH ... SELECT``) of ``sql/staging/<model>.sql``.

    Raises SupportStatsError naming the file when it holds anything else: several
    statements, or one that is not a query (a temp table, an insert, a macro).
    """
    name = model_name(model)
    path = f"{FOLDER}/{name}.sql"
    statements = split_statements(load_sql(path))
    parsed = _statements(";\n".join(statements)) if statements else []
    if len(parsed) != 1 or parsed[0].type != duckdb.StatementType.SELECT:
        kinds = ", ".join(s.type.name for s in parsed) or "nothing"
        raise SupportStatsError(
            f"supportstats/sql/{path}: a staging model must be one SELECT; it holds {kinds}",
            "split it into one model per staged table (helper steps as "
            "<source>__int_<name>.sql) and put macros in a <source>__macros.sql file",
        )
    return statements[0]


@cache
def macro_statements(name: str) -> tuple[str, ...]:
    """The ``CREATE MACRO`` statements of macro file ``sql/staging/<name>.sql``."""
    path = f"{FOLDER}/{model_name(name)}.sql"
    statements = split_statements(load_sql(path))
    for statement in statements:
        parsed = _statements(statement)
        if len(parsed) != 1 or " MACRO " not in f" {statement[:60].upper()} ":
            raise SupportStatsError(
                f"supportstats/sql/{path}: a macro file holds only CREATE MACRO statements",
                "move other statements into staging models (one SELECT each)",
            )
    return tuple(statements)
