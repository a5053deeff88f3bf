"""The dashboard through Streamlit's AppTest: every page renders on a real warehouse, tiles
show the numbers the report functions return, widgets change them, and the empty state."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from _dashboard_warehouse import APP
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboards import data, ui
from supportstats.cli import app as cli_app
from supportstats.db import open_warehouse
from supportstats.metrics import metrics_table, query
from supportstats.planning import staff
from supportstats.planning.forecast import forecast, interval_history
from supportstats.planning.history import contact_history
from supportstats.reports import Targets, agent_report, first_response_by_channel, scorecard
from supportstats.reports.completeness import last_contact


def run_app(db: Path, use_db) -> AppTest:  # noqa: ANN001
    use_db(db)
    # An absolute path: AppTest resolves relative ones against this test file.
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_card(db: Path, sel: data.Selection, targets: Targets | None = None) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as conn:
        card = scorecard(conn, sel.metric_options(), sel.period(), sel.filters(), targets=targets)
    return card.set_index("metric")["value"]


@pytest.fixture
def at(sample_db: Path, use_db) -> AppTest:  # noqa: ANN001
    return run_app(sample_db, use_db)


def test_scorecard_tiles_show_the_report_values(at: AppTest, sample_db: Path) -> None:
    sel: data.Selection = at.session_state["selection"]
    # default period: the last 7 days with data (the sample covers 14 days)
    assert (pd.Timestamp(sel.end) - pd.Timestamp(sel.start)).days == 6
    card = expected_card(sample_db, sel)
    shown = tiles(at)
    assert shown["Average wait"] == ui.seconds(card["wait_mean_s"])
    assert shown["CSAT"] == ui.share(card["csat_score"])
    assert shown["Resolution rate"] == ui.share(card["resolution_rate"])
    assert shown["Abandonment"] == ui.share(card["abandon_rate"])
    assert shown["Load equity (Gini)"] == ui.number(card["load_gini"])
    assert shown["Self-service deflection"] == ui.share(card["deflection_rate"])
    # the target verdict under the CSAT tile
    verdict = "meets" if card["csat_score"] >= 0.85 else "misses"
    assert any(f"[{verdict}] target >= 85.0 %" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 6  # four trends, two distributions


def test_definition_option_changes_the_wait_tile(at: AppTest, sample_db: Path) -> None:
    before = tiles(at)["Average wait"]
    at.selectbox(key="option_wait_abandoned").set_value("include").run()
    assert not at.exception
    sel: data.Selection = at.session_state["selection"]
    assert dict(sel.options)["wait_abandoned"] == "include"
    after = tiles(at)["Average wait"]
    assert after == ui.seconds(expected_card(sample_db, sel)["wait_mean_s"])
    # abandoned chats waited before leaving, so counting them lengthens the average wait
    assert after != before


def test_channel_filter_and_target_change_the_scorecard(at: AppTest, sample_db: Path) -> None:
    at.multiselect(key="filter_channels").set_value(["email"]).run()
    at.number_input(key="sc_csat").set_value(99.0).run()
    assert not at.exception
    sel: data.Selection = at.session_state["selection"]
    assert sel.channels == ("email",)
    card = expected_card(sample_db, sel, Targets(csat_score=0.99))
    assert tiles(at)["CSAT"] == ui.share(card["csat_score"])
    assert card["csat_score"] < 0.99
    assert any(":red[misses] target >= 99.0 %" in c.value for c in at.caption)


def test_churn_exposure_uses_the_editable_assumptions(at: AppTest) -> None:
    at.number_input(key="churn_contacts").set_value(100.0).run()
    at.number_input(key="churn_csat").set_value(75.0).run()
    shown = tiles(at)
    # the article's example: 25 unhappy a day, about 13 leave, about 400 a month
    assert shown["Unhappy customers / day"] == "25.0"
    assert shown["Likely to leave / day"] == "13.0"
    assert shown["Customers at risk / month"] == "390"


def test_agents_page_matches_the_cli_report(at: AppTest, sample_db: Path) -> None:
    at.switch_page("app_pages/agents.py").run()
    assert not at.exception
    sel: data.Selection = at.session_state["selection"]
    shown = at.dataframe[0].value
    with open_warehouse(sample_db, read_only=True) as conn:
        expected = agent_report(conn, sel.metric_options(), sel.period(), sel.filters())
    # the report, plus the drill-down link to each agent's conversations (test_pages.py)
    shown = shown.drop(columns="conversations_url")
    # each value as people read it (ui.readable: "1 h 56 min", "91.9 %", "—")
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), ui.readable(expected))
    # parity with `supportstats report agents` for the same period
    result = CliRunner().invoke(
        cli_app,
        ["report", "agents", "--from", sel.start, "--to", sel.end, "--db", str(sample_db),
         "--format", "csv"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0
    cli = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert cli["conversations"].tolist() == shown["conversations"].tolist()
    assert shown["conversations"].sum() > 0
    assert len(at.get("plotly_chart")) == 1
    at.selectbox(key="agents_metric").set_value("csat_score").run()
    assert not at.exception


def test_volume_page_counts_add_up(at: AppTest, sample_db: Path) -> None:
    at.switch_page("app_pages/volume.py").run()
    assert not at.exception
    sel: data.Selection = at.session_state["selection"]
    with open_warehouse(sample_db, read_only=True) as conn:
        total = metrics_table(
            query(conn, sel.metric_options(), sel.period(), sel.filters()), families=["volume"]
        )["contacts"].iloc[0]
    table = at.dataframe[0].value
    assert table["contacts"].sum() == total > 0
    assert set(table["channel"]) == {"chat", "email", "messaging"}
    assert len(at.get("plotly_chart")) == 2
    at.multiselect(key="filter_channels").set_value(["chat"]).run()
    assert at.dataframe[0].value["channel"].tolist() == ["chat"]


def test_staffing_sliders_change_the_plan(at: AppTest, sample_db: Path) -> None:
    at.switch_page("app_pages/staffing.py").run()
    # the model's figures, without the roster rules' smoothing (tests/dashboard/
    # test_staffing_queues.py and tests/planning/test_every_queue.py check those)
    at.selectbox(key="staff_smooth").set_value("off").run()
    assert not at.exception
    queue = at.selectbox(key="staff_queue").value
    assert queue == "generic:Web chat"
    predicted = _forecast(sample_db, queue)

    def expected_hours(factor: float = 1.0, concurrency: int = 3, patience: float = 90.0) -> str:
        # the chat preset, written out: 80 % in 60 s, 85 % cap, 30 % shrinkage, Erlang A 90 s
        frame = predicted.assign(
            volume=predicted["volume"] * factor, interval_s=1800.0, sl_target=0.8,
            sl_threshold_s=60.0, max_occupancy=0.85, shrinkage=0.3, patience_s=patience,
            concurrency=concurrency,
        )  # fmt: skip
        return f"{staff(frame)['agents_scheduled'].sum() * 0.5:,.1f}"

    assert at.radio(key="staff_model").value == "Erlang A"  # the chat preset
    assert tiles(at)["Agent-hours scheduled"] == expected_hours()
    at.slider(key="staff_volume").set_value(200).run()
    doubled = tiles(at)["Agent-hours scheduled"]
    assert doubled == expected_hours(2.0)
    at.slider(key="staff_concurrency").set_value(1).run()
    one_chat = tiles(at)["Agent-hours scheduled"]
    assert one_chat == expected_hours(2.0, concurrency=1)
    assert float(one_chat.replace(",", "")) > float(doubled.replace(",", ""))
    at.radio(key="staff_model").set_value("Erlang C").run()
    assert not at.exception
    assert at.dataframe[0].value["abandon_probability"].isna().all()
    assert tiles(at)["Agent-hours scheduled"] == expected_hours(2.0, 1, float("nan"))
    assert len(at.get("plotly_chart")) == 3  # plan, SL curve and shift coverage


def _forecast(db: Path, queue: str) -> pd.DataFrame:
    with open_warehouse(db, read_only=True) as conn:
        history = interval_history(contact_history(conn, queue), "30min")
    return forecast(history, horizon="24h", interval="30min")[0]


def test_staffing_caption_names_the_busiest_interval(at: AppTest, sample_db: Path) -> None:
    """The SL curve's caption names the interval with the most contacts forecast (it named
    the first interval with the most agents scheduled: with 3 chats per agent many intervals
    need the same few agents, so it said 07:30 where the forecast peaks at 10:00)."""
    at.switch_page("app_pages/staffing.py").run()
    predicted = _forecast(sample_db, at.selectbox(key="staff_queue").value)
    peak = predicted.loc[predicted["volume"].idxmax()]
    caption = next(c.value for c in at.caption if "busiest interval" in c.value)
    assert f"busiest interval, {peak['interval_start']:%H:%M} UTC" in caption
    assert f"({peak['volume']:,.1f} contacts forecast" in caption
    # the chart shows the same interval's curve, and the plan's own caption agrees
    figures = at.get("plotly_chart")
    assert f"volume={peak['volume']:g} per interval" in figures[1].proto.spec
    assert f"busiest interval {peak['interval_start']:%H:%M} UTC" in figures[0].proto.spec


def test_staffing_sliders_follow_the_queue_preset(at: AppTest, sample_db: Path) -> None:
    """Issue 16: the keyed sliders start at the picked queue's preset (by its channel) and
    follow a change of queue; an edit stays while the queue, and so its preset, does."""
    from supportstats.planning.plan import StaffingTargets, queue_targets

    def sliders() -> dict[str, object]:
        keys = ("staff_sl", "staff_threshold", "staff_concurrency", "staff_shrinkage",
                "staff_occupancy")  # fmt: skip
        shown = {k: at.slider(key=k).value for k in keys}
        shown["staff_model"] = at.radio(key="staff_model").value
        patience = [s for s in at.slider if s.key == "staff_patience"]
        shown["staff_patience"] = patience[0].value if patience else None
        return shown

    def preset(p: StaffingTargets) -> dict[str, object]:
        return {
            "staff_sl": round(p.sl_target * 100), "staff_threshold": int(p.sl_threshold_s),
            "staff_concurrency": p.concurrency, "staff_shrinkage": round(p.shrinkage * 100),
            "staff_occupancy": round(p.max_occupancy * 100),
            "staff_model": "Backlog" if p.backlog_model
            else "Erlang A" if p.patience_s else "Erlang C",
            "staff_patience": int(p.patience_s) if p.patience_s else None,
        }  # fmt: skip

    with open_warehouse(sample_db, read_only=True) as conn:
        chat = queue_targets(conn, "generic:Web chat")
        email = queue_targets(conn, "generic:Email")
    assert chat == StaffingTargets.chat()
    assert email == StaffingTargets.for_channel("email") != chat
    at.switch_page("app_pages/staffing.py").run()
    assert at.selectbox(key="staff_queue").value == "generic:Web chat"
    assert sliders() == preset(chat)
    # an edit stays while the queue does (and through other widgets' reruns)
    at.slider(key="staff_patience").set_value(300).run()
    at.slider(key="staff_threshold").set_value(120).run()
    at.slider(key="staff_volume").set_value(150).run()
    assert sliders() == {**preset(chat), "staff_patience": 300, "staff_threshold": 120}
    # another queue: its preset (e-mail: one at a time, within an hour, the backlog model)
    at.selectbox(key="staff_queue").set_value("generic:Email").run()
    assert not at.exception
    assert sliders() == preset(email)
    # and back: the chat preset again, not the e-mail queue's values
    at.selectbox(key="staff_queue").set_value("generic:Web chat").run()
    assert sliders() == preset(chat)
    assert at.slider(key="staff_volume").value == 150  # its default (100 %) never changed


def test_missing_warehouse_shows_how_to_build_one(tmp_path: Path, use_db) -> None:  # noqa: ANN001
    at = run_app(tmp_path / "nothing.duckdb", use_db)
    text = at.info[0].value
    assert "No warehouse at" in text
    assert "supportstats demo --db" in text and "supportstats import" in text
    assert not at.metric


def test_empty_warehouse_shows_how_to_fill_it(empty_db: Path, use_db) -> None:  # noqa: ANN001
    at = run_app(empty_db, use_db)
    assert "holds no conversations" in at.info[0].value
    assert "supportstats sample" in at.info[0].value


def test_bad_number_option_is_a_warning_not_a_traceback(at: AppTest) -> None:
    at.text_input(key="option_short_abandon_s").set_value("-5").run()
    assert not at.exception
    assert any("short_abandon_s" in w.value for w in at.sidebar.warning)
    sel: data.Selection = at.session_state["selection"]
    assert "short_abandon_s" not in dict(sel.options)  # the default applies
    assert tiles(at)["CSAT"] != "–"


# -- filters in the URL (issue 16, item 1) ----------------------------------------------------


def run_url(db: Path, use_db, page: str | None = None, **params: str | list[str]) -> AppTest:  # noqa: ANN001
    """The app opened at an address with ``params`` as its query string."""
    use_db(db)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


SHARED = {
    "from": "2026-01-08",
    "to": "2026-01-14",
    "channel": "Email",  # any case, as the CLI
    "agent": "agent_02@example.com",  # an e-mail, as the CLI
    "queue": "Email",  # a queue's name
    "team": "tickets",  # a team's name, any case
    "wait_abandoned": "include",
    "timezone": "europe/madrid",
}


def test_query_string_sets_the_widgets_and_the_numbers(sample_db: Path, use_db) -> None:  # noqa: ANN001
    at = run_url(sample_db, use_db, **SHARED)
    assert not at.main.warning
    assert at.date_input(key="filter_period").value == (
        pd.Timestamp("2026-01-08").date(),
        pd.Timestamp("2026-01-14").date(),
    )
    assert at.multiselect(key="filter_channels").value == ["email"]
    assert at.multiselect(key="filter_agent").value == ["generic:agent_02"]
    assert at.multiselect(key="filter_queue").value == ["generic:Email"]
    assert at.multiselect(key="filter_team").value == ["generic:Tickets"]
    assert at.selectbox(key="option_wait_abandoned").value == "include"
    assert at.selectbox(key="option_timezone").value == "Europe/Madrid"
    sel: data.Selection = at.session_state["selection"]
    assert (sel.start, sel.end, sel.channels, sel.agent) == (
        "2026-01-08", "2026-01-14", ("email",), ("generic:agent_02",)
    )  # fmt: skip
    # the address now spells the filters as the dashboard writes them: keys, canonical names
    assert at.query_params["channel"] == "email"
    assert at.query_params["agent"] == "generic:agent_02"
    assert at.query_params["timezone"] == "Europe/Madrid"
    # the scorecard says the agent filter is not its own, and drops it as the CLI does
    assert any("agent** filter does not apply" in i.value for i in at.info)
    card = expected_card(sample_db, sel.without("agent"))
    assert tiles(at)["Average wait"] == ui.seconds(card["wait_mean_s"])

    # the agents page: the same figures as `supportstats report agents` with the same flags
    at.switch_page("app_pages/agents.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    result = CliRunner().invoke(
        cli_app,
        ["report", "agents", "--from", "2026-01-08", "--to", "2026-01-14", "--channel", "Email",
         "--agent", "agent_02@example.com", "--queue", "Email", "--team", "tickets",
         "-o", "wait_abandoned=include", "-o", "timezone=Europe/Madrid",
         "--db", str(sample_db), "--format", "csv"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cli = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert cli["agent_key"].tolist() == shown["agent_key"].tolist() == ["generic:agent_02"]
    assert cli["conversations"].tolist() == shown["conversations"].tolist()
    assert shown["conversations"].iloc[0] > 0


def test_bad_query_values_are_left_out_with_a_warning(sample_db: Path, use_db) -> None:  # noqa: ANN001
    at = run_url(
        sample_db,
        use_db,
        **{
            "from": "2026-13-01",
            "channel": ["chat", "fax"],
            "agent": "Nobody Here",
            "tag": ["BILLING", "nope"],
            "timezone": "Mars/Olympus",
            "clock": "sideways",
            "colour": "red",
        },
    )
    text = " ".join(w.value for w in at.main.warning)
    for bad in ("from=2026-13-01", "channel=fax", "agent=Nobody Here", "tag=nope",
                "timezone=Mars/Olympus", "clock=sideways", "colour"):  # fmt: skip
        assert bad in text, (bad, text)
    sel: data.Selection = at.session_state["selection"]
    # the good values stay; the bad ones give way to the defaults
    assert sel.channels == ("chat",)
    assert sel.tag == ("billing",)
    assert sel.agent == ()
    assert sel.metric_options().timezone == "UTC"
    assert sel.metric_options().clock == "calendar"
    assert at.query_params["channel"] == "chat"
    assert "colour" not in at.query_params and "clock" not in at.query_params
    assert tiles(at)["CSAT"] != "–"


def test_a_filter_change_writes_the_url_and_survives_a_page_switch(at: AppTest) -> None:
    sel: data.Selection = at.session_state["selection"]
    assert at.query_params == {"from": sel.start, "to": sel.end}
    at.multiselect(key="filter_channels").set_value(["chat", "email"]).run()
    at.multiselect(key="filter_tag").set_value(["billing"]).run()
    at.selectbox(key="option_clock").set_value("business").run()
    assert at.query_params["channel"] == ["chat", "email"]  # repeated keys
    assert at.query_params["tag"] == "billing"
    assert at.query_params["clock"] == "business"
    # a page switch clears the query string in the browser; the filters stay and come back
    at.query_params.clear()
    at.switch_page("app_pages/volume.py").run()
    assert not at.exception
    assert at.session_state["selection"].channels == ("chat", "email")
    assert at.query_params["channel"] == ["chat", "email"]
    assert at.multiselect(key="filter_tag").value == ["billing"]


def test_churn_inputs_follow_the_channel_filter(at: AppTest, sample_db: Path) -> None:
    def churn() -> tuple[float, float, str]:
        return (
            at.number_input(key="churn_contacts").value,
            at.number_input(key="churn_csat").value,
            tiles(at)["Customers at risk / month"],
        )

    def expected(sel: data.Selection) -> tuple[float, float]:
        days = (pd.Timestamp(sel.end) - pd.Timestamp(sel.start)).days + 1
        with open_warehouse(sample_db, read_only=True) as conn:
            contacts = metrics_table(
                query(conn, sel.metric_options(), sel.period(), sel.filters()),
                families=["volume"],
            )["contacts"].iloc[0]
        return round(contacts / days, 1), round(
            expected_card(sample_db, sel)["csat_score"] * 100, 1
        )

    every = churn()
    assert every[:2] == expected(at.session_state["selection"])
    at.multiselect(key="filter_channels").set_value(["chat"]).run()
    chat = churn()
    sel: data.Selection = at.session_state["selection"]
    assert chat[:2] == expected(sel)
    assert chat[0] < every[0] and chat[2] != every[2]
    # the CSAT input is the CSAT tile's figure
    assert tiles(at)["CSAT"] == ui.share(chat[1] / 100)
    # an edit is kept while the filters stay ...
    at.number_input(key="churn_contacts").set_value(100.0).run()
    assert churn()[0] == 100.0
    # ... and replaced when they change
    at.multiselect(key="filter_channels").set_value([]).run()
    assert churn() == every


def test_db_path_comes_from_the_command_line_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUPPORTSTATS_DB", "/env/w.duckdb")
    assert data.db_path(["--db", "/cli/w.duckdb"]) == Path("/cli/w.duckdb")
    assert data.db_path(["-q", "tests/"]) == Path("/env/w.duckdb")
    monkeypatch.delenv("SUPPORTSTATS_DB")
    assert data.db_path([]) == Path("supportstats.duckdb")


@pytest.mark.parametrize("page", ["app_pages/staffing.py", "app_pages/warehouse.py"])
def test_pages_the_filters_cannot_follow_say_so(sample_db: Path, use_db, page: str) -> None:  # noqa: ANN001
    at = run_url(sample_db, use_db, page, channel="chat")
    assert any("do not apply" in c.value and "channel=chat" in c.value for c in at.caption), [
        c.value for c in at.caption
    ]


SECONDS_SHOWN = re.compile(r"^(—|\d+(\.\d)? s|\d+ min \d\d s|\d+ h \d\d min|\d+ d \d+ h)$")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """What each Download button of a run offers: label, data and file name."""
    seen: list[dict] = []
    original = st.download_button

    def record(label, data, file_name=None, mime=None, **kwargs):  # noqa: ANN001, ANN202
        seen.append({"label": label, "data": data, "file_name": file_name, "mime": mime})
        return original(label, data, file_name, mime, **kwargs)

    monkeypatch.setattr(st, "download_button", record)
    return seen


def test_agent_table_reads_as_people_read(at: AppTest, sample_db: Path, downloads) -> None:  # noqa: ANN001
    """No raw seconds (6936), no 'None', shares in percent; the download keeps the numbers,
    without float noise, and is named by period and filters."""
    at.multiselect(key="filter_channels").set_value(["chat", "email"]).run()
    at.switch_page("app_pages/agents.py").run()
    assert not at.exception
    sel: data.Selection = at.session_state["selection"]
    shown = at.dataframe[0].value
    text = shown.astype(str).to_numpy().ravel().tolist()
    assert "None" not in text and "nan" not in text and "<NA>" not in text
    for col in ("first_response_median_s", "first_response_p90_s", "handle_time_mean_s",
                "resolution_median_s"):  # fmt: skip
        bad = [v for v in shown[col] if not SECONDS_SHOWN.match(v)]
        assert not bad, (col, bad)
    assert all(v == "—" or v.endswith(" %") for v in shown["csat_score"])
    assert "—" in shown["agent"].tolist()  # the unassigned row
    assert shown["conversations"].dtype.kind == "i"  # counts stay numbers (they sort)

    [download] = [d for d in downloads if d["label"] == "Download CSV"][-1:]
    assert download["file_name"] == f"agents_{sel.start}_{sel.end}_channel-chat+email.csv"
    with open_warehouse(sample_db, read_only=True) as conn:
        expected = agent_report(conn, sel.metric_options(), sel.period(), sel.filters())
    back = pd.read_csv(io.StringIO(download["data"]))
    assert back["conversations"].tolist() == expected["conversations"].tolist()
    assert back["first_response_median_s"].tolist() == pytest.approx(
        expected["first_response_median_s"].tolist(), rel=1e-5, nan_ok=True
    )
    for line in download["data"].splitlines()[1:]:
        for cell in line.split(","):
            digits = cell.replace("-", "").replace(".", "").lstrip("0")
            assert (
                not re.fullmatch(r"\d+", cell.replace(".", "").replace("-", "")) or len(digits) <= 8
            ), cell  # 46.60000000000002 would have 16 digits


def test_agent_bars_are_split_by_channel_kind(at: AppTest) -> None:
    at.switch_page("app_pages/agents.py").run()
    fig = at.get("plotly_chart")[0].proto.spec
    spec = json.loads(fig)
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert "Live chat and calls" in titles and "Tickets and e-mail" in titles
    assert "target 1 min 00 s" in titles and "target 4 h 00 min" in titles
    assert spec["layout"]["xaxis"]["title"]["text"] == "First response, median (s)"
    assert not spec["layout"]["xaxis2"]["title"]["text"].endswith("(s)")  # its own scale


def test_scorecard_marks_the_incomplete_last_day(at: AppTest, sample_db: Path) -> None:
    sel: data.Selection = at.session_state["selection"]
    with open_warehouse(sample_db, read_only=True) as conn:
        last = last_contact(conn)
    assert last is not None and last.date().isoformat() == sel.end
    [note] = [w.value for w in at.warning if "Incomplete day" in w.value]
    assert f"{sel.end} (data ends {last:%H:%M}" in note
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t.get("name") for t in trend["data"]]
    assert "incomplete (will change)" in names
    assert any(a["text"] == "incomplete" for a in trend["layout"]["annotations"])


def test_first_response_per_channel_has_its_own_target(at: AppTest, sample_db: Path) -> None:
    sel: data.Selection = at.session_state["selection"]
    with open_warehouse(sample_db, read_only=True) as conn:
        frt = first_response_by_channel(conn, sel.metric_options(), sel.period(), sel.filters())
    shown = tiles(at)
    for _, row in frt.iterrows():
        assert shown[f"{row['channel']} · first response (median)"] == ui.seconds(
            row["first_response_median_s"]
        )
    captions = [c.value for c in at.caption]
    assert any(c.endswith("target <= 1 min 00 s") for c in captions)  # chat
    assert any(c.endswith("target <= 4 h 00 min") for c in captions)  # email
    at.number_input(key="sc_frt_live").set_value(5.0).run()
    assert any(c == ":red[misses] target <= 5 s" for c in (c.value for c in at.caption))


def test_a_zero_change_has_no_arrow_and_no_colour() -> None:
    assert ui.delta(0.0, "duration") is None  # was a red "↑ 0 s"
    assert ui.delta(0.04, "duration") is None
    assert ui.delta(0.0001, "share") is None
    assert ui.delta(None, "share") is None
    assert ui.delta(-38.2, "duration") == "-38 s"
    assert ui.delta(0.012, "share") == "+1.2 pts"
    assert ui.seconds(15.2178) == "15 s" and ui.seconds(None) == "—"
    assert ui.share(0.919) == "91.9 %" and ui.number(float("nan")) == "—"
