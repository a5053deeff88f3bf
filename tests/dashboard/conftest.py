"""Fixtures of the dashboard tests: a sample warehouse (built once), an empty one, and a way
to point the dashboard at either."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# `dashboards` is an app folder, not an installed package: import it from the repository.
for folder in (HERE, HERE.parents[1]):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from _dashboard_warehouse import build_warehouse  # noqa: E402

from supportstats.db import ENV_DB, open_warehouse  # noqa: E402


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the seeded sample (tests share it, so they only read it)."""
    return build_warehouse(tmp_path_factory.mktemp("dashboard"))


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A warehouse with the schema and no data."""
    db = tmp_path / "empty.duckdb"
    with open_warehouse(db):
        pass
    return db


@pytest.fixture
def use_db(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Path]:
    """Point the dashboard at a warehouse through SUPPORTSTATS_DB (as `-- --db` would)."""

    def point(path: Path) -> Path:
        monkeypatch.setenv(ENV_DB, str(path))
        return path

    return point


@pytest.fixture(scope="session")
def one_day_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse whose contacts all fall on one day (the seeded sample, one day long)."""
    from _dashboard_warehouse import ONE_DAY

    return build_warehouse(tmp_path_factory.mktemp("one_day"), ONE_DAY)
