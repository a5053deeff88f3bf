"""Spark fixtures: one local SparkSession (2 cores, few shuffle partitions, no UI) for the
Spark tests, the demo warehouse and its lake. Without pyspark, sqlglot or Java every Spark
test skips, saying so loudly (a skip reason and a warning in the summary)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from supportstats.spark.engine import missing


def skip_without_spark() -> None:
    """Skip the calling test, loudly, when the Spark engine cannot run here."""
    lack = missing()
    if lack:
        reason = (
            f"SPARK TESTS SKIPPED: {lack} is missing; the Spark engine is NOT tested "
            "(make test installs the spark extra and Java 17)"
        )
        warnings.warn(reason, stacklevel=2)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def spark():
    skip_without_spark()
    from supportstats.spark.engine import spark_session

    session = spark_session(
        "local[2]", {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def demo_lake(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse, lake) of the demo data."""
    skip_without_spark()
    import duckdb

    from supportstats.demo import build_demo_warehouse
    from supportstats.lake import export_lake

    root = tmp_path_factory.mktemp("spark_demo")
    db = root / "demo.duckdb"
    build_demo_warehouse(db)
    with duckdb.connect(str(db), read_only=True) as conn:
        export_lake(conn, root / "lake")
    return db, root / "lake"
