"""A DuckDB-connection-shaped front for a SparkSession, so the metric code runs unchanged.

The metric families (``supportstats.metrics``) talk to a connection through a handful of
calls: ``sql(text, params=...)`` for a lazy relation they turn into a frame or Arrow table,
``execute(text, params)`` for ``CREATE OR REPLACE TEMP TABLE ... AS SELECT``, ``DROP TABLE
temp."x"``, the look-up of cached temp tables in ``duckdb_tables()`` and small SELECTs, and
``register``/``unregister`` for Arrow data. :class:`SparkConnection` answers each of them on
Spark: every statement goes through :func:`supportstats.spark.rewrites.to_spark`, temp tables
are checkpointed Spark views, parameters are Spark's named parameter markers. Anything else
An ``UPDATE`` of a temp table (business hours rewrite a few columns of the facts in place)
becomes a SELECT of the new rows, replacing the view (``rewrites.update_as_select``); any other
statement raises :class:`NotOnSpark`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from supportstats.spark.rewrites import Macro, NotOnSpark, tables_of, to_spark, update_as_select

# parameters that hold lists of words (filters and a few SLA ones): typed ARRAY<STRING>
_LIST_PARAMS = re.compile(r"^(f_\w+|w|lw|sla_overridden|pause)$")
_TEMP_LOOKUP = re.compile(r"duckdb_tables\(\)", re.I)
# comment lines before a statement (SQL files start with one): the statement's verb follows
_LEADING_COMMENTS = re.compile(r"\A(\s*--[^\n]*\n)+")


class SparkResult:
    """A Spark DataFrame with the read methods of a DuckDB relation or result."""

    def __init__(self, df: Any) -> None:
        self._df = df
        self._rows: list[tuple] | None = None
        self._pandas = None
        self._offset = 0

    def df(self):
        """The rows as pandas (through Arrow)."""
        if self._pandas is None:
            with warnings.catch_warnings():  # pyspark names pandas 3 as not yet supported
                warnings.simplefilter("ignore", FutureWarning)
                self._pandas = _instants_in_utc(self._df.toPandas(), self._df.schema)
        return self._pandas.copy()

    def to_arrow_table(self):
        """The rows as a pyarrow Table."""
        return self._df.toArrow()

    def fetchall(self) -> list[tuple]:
        if self._rows is None:
            self._rows = [tuple(r) for r in self._df.collect()]
        return self._rows

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None

    def fetch_df_chunk(self, vectors: int = 1):
        """The next ``vectors * 2048`` rows as pandas (the rows are read once, then cut)."""
        full = self.df()
        n = vectors * 2048
        out = full.iloc[self._offset : self._offset + n].reset_index(drop=True)
        self._offset += n
        return out

    @property
    def spark_frame(self) -> Any:
        """The Spark DataFrame itself."""
        return self._df


class SparkConnection:
    """Runs the metric code's DuckDB SQL on ``spark`` (see the module doc).

    ``macros``: DuckDB macros the SQL may call (expanded); ``columns``: the columns of a table
    or view by name (for SELECT * in UNION ALL BY NAME); ``memo_sql``: statements whose
    results cannot change during the session (the data fingerprint), answered once.
    """

    def __init__(
        self,
        spark: Any,
        macros: Mapping[str, Macro] | None = None,
        memo_sql: Sequence[str] = (),
        tables: Callable[[str], Any] | None = None,
        fingerprint: str | None = None,
    ) -> None:
        self.spark = spark
        # the frame of a table not registered yet (a lake table on first use), or None
        self._tables = tables
        self._fingerprint = fingerprint
        self.macros = dict(macros or {})
        self._memo_sql = set(memo_sql)
        self._memo: dict[str, SparkResult] = {}
        self._temp: set[str] = set()
        self._cached: dict[str, Any] = {}
        self.statements: list[str] = []  # the Spark SQL run, for tests and --verbose

    # -- the DuckDB calls ------------------------------------------------------------------

    def sql(self, text: str, params: Mapping[str, Any] | None = None) -> SparkResult:
        """A lazy relation of a SELECT."""
        return SparkResult(self._frame(text, params or {}))

    def execute(self, text: str, params: Mapping[str, Any] | None = None) -> SparkResult:
        """Run one statement (see the module doc for the ones understood)."""
        params = dict(params or {})
        text = _LEADING_COMMENTS.sub("", text)
        head = text.lstrip().lower()
        if text in self._memo_sql:
            if text not in self._memo:
                self._memo[text] = SparkResult(self._frame(text, params))
                self._memo[text].fetchall()
            return self._memo[text]
        if _TEMP_LOOKUP.search(text):
            return self._temp_tables(params)
        m = re.match(r'create\s+or\s+replace\s+temp\s+table\s+"([^"]+)"\s+as\s+', head)
        if m:
            name = text.lstrip()[m.start(1) : m.end(1)]
            self.create_view(name, self._frame(text.lstrip()[m.end() :], params))
            return SparkResult(self.spark.createDataFrame([], "ok boolean"))
        m = re.match(r'drop\s+table\s+(if\s+exists\s+)?temp\."([^"]+)"\s*$', head)
        if m:
            self.drop_view(text.lstrip()[m.start(2) : m.end(2)])
            return SparkResult(self.spark.createDataFrame([], "ok boolean"))
        if head.startswith("update"):
            name, select = update_as_select(text, self.columns)
            self.create_view(name, self._frame(select, params))
            return SparkResult(self.spark.createDataFrame([], "ok boolean"))
        if not head.startswith(("select", "with", "(")):
            verb = head.split(None, 1)[0] if head else "?"
            raise NotOnSpark(f"the Spark engine cannot run a {verb.upper()} statement")
        return SparkResult(self._frame(text, params))

    def register(self, name: str, data: Any) -> None:
        """A view of Arrow or pandas data."""
        import pyarrow as pa

        if isinstance(data, pa.Table):
            data = _plain_arrow(data)
        frame = self.spark.createDataFrame(data.to_pandas() if isinstance(data, pa.Table) else data)
        frame.createOrReplaceTempView(name)
        self._temp.add(name)

    def unregister(self, name: str) -> None:
        self.drop_view(name)

    def close(self) -> None:
        for name in list(self._temp):
            self.drop_view(name)

    def sweep_per_agent(
        self, view: str, sql: str, params: Mapping[str, Any], kind: str, k: int
    ) -> None:
        """The concurrency sweep per agent on the executors (``supportstats.spark.sweep``)."""
        from supportstats.spark.sweep import sweep_per_agent

        sweep_per_agent(self, view, sql, params, kind, k)

    def data_fingerprint(self) -> str:
        """The data fingerprint (``metrics._sql.fingerprint``): the lake's, which does not
        change under a session."""
        if self._fingerprint is None:
            raise NotOnSpark("this Spark connection has no data fingerprint")
        return self._fingerprint

    # -- views ---------------------------------------------------------------------------

    def create_view(self, name: str, frame: Any, materialise: bool = True) -> None:
        """``frame`` as temp view ``name``: checkpointed (computed once, like DuckDB's temp
        table, and with a short plan for the queries that read it)."""
        if materialise:
            frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        self._temp.add(name)
        self._cached[name] = frame

    def drop_view(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        self._temp.discard(name)
        frame = self._cached.pop(name, None)
        if frame is not None:
            frame.unpersist()

    def columns(self, table: str) -> list[str] | None:
        """Column names of a view, or None when there is no such view."""
        if not self.spark.catalog.tableExists(table):
            return None
        return list(self.spark.table(table).columns)

    def _register_used(self, text: str) -> None:
        """Register the lake tables ``text`` reads that are not views yet."""
        if self._tables is None:
            return
        for name in tables_of(text):
            if name not in self._temp:
                frame = self._tables(name)
                if frame is not None:
                    self.create_view(name, frame, materialise=False)

    # -- internals -----------------------------------------------------------------------

    def _temp_tables(self, params: Mapping[str, Any]) -> SparkResult:
        pattern = re.compile(str(params.get("p", ".*")))
        names = sorted(n for n in self._temp if pattern.fullmatch(n))
        return SparkResult(self.spark.createDataFrame([(n,) for n in names], "table_name string"))

    def _frame(self, text: str, params: Mapping[str, Any]) -> Any:
        lists = [k for k, v in params.items() if isinstance(v, list) or _LIST_PARAMS.match(k)]
        self._register_used(text)
        spark_sql = to_spark(text, self.macros, self.columns, lists)
        self.statements.append(spark_sql)
        return self.spark.sql(spark_sql, args=_args(params, lists))


def _instants_in_utc(frame: Any, schema: Any) -> Any:
    """Instants (Spark TIMESTAMP columns named ``*_at``, the canonical schema's instants) as
    UTC-aware pandas columns, as DuckDB gives its TIMESTAMPTZ; other timestamps (the local
    day and interval buckets) stay naive, as DuckDB's TIMESTAMP. Spark's TIMESTAMP holds both
    kinds, so the name tells them apart; the session's time zone is UTC."""
    from pyspark.sql.types import TimestampType

    for field in schema.fields:
        if isinstance(field.dataType, TimestampType) and field.name.endswith("_at"):
            frame[field.name] = frame[field.name].dt.tz_localize("UTC")
    return frame


def _args(params: Mapping[str, Any], lists: Sequence[str]) -> dict[str, Any]:
    """Spark parameter values: a list as array(...) of literals, the rest as they are."""
    from pyspark.sql import functions as F

    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, list | tuple):
            out[k] = F.array(*[F.lit(x) for x in v])
        else:
            out[k] = v
    return out


def _plain_arrow(data: Any) -> Any:
    """Dictionary-encoded columns decoded (Spark reads plain strings)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = {}
    for name in data.column_names:
        col = data.column(name)
        if pa.types.is_dictionary(col.type):
            col = pc.cast(col, col.type.value_type)
        cols[name] = col
    return pa.table(cols)


Build = Callable[[str], None]
