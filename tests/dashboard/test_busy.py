"""The dashboard while an import writes the warehouse (issue 14, item 1), through AppTest with
a real process holding the file for writing (DuckDB then lets nobody read it):

* figures read before stay on the page, under a notice naming the writer and saying when
  they were read; also when the cache has expired meanwhile (the figures kept from before);
* a dashboard that has read nothing yet says the figures appear when the import ends;
* once the writer lets go, the next run shows fresh figures and no notice.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st
from _dashboard_warehouse import APP
from streamlit.testing.v1 import AppTest

from dashboards import data, ui
from supportstats.warehouse_lock import Holder as LockHolder
from tests.bad_input._holder import Holder


def notices(at: AppTest) -> list[str]:
    return [box.value for box in at.info if "This page refreshes when it ends" in box.value]


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def copy_of(sample_db: Path, tmp_path: Path) -> Path:
    """A warehouse of its own (a new path: nothing cached or kept for it yet)."""
    db = tmp_path / "busy.duckdb"
    db.write_bytes(sample_db.read_bytes())
    return db


def test_figures_stay_under_a_notice_while_an_import_writes(sample_db, tmp_path, use_db):
    db = use_db(copy_of(sample_db, tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception, at.exception
    before = tiles(at)
    assert before and not notices(at)
    with Holder(db, "write") as holder:
        at.run()
        assert not at.exception, at.exception
        assert tiles(at) == before
        [notice] = notices(at)
        assert f"pid {holder.pid}" in notice and "figures as of" in notice
        # the cache expired meanwhile (or the file changed): the figures kept from before
        st.cache_data.clear()
        at.run()
        assert not at.exception, at.exception
        assert tiles(at) == before
        assert len(notices(at)) == 1
    at.run()  # the writer let go: fresh figures, no notice
    assert not at.exception, at.exception
    assert tiles(at) == before
    assert not notices(at)


def test_a_dashboard_with_nothing_read_waits_for_the_import(sample_db, tmp_path, use_db):
    db = use_db(copy_of(sample_db, tmp_path))
    with Holder(db, "write") as holder:
        at = AppTest.from_file(str(APP), default_timeout=120).run()
        assert not at.exception, at.exception
        [notice] = notices(at)
        assert f"pid {holder.pid}" in notice and "the figures appear when it ends" in notice
        assert not tiles(at)
    at.run()
    assert not at.exception, at.exception
    assert tiles(at) and not notices(at)
    assert data.as_of(db) is not None


def test_the_notice_names_an_import_and_the_time_of_the_figures():
    importing = LockHolder(1234, "supportstats import bank.csv", writing=True)
    text = ui.notice_text(importing, dt.datetime.now().replace(hour=14, minute=5))
    assert text.startswith("An import is running (supportstats import bank")
    assert "figures as of 14" in text and "05" in text
    other = LockHolder(99, "duckdb support.duckdb", writing=True)
    assert ui.notice_text(other, None).startswith("Another program is writing to the warehouse")
