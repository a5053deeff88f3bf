"""Fixtures of the metric tests: a fresh memory warehouse per test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _build import Warehouse  # noqa: E402


@pytest.fixture
def wh() -> Warehouse:
    return Warehouse()
