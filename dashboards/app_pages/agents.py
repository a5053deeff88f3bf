"""Agents: the agent report (same table as ``supportstats report agents``) and comparisons."""

from __future__ import annotations

import streamlit as st

from dashboards import data, links, ui
from supportstats import charts
from supportstats.reports import Targets
from supportstats.reports.scorecard import CHANNEL_KINDS, channels_of_kind

# agent_report columns offered for the comparison chart, with the scorecard target if any
# (first response: the target of each channel kind, see kind_targets)
COMPARE = {
    "conversations": None,
    "chats_served": None,
    "first_response_median_s": None,
    "first_response_p90_s": None,
    "handle_time_mean_s": None,
    "resolution_median_s": None,
    "csat_score": 0.85,
    "concurrency_mean": None,
    "occupancy": None,
    "utilisation": None,
    "missed": None,
}
SECONDS = [
    "first_response_median_s",
    "first_response_p90_s",
    "handle_time_mean_s",
    "resolution_median_s",
    "resolution_p90_s",
]
SHARES = ["csat_score", "csat_ci_low", "csat_ci_high", "occupancy", "utilisation"]


def column_config() -> dict:
    """Readable headers for the formatted table (:func:`ui.readable`: ``1 h 56 min``,
    ``91.9 %``, ``—``); the download keeps the report's numbers."""
    cfg: dict = {"agent_key": None}  # hidden: the name column says the same
    for col in SECONDS + SHARES:
        cfg[col] = st.column_config.TextColumn(charts.LABELS.get(col, col.replace("_", " ")))
    cfg["concurrency_mean"] = st.column_config.TextColumn("Concurrency, mean")
    return cfg


LINK = "conversations_url"  # the drill-down column: this agent's conversations
DRILL = "agents_drill"  # the row picked, until the page switches to its conversations


def pick(sel: data.Selection, report) -> None:  # noqa: ANN001 - a DataFrame
    """A row picked in the table: remember where it leads (the next run goes there)."""
    rows = st.session_state["agents_table"].selection.rows
    if rows:
        key = report.iloc[rows[0]]["agent_key"]
        st.session_state[DRILL] = links.query(sel, agent=key if isinstance(key, str) else None)


def kind_reports(source: data.Source, sel: data.Selection) -> dict[str, object]:
    """The agent report of each channel kind present (live chat and calls, tickets and
    e-mail), within the channels selected (:func:`data.by_kind`): one panel each, so the
    scales do not mix."""
    return {
        CHANNEL_KINDS[kind]: data.load_agents(source, part)
        for kind, part in data.by_kind(source, sel).items()
    }


def panel_channels(sel: data.Selection) -> dict[str, tuple[str, ...]]:
    """The channels each panel of the agent bars counts (its kind's, within the selection):
    a bar's drill-down keeps to them."""
    channels = sel.channels or st.session_state["bounds"].channels
    return {title: channels_of_kind(channels, kind) for kind, title in CHANNEL_KINDS.items()}


def page_targets() -> Targets:
    """The scorecard's default first-response targets as last edited there (else the
    defaults); the warehouse's SLA targets win (:func:`kind_targets`)."""
    default = Targets()
    live = st.session_state.get("sc_frt_live", default.first_response_live_s)
    ticket = st.session_state.get("sc_frt_ticket")
    return Targets(
        first_response_live_s=live,
        first_response_ticket_s=default.first_response_ticket_s
        if ticket is None
        else ticket * 3600,
    )


def kind_targets(
    source: data.Source, sel: data.Selection, metric: str, targets: Targets
) -> dict[str, float | None]:
    """Each panel's target for ``metric``: first response per channel kind (the warehouse's
    SLA target, else the kind's default: as the scorecard), else the one target of COMPARE
    for every panel."""
    if metric.startswith("first_response"):
        frame = data.load_first_response_targets(source, sel, targets)
        return {CHANNEL_KINDS[row["kind"]]: row["target_s"] for _, row in frame.iterrows()}
    return dict.fromkeys(CHANNEL_KINDS.values(), COMPARE.get(metric))


def main() -> None:
    source, sel = ui.context()
    if DRILL in st.session_state:  # drill down: the agent's conversations, same filters
        st.switch_page(links.CONVERSATIONS_PAGE, query_params=st.session_state.pop(DRILL))
    st.title("Agents")
    with ui.shows_errors():
        report = data.load_agents(source, sel)
    st.caption(
        f"{report.attrs.get('period', '')} · definitions: {sel.metric_options().describe()} · "
        "FRT credited to the responder, resolution to the last assignee, CSAT to the agent at "
        "rating time; the row without an agent holds unassigned conversations."
    )
    if report.empty:
        st.info("No agent activity in this period and channel selection.")
        return
    shown = ui.readable(report).assign(
        **{
            LINK: [
                links.conversations_url(sel, agent=k) if isinstance(k, str) else None
                for k in report["agent_key"]
            ]
        }  # fmt: skip
    )
    config = column_config() | {
        LINK: st.column_config.LinkColumn(
            "Conversations list", display_text="open", help="This agent's conversations"
        )
    }
    st.dataframe(
        shown,
        hide_index=True,
        column_config=config,
        key="agents_table",
        on_select=lambda: pick(sel, report),
        selection_mode="single-row",
    )
    st.caption("Pick a row (or its *open* link) to see that agent's conversations.")
    # spreadsheet-safe, as the command line writes it: an agent named "=cmd|..." runs nothing
    # the report's numbers (floats to 6 significant digits), named by period and filters
    st.download_button(
        "Download CSV",
        ui.csv_download(report),
        links.file_name("agents", sel, "csv"),
        "text/csv",
        key="agents_download",
    )

    left, right = st.columns([1, 3])
    metric = left.selectbox(
        "Compare agents by",
        list(COMPARE),
        index=list(COMPARE).index("first_response_median_s"),
        format_func=lambda c: charts.LABELS.get(c, c),
        key="agents_metric",
    )
    # one panel per channel kind: a chat agent's seconds and an e-mail agent's hours
    with ui.shows_errors():
        reports = kind_reports(source, sel)
        targets = kind_targets(source, sel, metric, page_targets()) if reports else {}
    fig = (
        charts.agent_bars_by_kind(reports, metric, targets, panel_channels(sel))
        if reports
        else charts.agent_bars(report, metric, COMPARE[metric])
    )
    # a bar opens the agent's conversations (in its panel's channels)
    ui.drill_chart(fig, "agents_bars", sel, right)


main()
