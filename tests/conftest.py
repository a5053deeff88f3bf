"""Fixtures every test may use: a real warehouse file, the real CLI, the shared data sets."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from supportstats.cli import app
from supportstats.db import connect

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The Spark tests first, then the other slow ones: xdist's worksteal gives each worker
    a contiguous half of this order and idle workers take tests from the end of another's
    queue, so long tests run from the start on one worker (one JVM) while the other worker
    and the stealing absorb the short ones, instead of a long test holding up the end of the
    run (the CI budget is 10 minutes on 2 cores)."""

    def weight(item: pytest.Item) -> int:
        if "tests/spark/" in item.nodeid or item.nodeid.startswith("spark/"):
            return 0
        return 1 if item.get_closest_marker("slow") else 2

    items.sort(key=weight)  # stable: the collection order within each group


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh warehouse file (created on first write)."""
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def warehouse(db_path: Path):
    """An open read-write connection to a fresh warehouse file."""
    conn = connect(db_path)
    yield conn
    conn.close()


class Cli:
    """The real Typer app, invoked in-process; stdout and stderr kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str | Path, input: str | None = None):
        return self.runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED
