"""A lake (``supportstats.lake``) as Spark views: one per table, with the warehouse's columns
and types, and the schema's derived views (``message_all``, ``conversation_event_all``,
``rating_all``) translated from the migrations like any other SQL (their macros expanded)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from supportstats.lake import Manifest, derived_statements, read_manifest
from supportstats.metrics.stored import ALL_TABLES, definition
from supportstats.spark.connection import SparkConnection
from supportstats.spark.rewrites import macros

# DuckDB type -> Spark type of the columns a lake holds
_SIMPLE = {
    "VARCHAR": "string",
    "JSON": "string",
    "UUID": "string",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "TIMESTAMP": "timestamp_ntz",
    "DATE": "date",
    "BOOLEAN": "boolean",
    "TINYINT": "tinyint",
    "SMALLINT": "smallint",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "HUGEINT": "decimal(38,0)",
    "UTINYINT": "smallint",
    "USMALLINT": "int",
    "UINTEGER": "bigint",
    "UBIGINT": "decimal(20,0)",
    "FLOAT": "float",
    "DOUBLE": "double",
}
_VIEW = re.compile(r"create\s+(?:or\s+replace\s+)?view\s+(\w+)\s+as\s+", re.I)


def spark_type(duckdb_type: str) -> str | None:
    """The Spark type of a DuckDB column type, or None when Spark keeps what Parquet gives
    (TIME, INTERVAL, nested structs)."""
    t = duckdb_type.strip().upper()
    if t.endswith("[]"):
        inner = spark_type(t[:-2])
        return f"array<{inner}>" if inner else None
    if t.startswith("DECIMAL"):
        return t.lower()
    return _SIMPLE.get(t)


def register_lake(
    spark: Any, directory: str | Path, fingerprint: str | None = None
) -> tuple[SparkConnection, Manifest]:
    """A :class:`SparkConnection` over the lake in ``directory`` and its manifest. Tables
    and the derived views are registered when a statement first reads them."""
    where = Path(directory)
    manifest = read_manifest(where)
    statements = derived_statements()
    views = {}
    for statement in statements:
        m = _VIEW.match(statement.strip())
        if m:
            views[m.group(1)] = statement.strip()[m.end() :]
    conn: SparkConnection
    state = [(definition(), fingerprint)] if fingerprint and has_facts(manifest) else []

    def table(name: str) -> Any:
        if name == "fact_state":
            # the facts' bookkeeping (metrics.stored.is_current): current exactly when the
            # lake holds the facts of this definition (the lake's fingerprint stands in for
            # the data stamp), so a Query derived from another (sla's other clock) agrees
            return spark.createDataFrame(state, "definition string, data_stamp string")
        if name in manifest.tables:
            return _table_frame(spark, where / name, manifest.tables[name])
        if name in views:
            return conn.sql(views[name]).spark_frame
        if name == "pg_timezone_names":
            return _zone_names(spark)
        return None

    conn = SparkConnection(
        spark,
        macros("\n".join(s + ";\n" for s in statements)),
        tables=table,
        fingerprint=fingerprint,
    )
    return conn, manifest


def has_facts(manifest: Manifest) -> bool:
    """Whether the lake holds every stored facts table, built with this code's definition."""
    return manifest.facts_definition == definition() and all(
        t.name in manifest.tables for t in ALL_TABLES
    )


def _table_frame(spark: Any, folder: Path, table: Any) -> Any:
    """One lake table: its Parquet files (partition folder values as text), the manifest's
    columns in order, each cast to its Spark type."""
    from pyspark.sql import functions as F

    frame = spark.read.option("basePath", str(folder)).parquet(str(folder))
    out = []
    for column, kind in table.columns:
        target = spark_type(kind)
        col = F.col(f"`{column}`")
        out.append((col.cast(target) if target else col).alias(column))
    return frame.select(*out)


def _zone_names(spark: Any) -> Any:
    """The view standing in for DuckDB's ``pg_timezone_names()`` (column ``name``): the IANA
    zones Python knows, which business hours check a schedule's timezone against."""
    import zoneinfo

    names = sorted(zoneinfo.available_timezones())
    return spark.createDataFrame([(n,) for n in names], "name string")
