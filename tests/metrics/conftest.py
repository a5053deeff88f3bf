"""Fixtures of the metric tests: a fresh memory warehouse per test.

Every test that uses ``wh`` runs twice: once computing facts on demand from the canonical
tables (rows inserted by hand make the stored facts stale, so readers fall back), and once
reading the stored fact tables, rebuilt from those rows before each query. The hand-computed
expectations hold for both paths.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _build import Warehouse  # noqa: E402

from supportstats.metrics import stored  # noqa: E402
from supportstats.metrics._query import Query  # noqa: E402


@pytest.fixture(params=["on_demand", "stored"])
def facts_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which facts the metrics read; "stored" rebuilds them when rows changed."""
    if request.param == "stored":

        def stored_now(self: Query) -> bool:
            if not stored.is_current(self.conn):
                stored.rebuild(self.conn)
            self._memo["stored"] = True
            return True

        monkeypatch.setattr(Query, "stored", stored_now)
    return request.param


@pytest.fixture
def wh(facts_path: str) -> Warehouse:
    return Warehouse()
