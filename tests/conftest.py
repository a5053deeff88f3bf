"""Fixtures every test may use: a real warehouse file, the real CLI, the shared data sets."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from supportstats.cli import app
from supportstats.db import connect

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


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
