"""Spark fixtures: one local SparkSession (2 cores, few shuffle partitions, no UI) for the
Spark tests, the demo warehouse and its lake, and a 200,000-conversation synthetic warehouse
and its lake. Without pyspark, sqlglot or Java every Spark test skips, saying so loudly (a
skip reason and a warning in the summary).

The warehouses and lakes are built once per test run, not once per pytest-xdist worker: the
first worker to need one builds it under a file lock in the run's shared temp folder (the
pattern the pytest-xdist docs give), the others wait for it and read it (read-only).
"""

from __future__ import annotations

import fcntl
import os
import warnings
from collections.abc import Callable
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


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """Folder ``name`` filled by ``build(folder)`` once per test run: under xdist in the
    run's temp folder shared by the workers, behind a file lock (a worker that finds it done
    reuses it); without xdist in this session's own temp folder."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    # getbasetemp() is .../pytest-N/popen-gwK: its parent belongs to this run only
    folder = tmp_path_factory.getbasetemp().parent / name
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (folder / "DONE").exists():
                folder.mkdir(exist_ok=True)
                build(folder)
                (folder / "DONE").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


@pytest.fixture(scope="session")
def spark():
    skip_without_spark()
    from supportstats.spark.engine import spark_session

    session = spark_session(
        "local[2]", {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
    )
    yield session
    session.stop()


def _export(db: Path, lake: Path) -> None:
    import duckdb

    from supportstats.lake import export_lake

    with duckdb.connect(str(db), read_only=True) as conn:
        export_lake(conn, lake)


def _build_demo(root: Path) -> None:
    from supportstats.demo import build_demo_warehouse

    build_demo_warehouse(root / "demo.duckdb")
    _export(root / "demo.duckdb", root / "lake")


# 28 days from 2026-03-16: the clocks go forward in Europe on 2026-03-29, so local-time
# buckets (option timezone) cross a DST change
SYNTHETIC = {"conversations": 200_000, "days": 28, "agents": 40, "start": "2026-03-16"}


def _build_synthetic(root: Path) -> None:
    from supportstats.db import open_warehouse
    from supportstats.importers import import_file
    from supportstats.sample import FILES, SampleSpec, write_sample

    write_sample(SampleSpec(**SYNTHETIC), root / "csv")
    with open_warehouse(root / "s.duckdb") as conn:
        for name in FILES:
            import_file(conn, root / "csv" / name)
    _export(root / "s.duckdb", root / "lake")


DATA = Path(__file__).resolve().parents[1] / "data"
# Zendesk settings and tickets (two schedules, holidays, SLA policies, the vendor's numbers)
# and Freshdesk tickets (its own first response and resolution times)
VENDOR_FILES = (
    *(f"zendesk/{n}" for n in ("schedules.json", "schedules_7001_holidays.json",
      "sla_policies.json", "organizations.json", "users.json", "tickets_sla.json",
      "tickets_page.json", "audits.json", "satisfaction_ratings.json")),
    "freshdesk/tickets_export.csv",
)  # fmt: skip


def _build_vendor(root: Path) -> None:
    from supportstats.db import open_warehouse
    from supportstats.importers import import_file

    with open_warehouse(root / "v.duckdb") as conn:
        for name in VENDOR_FILES:
            import_file(conn, DATA / name)
    _export(root / "v.duckdb", root / "lake")


@pytest.fixture(scope="session")
def demo_lake(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse, lake) of the demo data."""
    skip_without_spark()
    root = built_once(tmp_path_factory, "spark_demo", _build_demo)
    return root / "demo.duckdb", root / "lake"


@pytest.fixture(scope="session")
def synthetic_lake(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse, lake) of 200,000 synthetic conversations (supportstats.sample, 40 agents,
    28 days across a DST change)."""
    skip_without_spark()
    root = built_once(tmp_path_factory, "spark_200k", _build_synthetic)
    return root / "s.duckdb", root / "lake"


@pytest.fixture(scope="session")
def vendor_lake(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse, lake) of the Zendesk and Freshdesk fixtures (VENDOR_FILES)."""
    skip_without_spark()
    root = built_once(tmp_path_factory, "spark_vendor", _build_vendor)
    return root / "v.duckdb", root / "lake"
