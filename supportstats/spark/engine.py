"""The Spark engine: a metric :class:`~supportstats.metrics.Query` over a lake on Spark.

``spark_query(lake, options, period, filters, by)`` gives the same ``Query`` the DuckDB
engine builds, with a :class:`~supportstats.spark.connection.SparkConnection` in place of the
DuckDB connection; every family function and ``metrics_table`` then run unchanged, reading
the same SQL files (translated by ``supportstats.spark.rewrites``). Options the engine cannot
run yet raise :class:`~supportstats.spark.rewrites.NotOnSpark` naming them
(:func:`check_options`), never a quietly different number.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from supportstats.errors import SupportStatsError
from supportstats.metrics.options import MetricOptions
from supportstats.metrics.period import Filters, Period
from supportstats.spark.rewrites import NotOnSpark

# Options (name, value that is refused, why) the Spark engine cannot run faithfully yet: none
# now (business hours, cycle FRT and local time zones run through the same SQL); an entry
# here is refused with a one-line error naming it.
UNSUPPORTED: tuple[tuple[str, str, str], ...] = ()
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    # ANSI mode: an integer overflow or a failed cast is an error, as in DuckDB, never a
    # wrapped number (every division in our SQL guards its zero with nullif or a CASE)
    "spark.sql.ansi.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
LOCAL_CONF = {"spark.sql.shuffle.partitions": "8", "spark.driver.memory": "2g"}


class SparkUnavailable(SupportStatsError):
    """pyspark, sqlglot or a Java runtime is missing."""

    exit_code = 2


class SparkFailed(SupportStatsError):
    """Spark (or the translation to Spark SQL) refused a statement."""


@contextlib.contextmanager
def spark_errors() -> Iterator[None]:
    """Turn a Spark or sqlglot exception into a one-line :class:`SparkFailed`."""
    try:
        yield
    except SupportStatsError:
        raise
    except Exception as exc:
        module = type(exc).__module__ or ""
        if not module.startswith(("pyspark", "py4j", "sqlglot")):
            raise
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise SparkFailed(
            f"Spark could not run the metrics: {first.strip()[:300]}",
            "this is a gap in the Spark engine (docs/spark.md); use --engine duckdb meanwhile",
        ) from None


def missing() -> str | None:
    """What the Spark engine lacks on this machine (pyspark, sqlglot, java), or None."""
    import importlib.util

    for module, package in (("pyspark", "pyspark>=4.0"), ("sqlglot", "sqlglot>=30")):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} ({package})"
    if shutil.which("java") is None:
        return "a Java 17 runtime (java on PATH)"
    return None


def check_available() -> None:
    """Raise :class:`SparkUnavailable` when the engine cannot start here."""
    lack = missing()
    if lack:
        raise SparkUnavailable(
            f"--engine spark needs {lack}, which is not installed",
            "pip install 'supportstats[spark]' and a Java 17 runtime "
            "(Debian: apt-get install openjdk-17-jre-headless)",
        )


def check_options(options: MetricOptions) -> None:
    """Raise :class:`NotOnSpark` naming the first option the Spark engine cannot run."""
    for name, value, why in UNSUPPORTED:
        if getattr(options, name) == value:
            raise NotOnSpark(
                f"--engine spark does not support option {name}={value} yet: {why}",
                f"drop --option {name}={value}, or use the DuckDB engine",
            )


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """A SparkSession for metrics: ``master`` (default ``local[2]``), UTC, ANSI off, Arrow on."""
    check_available()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("supportstats").master(master or "local[2]")
    local = not master or master.startswith("local")
    # local Python workers (the concurrency sweep) run this interpreter, with supportstats;
    # on a cluster the executors' Python must have supportstats[spark] installed
    if local:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = {**SESSION_CONF, **(LOCAL_CONF if local else {})}
    for key, value in {**settings, **(conf or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_query(
    lake: str | Path,
    options: MetricOptions | None = None,
    period: Period | None = None,
    filters: Filters | None = None,
    by: Sequence[str] = (),
    *,
    master: str | None = None,
    spark: Any = None,
    stored_facts: bool | None = None,
):
    """A metric Query over the lake in ``lake`` on Spark (``spark``, else a session on
    ``master``). ``stored_facts``: read the lake's ``fact_*`` tables when they hold the facts
    asked for (None: when the lake has them for this code's definition, as the DuckDB engine
    does); False computes every fact on Spark from the canonical tables.

    Example::

        q = spark_query("lake/", MetricOptions(), Period.from_dates("2024-03-01", "2024-03-31"),
                        by=["agent"])
        frame = metrics_table(q)
    """
    from supportstats.metrics import query
    from supportstats.spark.lake_views import has_facts, register_lake

    options = options or MetricOptions()
    check_options(options)
    spark = spark or spark_session(master)
    # the lake does not change under a query: its manifest stands in for the data fingerprint
    conn, manifest = register_lake(spark, lake, _lake_fingerprint(Path(lake)))
    stored = has_facts(manifest)
    q = query(conn, options, period, filters, by)
    q._memo["stored"] = stored if stored_facts is None else (stored_facts and stored)
    return q


def _lake_fingerprint(lake: Path) -> str:
    text = (lake / "manifest.json").read_text(encoding="utf-8")
    return hashlib.sha1(json.dumps([str(lake.resolve()), text]).encode()).hexdigest()[:10]
