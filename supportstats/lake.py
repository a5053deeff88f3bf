"""The warehouse as a Parquet lake, and a lake read back (docs/scale.md).

``supportstats db export --format parquet DIR`` writes every canonical table and, when they
are current, the stored facts (``fact_*``), one folder per table::

    DIR/manifest.json
    DIR/conversation/source_system=zendesk/month=2026-03/data_0.parquet
    DIR/fact_assignment/data_0.parquet

Hive partitioning, as DuckDB's ``COPY ... (PARTITION_BY ...)`` writes it and Spark reads
it: a table with ``source_system`` and a time column (:data:`TIME_COLUMNS`) is split by
source and UTC month of that column, one with only ``source_system`` by source, the rest
are written whole (and so is an empty table, so that its columns are still there). Partition
values are URL-encoded in folder names; a NULL is ``__HIVE_DEFAULT_PARTITION__``. The
partition columns live in the folder names only, not in the files.

``manifest.json`` is the contract a reader relies on, whether ``db export`` or the user's
own pipeline wrote the lake: ``format`` ``supportstats-lake``, ``lake_version``, the
warehouse ``schema_version`` and, per table, its columns with their DuckDB types, how it is
partitioned, its row count and its time column. :func:`open_lake` reads a lake into DuckDB
with exactly those columns and types; the Spark engine (``--engine spark --lake DIR``) reads
the same folders.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from supportstats import __version__
from supportstats.errors import SupportStatsError
from supportstats.sql import load_sql, quote_identifier, split_statements, sql_names

LAKE_FORMAT = "supportstats-lake"
LAKE_VERSION = 1
MANIFEST = "manifest.json"
MONTH = "month"
SOURCE = "source_system"

# The time column each table's rows are filed under by month: the one reports filter on.
TIME_COLUMNS = {
    "conversation": "created_at",
    "message": "created_at",
    "conversation_event": "occurred_at",
    "engagement": "started_at",
    "agent_status_interval": "started_at",
    "rating": "rated_at",
    "source_aggregate": "period_start",
    "fact_conversation": "created_at",
    "fact_stretch": "created_at",
    "fact_csat": "created_at",
    "fact_assignment": "started_at",
    "fact_rating": "rated_at",
    "fact_segment": "s",
}

# Bookkeeping a lake has no use for: the schema version and the facts' definition are in the
# manifest, and fact_pending is a queue an import empties before it commits.
NOT_EXPORTED = frozenset({"schema_version", "fact_state", "fact_pending"})

# DuckDB's memory_limit while exporting, as for imports and the stored facts' builds
EXPORT_MEMORY_LIMIT = "3GB"

# Reports how far an export is: (what, step, steps), as the stored facts' builds do.
Progress = Callable[[str, int, int], None]


class LakeError(SupportStatsError):
    """A lake cannot be written (the folder is taken, the disk refused) or read (no
    manifest, another format, a schema this version does not know)."""

    exit_code = 2


@dataclass(frozen=True)
class LakeTable:
    """One table of a lake: its columns ([name, DuckDB type] in warehouse order), the
    partition columns of its folders, its row count and the column months are taken from."""

    columns: list[list[str]]
    partition_by: list[str]
    rows: int
    time_column: str | None

    def as_dict(self) -> dict[str, Any]:
        """The table's entry in manifest.json."""
        return {
            "columns": [list(c) for c in self.columns],
            "partition_by": list(self.partition_by),
            "rows": self.rows,
            "time_column": self.time_column,
        }


@dataclass(frozen=True)
class Manifest:
    """What ``DIR/manifest.json`` says about a lake."""

    schema_version: int
    supportstats_version: str
    exported_at: str
    tables: dict[str, LakeTable] = field(default_factory=dict)
    # the stored facts' definition hash (metrics.stored.definition) when fact_* are in the
    # lake, so that a reader can tell which definition they were built with
    facts_definition: str | None = None
    # the warehouse's data fingerprint (metrics._sql.fingerprint: table sizes and import log)
    # at export: a DuckDB reader of the lake trusts the facts while the lake still gives it
    data_fingerprint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The manifest as written to manifest.json."""
        return {
            "format": LAKE_FORMAT,
            "lake_version": LAKE_VERSION,
            "schema_version": self.schema_version,
            "supportstats_version": self.supportstats_version,
            "exported_at": self.exported_at,
            "facts_definition": self.facts_definition,
            "data_fingerprint": self.data_fingerprint,
            "tables": {name: t.as_dict() for name, t in self.tables.items()},
        }


def export_lake(
    conn: duckdb.DuckDBPyConnection,
    directory: str | Path,
    *,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> Manifest:
    """Write the warehouse open on ``conn`` as a Parquet lake in ``directory``.

    The lake is written next to ``directory`` under a temporary name and renamed into place
    when complete, so ``directory`` never holds half a lake. An existing non-empty
    ``directory`` is refused unless ``overwrite`` and it is a lake (holds a manifest.json of
    this format): an export never deletes a folder of something else. The stored facts are
    exported only when current (:func:`supportstats.metrics.stored.is_current`); the Spark
    engine computes them from the canonical tables otherwise. Returns the manifest written.
    """
    from supportstats.db import memory_budget
    from supportstats.metrics import stored
    from supportstats.metrics._sql import fingerprint

    target = Path(directory)
    check_target(target, overwrite)
    facts = {t.name for t in stored.ALL_TABLES}
    facts_current = stored.is_current(conn)
    names = [n for n in _base_tables(conn) if facts_current or n not in facts]
    work = target.parent / f".{target.name}.export-{os.getpid()}-{time.monotonic_ns()}"
    failure = None
    try:
        work.mkdir()
        tables = {}
        # partitioned writes buffer each open partition: past the budget they spill to disk
        with memory_budget(conn, EXPORT_MEMORY_LIMIT):
            for step, name in enumerate(names, 1):
                if progress:
                    progress(f"exporting {name}", step, len(names))
                tables[name] = _export_table(conn, name, work / name)
        manifest = Manifest(
            schema_version=_schema_version(conn),
            supportstats_version=__version__,
            exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
            tables=tables,
            facts_definition=stored.definition() if facts_current else None,
            data_fingerprint=fingerprint(conn),
        )
        (work / MANIFEST).write_text(json.dumps(manifest.as_dict(), indent=2) + "\n")
        _swap_in(work, target)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        if not isinstance(exc, (duckdb.IOException, OSError)):
            raise
        failure = LakeError(
            f"cannot write the lake {target}: {_first_line(exc)}",
            "free some disk space or pick another folder; nothing was changed there",
        )
    if failure is not None:
        # raised outside the except block, so that it carries no DuckDB error as its
        # context: the warehouse's own fault check would take a full lake disk for a full
        # warehouse disk
        raise failure
    return manifest


def read_manifest(directory: str | Path) -> Manifest:
    """The manifest of the lake in ``directory``; :class:`LakeError` when there is none, it
    is not a supportstats lake, or it is of a later lake version than this code reads."""
    where = Path(directory)
    path = where / MANIFEST
    if not where.is_dir():
        raise LakeError(
            f"lake {where} is not a folder",
            "write one with: supportstats db export --format parquet " + str(where),
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LakeError(
            f"{where} has no {MANIFEST}: it is not a supportstats lake",
            "write one with supportstats db export --format parquet, or add the manifest "
            "docs/scale.md describes to your own lake",
        ) from None
    except (OSError, ValueError) as exc:
        raise LakeError(
            f"cannot read {path}: {_first_line(exc)}",
            "export the lake again: supportstats db export --format parquet --overwrite",
        ) from None
    if not isinstance(data, dict) or data.get("format") != LAKE_FORMAT:
        raise LakeError(
            f"{path} is not a supportstats lake manifest (format is not {LAKE_FORMAT!r})",
            "point --lake at a folder written by supportstats db export",
        )
    version = data.get("lake_version")
    if not isinstance(version, int) or version > LAKE_VERSION:
        raise LakeError(
            f"{path} has lake_version {version!r}; this supportstats reads {LAKE_VERSION}",
            "upgrade supportstats, or export the lake again with this version",
        )
    try:
        _check_names(path, data["tables"])
        tables = {
            str(name): LakeTable(
                columns=[[str(c), str(t)] for c, t in entry["columns"]],
                partition_by=[str(p) for p in entry.get("partition_by", [])],
                rows=int(entry.get("rows", 0)),
                time_column=entry.get("time_column"),
            )
            for name, entry in data["tables"].items()
        }
        return Manifest(
            schema_version=int(data["schema_version"]),
            supportstats_version=str(data.get("supportstats_version", "")),
            exported_at=str(data.get("exported_at", "")),
            tables=tables,
            facts_definition=data.get("facts_definition"),
            data_fingerprint=data.get("data_fingerprint"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LakeError(
            f"{path} is incomplete: {type(exc).__name__} {_first_line(exc)}",
            "each table needs columns [[name, type], ...]; see docs/scale.md, 'The lake'",
        ) from None


def open_lake(directory: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that reads the lake in ``directory``: one view per
    table with the warehouse's columns and types (the partition folders' ``month`` left out),
    plus the derived views of the schema (``message_all``, ``conversation_event_all``,
    ``rating_all``, ``conversation_with_source``) and the macros they call."""
    from supportstats.db import SCHEMA_VERSION

    where = Path(directory)
    manifest = read_manifest(where)
    if manifest.schema_version != SCHEMA_VERSION:
        raise LakeError(
            f"lake {where} has warehouse schema version {manifest.schema_version}; this "
            f"supportstats reads version {SCHEMA_VERSION}",
            "export the warehouse again with this supportstats (open it for writing once to "
            "migrate it): supportstats db export --format parquet --overwrite",
        )
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    for name, table in manifest.tables.items():
        if not (where / name).is_dir():
            conn.close()
            raise LakeError(
                f"lake {where}: the manifest names table {name} but there is no folder {name}",
                "export the lake again: supportstats db export --format parquet --overwrite",
            )
        try:
            conn.execute(_view_sql(where, name, table))
        except duckdb.Error as exc:
            conn.close()
            raise LakeError(
                f"lake {where}, table {name}: {_first_line(exc)}",
                "each table folder needs its Parquet files, even an empty table (one file "
                "with the columns); export the lake again or fix the pipeline that wrote it",
            ) from None
    _facts_state(conn, manifest)
    for statement in derived_statements():
        try:
            conn.execute(statement)
        except duckdb.Error as exc:
            conn.close()
            raise LakeError(
                f"lake {where} lacks what the schema's views read: {_first_line(exc)}",
                "a lake needs every canonical table of its schema version, even empty "
                "(docs/scale.md, 'The lake')",
            ) from None
    return conn


def _facts_state(conn: duckdb.DuckDBPyConnection, manifest: Manifest) -> None:
    """A ``fact_state`` table saying which definition and data the lake's stored facts were
    built with, as the warehouse's does: the metric code then reads them when both still
    match (:func:`supportstats.metrics.stored.is_current`), and computes on demand when the
    code's definition differs or the lake's files changed since the export."""
    from supportstats.metrics import stored

    facts = {t.name for t in stored.ALL_TABLES}
    if not (manifest.facts_definition and manifest.data_fingerprint):
        return
    if not facts <= set(manifest.tables):
        return
    conn.execute(
        load_sql("lake/fact_state.sql"),
        {"definition": manifest.facts_definition, "stamp": manifest.data_fingerprint},
    )


def derived_statements() -> list[str]:
    """The schema's CREATE MACRO and CREATE VIEW statements, in migration order: what the
    warehouse derives from its tables, made again over a lake's tables."""
    found = []
    for name in sql_names("schema"):
        for statement in split_statements(load_sql(name)):
            head = " ".join(statement.split()[:4]).upper()
            if head.startswith(("CREATE MACRO", "CREATE VIEW", "CREATE OR REPLACE")):
                found.append(statement)
    return found


# A table or column name a lake may use, and the characters of a DuckDB type name
# ("TIMESTAMP WITH TIME ZONE", "VARCHAR[]", "DECIMAL(18,3)", "STRUCT(a INTEGER)"): the
# manifest's names become folder names and its types SQL, so nothing else gets through.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TYPE = re.compile(r"[A-Za-z0-9_ ,()\[\]]+")


def _check_names(path: Path, tables: Any) -> None:
    for name, entry in tables.items():
        if not _NAME.fullmatch(str(name)):
            raise LakeError(
                f"{path}: table name {name!r} is not a plain SQL name",
                "name tables with letters, digits and _ (as the warehouse does)",
            )
        for column, kind in entry["columns"]:
            if not _NAME.fullmatch(str(column)) or not _TYPE.fullmatch(str(kind)):
                raise LakeError(
                    f"{path}: table {name}, column {column!r} of type {kind!r} is not a plain "
                    "SQL name and DuckDB type",
                    'give each column as [name, DuckDB type], e.g. ["created_at", '
                    '"TIMESTAMP WITH TIME ZONE"]',
                )


def lake_size(directory: str | Path) -> int:
    """Bytes of every file under ``directory``."""
    return sum(p.stat().st_size for p in Path(directory).rglob("*") if p.is_file())


def check_target(target: Path, overwrite: bool) -> None:
    """Raise :class:`LakeError` unless a lake can be written to ``target``: its folder exists,
    and it is new, empty, or (with ``overwrite``) a lake. Cheap: call it before the work."""
    if not target.parent.is_dir():
        raise LakeError(
            f"cannot write the lake {target}: folder {target.parent} does not exist",
            "create the folder first, or pick another DIR",
        )
    if target.exists() and not target.is_dir():
        raise LakeError(
            f"{target} is a file, not a folder for the lake",
            "pick a new folder name for DIR",
        )
    if not target.is_dir() or not any(target.iterdir()):
        return
    if not overwrite:
        raise LakeError(
            f"{target} is not empty",
            "pick a new folder, or add --overwrite to replace the lake there",
        )
    try:
        is_lake = json.loads((target / MANIFEST).read_text()).get("format") == LAKE_FORMAT
    except (OSError, ValueError, AttributeError):
        is_lake = False
    if not is_lake:
        raise LakeError(
            f"{target} is not empty and not a supportstats lake (no {MANIFEST} of ours): "
            "--overwrite replaces only a lake",
            "pick a new folder for the lake",
        )


def _swap_in(work: Path, target: Path) -> None:
    """Rename the finished lake ``work`` to ``target``, replacing what is there."""
    old = None
    if target.is_dir():
        old = target.parent / f"{work.name}.old"
        target.rename(old)
    try:
        work.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)  # the lake that was there stays
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _base_tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    rows = conn.execute(load_sql("lake/tables.sql")).fetchall()
    return [r[0] for r in rows if r[0] not in NOT_EXPORTED]


def _schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    return int(conn.execute("SELECT max(version) FROM schema_version").fetchall()[0][0])


def _columns(conn: duckdb.DuckDBPyConnection, name: str) -> list[list[str]]:
    rows = conn.execute(load_sql("lake/columns.sql"), {"table": name}).fetchall()
    return [[c, t] for c, t in rows]


def _export_table(conn: duckdb.DuckDBPyConnection, name: str, folder: Path) -> LakeTable:
    """COPY one table into ``folder`` (hive-partitioned where it can be) and describe it."""
    columns = _columns(conn, name)
    names = [c for c, _ in columns]
    table = quote_identifier(name)
    rows = conn.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    time_column = TIME_COLUMNS.get(name) if TIME_COLUMNS.get(name) in names else None
    partition_by = []
    if rows and SOURCE in names:
        partition_by = [SOURCE, MONTH] if time_column else [SOURCE]
    select = ", ".join(quote_identifier(c) for c in names)
    if MONTH in partition_by:
        # the month of the UTC time, whatever the session's time zone
        select += (
            f", strftime(timezone('UTC', {quote_identifier(time_column)}), '%Y-%m') AS {MONTH}"
        )
    options = "FORMAT parquet, COMPRESSION zstd"
    if partition_by:
        options += f", PARTITION_BY ({', '.join(partition_by)})"
        path = folder
    else:
        folder.mkdir()
        path = folder / "data_0.parquet"
    sql = _fill("lake/export_table.sql", select=select, table=table, options=options)
    conn.execute(sql, {"path": str(path)})
    return LakeTable(columns=columns, partition_by=partition_by, rows=rows, time_column=time_column)


def _view_sql(where: Path, name: str, table: LakeTable) -> str:
    """CREATE VIEW over a table's Parquet files, each column cast back to its manifest type."""
    files = _literal(str(where / name / "**" / "*.parquet"))
    casts = ", ".join(
        f"CAST({quote_identifier(c)} AS {t}) AS {quote_identifier(c)}" for c, t in table.columns
    )
    hive_types = ""
    if table.partition_by:
        # folder values stay text: a source named "2024" must not come back as a number
        types = ", ".join(f"{_literal(p)}: 'VARCHAR'" for p in table.partition_by)
        hive_types = f", hive_types = {{{types}}}"
    return _fill(
        "lake/table_view.sql",
        view=quote_identifier(name),
        casts=casts,
        files=files,
        hive_types=hive_types,
    )


def _fill(name: str, **fragments: str) -> str:
    """Text of ``supportstats/sql/<name>`` with each ``{{fragment}}`` filled (identifiers,
    column lists and literals made here, never a value a user typed unquoted)."""
    text = "\n".join(
        line for line in load_sql(name).splitlines() if not line.lstrip().startswith("--")
    )
    for key, value in fragments.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _literal(text: str) -> str:
    """``text`` as a SQL string literal (DuckDB's only escape in one is a doubled quote)."""
    if "\x00" in text:
        raise LakeError("a lake path cannot contain a NUL character", "rename the folder")
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
