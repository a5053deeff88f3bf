"""The SLA, Conversations, Live queue and Data pages through AppTest (issue 16, item 2): each
renders on the demo sample, a one-day and an empty warehouse; their tables are the library's
(= the CLI's) for the sidebar's filters; the agents table drills down to the conversations."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from _dashboard_warehouse import APP
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboards import data, links
from supportstats.cli import app as cli_app
from supportstats.db import open_warehouse
from supportstats.metrics import query
from supportstats.metrics.conversations import conversations
from supportstats.metrics.sla import sla, sla_conversations
from supportstats.metrics.snapshot import last_instant, snapshot
from supportstats.warehouse_info import batches, coverage, reject_reasons

PAGES = ("sla", "conversations", "live_queue", "warehouse")
# every page of the app and its title: each renders on the sample, one day and an empty warehouse
TITLES = {
    "scorecard": "Team scorecard",
    "agents": "Agents",
    "volume": "Volume",
    "staffing": "Staffing what-if",
    "sla": "SLA",
    "conversations": "Conversations",
    "live_queue": "Live queue",
    "warehouse": "Data",
}


def run_app(db: Path, use_db, page: str | None = None, **params: str) -> AppTest:  # noqa: ANN001
    use_db(db)
    at = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


def q(conn, sel: data.Selection, **kw):  # noqa: ANN001, ANN201
    return query(conn, sel.metric_options(), sel.period(), sel.filters(), **kw)


@pytest.mark.parametrize("page", TITLES)
def test_each_page_renders_on_the_sample_and_on_one_day(
    page: str,
    sample_db: Path,
    one_day_db: Path,
    use_db,  # noqa: ANN001
) -> None:
    for db in (sample_db, one_day_db):
        at = run_app(db, use_db, page)
        assert at.title[0].value == TITLES[page]
        assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", TITLES)
def test_an_empty_warehouse_shows_how_to_fill_it_on_every_page(
    page: str,
    empty_db: Path,
    use_db,  # noqa: ANN001
) -> None:
    at = run_app(empty_db, use_db, page)
    assert "holds no conversations" in at.info[0].value


def test_sla_page_is_the_cli_sla(sample_db: Path, use_db) -> None:  # noqa: ANN001
    at = run_app(sample_db, use_db, "sla", sla_first_response_s="900")
    sel: data.Selection = at.session_state["selection"]
    assert dict(sel.options)["sla_first_response_s"] == 900
    with open_warehouse(sample_db, read_only=True) as conn:
        by_channel = sla(q(conn, sel, by=["channel"])).df()
        by_agent = sla(q(conn, sel, by=["agent"])).df()
        breaches = sla_conversations(q(conn, sel), "breached")
    shown = at.dataframe[0].value
    assert shown["breached"].tolist() == by_channel["breached"].tolist()
    assert shown["attainment"].tolist() == pytest.approx(by_channel["attainment"].tolist())
    assert set(shown["metric"]) == {"first_response", "wait"}
    assert at.dataframe[1].value["met"].tolist() == by_agent["met"].tolist()
    # the agent rows drill down to that agent's conversations, same filters
    urls = at.dataframe[1].value["conversations"].dropna()
    assert urls.str.startswith("conversations?from=").all()
    assert urls.str.contains("agent=").all()
    listed = at.dataframe[2].value
    assert len(listed) == len(breaches) == by_channel["breached"].sum() > 0
    assert set(listed["sla_status"]) == {"breached"}
    # by team
    at.radio(key="sla_group").set_value("team").run()
    assert not at.exception
    assert "team" in at.dataframe[1].value
    # business hours: the sample has a schedule, so the values change clock
    at.selectbox(key="option_clock").set_value("business").run()
    assert not at.exception
    assert at.dataframe[0].value["business_hours"].all()


def test_conversations_page_is_the_export_with_every_filter(
    sample_db: Path,
    use_db,  # noqa: ANN001
) -> None:
    at = run_app(sample_db, use_db, "conversations", channel="chat")
    sel: data.Selection = at.session_state["selection"]
    assert sel.channels == ("chat",)
    with open_warehouse(sample_db, read_only=True) as conn:
        expected = conversations(q(conn, sel, by=["conversation"]))
    shown = at.dataframe[0].value
    assert len(shown) == len(expected) > 0
    assert set(shown["channel"]) == {"chat"}
    assert shown["conversation_id"].tolist() == expected["conversation_id"].tolist()
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download Parquet"]
    assert links.file_name("conversations", sel, "csv") == (
        f"conversations_{sel.start}_{sel.end}_channel-chat.csv"
    )


def test_file_names_carry_period_filters_and_changed_options() -> None:
    sel = data.Selection(
        start="2026-01-26", end="2026-02-01", channels=("chat", "email"),
        options=(("clock", "business"), ("timezone", "Europe/Madrid")),
        agent=("generic:agent_01",),
    )  # fmt: skip
    assert links.file_name("conversations", sel, "parquet") == (
        "conversations_2026-01-26_2026-02-01_channel-chat+email_agent-generic-agent_01"
        "_clock-business_timezone-Europe-Madrid.parquet"
    )
    url = links.conversations_url(sel, agent="generic:agent_02")
    assert url.startswith("conversations?from=2026-01-26&to=2026-02-01&channel=chat&channel=email")
    assert "agent=generic%3Aagent_02" in url and "agent_01" not in url


def test_agent_row_drills_down_to_their_conversations(sample_db: Path, use_db) -> None:  # noqa: ANN001
    at = run_app(sample_db, use_db, "agents")
    sel: data.Selection = at.session_state["selection"]
    table = at.dataframe[0].value
    row = table.dropna(subset=["agent_key"]).iloc[0]
    assert row["conversations_url"] == links.conversations_url(sel, agent=row["agent_key"])
    # following the link: the URL's filters are the sidebar's, the agent among them
    at = run_app(sample_db, use_db, None, **{"from": sel.start, "to": sel.end,
                                             "agent": row["agent_key"]})  # fmt: skip
    at.switch_page("app_pages/conversations.py").run()
    drilled: data.Selection = at.session_state["selection"]
    assert drilled.agent == (row["agent_key"],)
    shown = at.dataframe[0].value
    assert len(shown) > 0 and set(shown["agent_key"]) == {row["agent_key"]}
    result = CliRunner().invoke(
        cli_app,
        ["metrics", "--by", "conversation", "--from", sel.start, "--to", sel.end,
         "--agent", row["agent_key"], "--db", str(sample_db), "--format", "csv"],
        catch_exceptions=False,
    )  # fmt: skip
    assert len(pd.read_csv(io.StringIO(result.stdout))) == len(shown)


def test_live_queue_defaults_to_the_last_contact_and_follows_the_picker(
    sample_db: Path,
    use_db,  # noqa: ANN001
) -> None:
    at = run_app(sample_db, use_db, "live_queue")
    with open_warehouse(sample_db, read_only=True) as conn:
        last = last_instant(conn)
    assert at.date_input(key="live_day").value == last.date()
    # a busy weekday morning: someone waits, agents are online
    at.date_input(key="live_day").set_value(dt.date(2026, 1, 7)).run()
    at.time_input(key="live_time").set_value(dt.time(10, 0)).run()
    assert not at.exception
    with open_warehouse(sample_db, read_only=True) as conn:
        snap = snapshot(conn, dt.datetime(2026, 1, 7, 10, 0, tzinfo=dt.UTC))
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Contacts waiting"] == f"{len(snap.waiting):,}"
    assert tiles["Agents online"] == f"{int(snap.agents['online'].sum()):,}"
    agents = at.dataframe[-1].value
    assert agents["agent_key"].tolist() == snap.agents["agent_key"].tolist()


def test_data_page_shows_batches_coverage_and_definitions(
    sample_db: Path,
    use_db,  # noqa: ANN001
) -> None:
    at = run_app(sample_db, use_db, "warehouse", clock="business")
    with open_warehouse(sample_db, read_only=True) as conn:
        expected_cov = coverage(conn)
        expected_batches = batches(conn)
    values = [d.value for d in at.dataframe]
    assert values[0]["conversations"].tolist() == expected_cov["conversations"].tolist()
    assert values[1]["rows_loaded"].tolist() == expected_batches["rows_loaded"].tolist()
    assert any("No row was rejected" in s.value for s in at.success)
    definitions = values[-1].set_index("option")
    assert definitions.loc["clock", "value"] == "business"
    assert bool(definitions.loc["clock", "changed"])
    assert not bool(definitions.loc["frt_start", "changed"])


@pytest.fixture
def rejected_db(tmp_path: Path) -> Path:
    """A warehouse whose only import was fully rejected, made through the CLI: a generic CSV
    whose every row is bad (exit 1, the batch and its rejects recorded, no conversation)."""
    csv = tmp_path / "conversations.csv"
    csv.write_text("conversation_id,created_at\na,not a date\nb,31/02/2024\nc,\n")
    db = tmp_path / "rejected.duckdb"
    result = CliRunner().invoke(cli_app, ["import", str(csv), "--db", str(db)])
    assert result.exit_code == 1, result.output
    with open_warehouse(db, read_only=True) as conn:
        assert batches(conn)["rows_rejected"].tolist() == [3]
    return db


def test_data_page_is_reachable_when_every_imported_row_was_rejected(
    rejected_db: Path,
    use_db,  # noqa: ANN001
) -> None:
    """Issue 16: the Data page says why when the warehouse holds no conversations because
    every imported row was rejected; the other pages' empty state links to it."""
    at = run_app(rejected_db, use_db)
    assert "holds no conversations" in at.info[0].value
    assert "1 import batch recorded, 3 rows rejected" in at.warning[0].value
    [link] = at.get("page_link")
    assert link.proto.page.endswith("warehouse.py") or "warehouse" in str(link.proto)
    at = run_app(rejected_db, use_db, "warehouse")
    assert at.title[0].value == "Data"
    assert "holds no conversations" in at.info[0].value
    coverage_, batches_, reasons, _definitions = (d.value for d in at.dataframe)
    assert coverage_["conversations"].tolist() == [0]
    assert batches_["rows_rejected"].tolist() == [3]
    with open_warehouse(rejected_db, read_only=True) as conn:
        expected = reject_reasons(conn)
    assert reasons["reason"].tolist() == expected["reason"].tolist()
    assert reasons["rows"].tolist() == expected["rows"].tolist()
    assert reasons["rows"].sum() == 3
    assert not at.error


def test_an_empty_warehouse_without_imports_has_no_link_to_the_data_page(
    empty_db: Path,
    use_db,  # noqa: ANN001
) -> None:
    at = run_app(empty_db, use_db, "agents")
    assert "holds no conversations" in at.info[0].value
    assert not at.get("page_link") and not at.warning


@pytest.mark.parametrize(
    ("page", "key", "pair"),
    [
        ("volume", "volume_by_day", "channel=chat"),
        ("scorecard", "sc_trend_wait_mean_s", "day=2026-01-"),
        ("agents", "agents_bars", "agent=generic:agent_0"),
        ("sla", "sla_channel_chart", "channel=chat"),
        ("sla", "sla_group_chart", "agent=generic:agent_0"),
    ],
)
def test_charts_drill_down_by_their_points(
    page: str,
    key: str,
    pair: str,
    sample_db: Path,
    use_db,  # noqa: ANN001
) -> None:
    """Issue 16: the charts that drill down are selectable (a click reruns the page, which
    opens the Conversations page: links.drill_query, tested in test_links.py) and their
    points carry the filters they stand for."""
    at = run_app(sample_db, use_db, page, sla_first_response_s="900")
    [chart] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key) or key in c.proto.id]
    spec = chart.proto.spec
    assert '"customdata"' in spec and pair in spec
    assert chart.proto.selection_mode and not at.exception
