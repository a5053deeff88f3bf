"""Scorecard and agents pages where chat and e-mail scales differ (issue 16, item 3): the
first-response and wait distributions one panel per channel kind, each with its own axis and
its kind's target; per-channel first-response targets from the warehouse's SLA targets (the
same library function as ``report scorecard --by-channel``), the defaults without them."""

from __future__ import annotations

import base64
import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from _dashboard_warehouse import APP
from streamlit.testing.v1 import AppTest

from dashboards import data
from supportstats.db import open_warehouse
from supportstats.metrics import metrics_table, query
from supportstats.reports import first_response_by_channel
from supportstats.reports.scorecard import channels_of_kind


def run_app(db: Path, use_db) -> AppTest:  # noqa: ANN001
    use_db(db)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def chart(at: AppTest, title: str) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    [spec] = [s for s in specs if s["layout"]["title"]["text"].startswith(title)]
    return spec


def count(values: dict | list) -> int:
    """Values of a trace array (plotly JSON writes numpy arrays as base64 ``bdata``)."""
    if isinstance(values, dict):
        return len(base64.b64decode(values["bdata"])) // 8
    return len(values)


def texts(spec: dict) -> list[str]:
    return [a["text"] for a in spec["layout"]["annotations"]]


@pytest.fixture
def sla_db(sample_db: Path, tmp_path: Path) -> Path:
    """The sample with a generic SLA file's first-response targets: 2 min for every
    priority (the sample's conversations have none), a resolution target beside it."""
    db = tmp_path / "sla.duckdb"
    shutil.copy(sample_db, db)
    with open_warehouse(db) as conn:
        conn.execute(
            "insert into sla_policy (policy_key, source_system, source_id, name) "
            "values ('x:std', 'x', 'std', 'Standard')"
        )
        conn.execute(
            "insert into sla_target (policy_key, metric, priority, target_s) values "
            "('x:std', 'first_response', null, 120), ('x:std', 'resolution', null, 86400)"
        )
    return db


def test_distributions_are_split_by_channel_kind(sample_db: Path, use_db) -> None:  # noqa: ANN001
    at = run_app(sample_db, use_db)
    sel: data.Selection = at.session_state["selection"]
    frt = chart(at, "Distribution of first response")
    titles = texts(frt)
    assert "Live chat and calls" in titles and "Tickets and e-mail" in titles
    assert frt["layout"]["xaxis"]["title"]["text"] != frt["layout"]["xaxis2"]["title"]["text"]
    assert frt["layout"]["xaxis2"]["title"]["text"] == "First response (h)"
    assert "target 1 min 00 s" in titles and "target 4 h 00 min" in titles
    # each panel holds its kind's conversations, with its kind's median from the report
    with open_warehouse(sample_db, read_only=True) as conn:
        channels = metrics_table(query(conn, by=["channel"]), ["volume"])["channel"].dropna()
        sub = dataclasses.replace(sel, channels=channels_of_kind(list(channels), "live"))
        table = metrics_table(
            query(conn, sub.metric_options(), sub.period(), sub.filters()), ["first_response"]
        )
    live_trace = frt["data"][0]
    assert live_trace["name"] == "Live chat and calls"
    assert count(live_trace["x"]) == table["first_response_count"].iloc[0]
    wait = chart(at, "Distribution of wait")
    # the sample's tickets never wait in a queue: their empty panel is left out
    assert [t["name"] for t in wait["data"]] == ["Live chat and calls"]
    assert wait["layout"]["xaxis"]["title"]["text"] == "Wait in queue (s)"
    assert not [t for t in texts(wait) if t.startswith("target")]


def test_sla_targets_replace_the_defaults_per_channel(sla_db: Path, use_db) -> None:  # noqa: ANN001
    at = run_app(sla_db, use_db)
    sel: data.Selection = at.session_state["selection"]
    with open_warehouse(sla_db, read_only=True) as conn:
        frt = first_response_by_channel(conn, sel.metric_options(), sel.period(), sel.filters())
    assert set(frt["target_s"]) == {120.0} and set(frt["target_from"]) == {"sla_target"}
    captions = [c.value for c in at.caption]
    assert any(c.endswith("SLA target <= 2 min 00 s") for c in captions)
    assert not any(c.endswith("target <= 4 h 00 min") for c in captions)
    assert any("the SLA target most of its first responses are held to" in c for c in captions)
    # the defaults no longer decide, where the warehouse has a target
    at.number_input(key="sc_frt_live").set_value(5.0).run()
    assert not any(c.endswith("target <= 5 s") for c in (c.value for c in at.caption))
    # the distributions and the agent panels draw the same targets
    assert texts(chart(at, "Distribution of first response")).count("target 2 min 00 s") == 2
    at.switch_page("app_pages/agents.py").run()
    assert not at.exception
    assert texts(chart(at, "First response, median")).count("target 2 min 00 s") == 2
