"""Agents: the agent report (same table as ``supportstats report agents``) and comparisons."""

from __future__ import annotations

import streamlit as st

from dashboards import data, links, ui
from supportstats import charts
from supportstats.export import to_csv

# agent_report columns offered for the comparison chart, with the scorecard target if any
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
    """Readable headers and number formats; the values stay the report's own."""
    cfg: dict = {"agent_key": None}  # hidden: the name column says the same
    for col in SECONDS:
        cfg[col] = st.column_config.NumberColumn(charts.LABELS.get(col, col), format="%.0f")
    for col in SHARES:
        cfg[col] = st.column_config.NumberColumn(charts.LABELS.get(col, col), format="percent")
    cfg["concurrency_mean"] = st.column_config.NumberColumn("Concurrency, mean", format="%.2f")
    return cfg


LINK = "conversations_url"  # the drill-down column: this agent's conversations
DRILL = "agents_drill"  # the row picked, until the page switches to its conversations


def pick(sel: data.Selection, report) -> None:  # noqa: ANN001 - a DataFrame
    """A row picked in the table: remember where it leads (the next run goes there)."""
    rows = st.session_state["agents_table"].selection.rows
    if rows:
        key = report.iloc[rows[0]]["agent_key"]
        st.session_state[DRILL] = links.query(sel, agent=key if isinstance(key, str) else None)


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
    shown = report.assign(
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
    st.download_button("Download CSV", to_csv(report), "agent_report.csv", "text/csv")

    left, right = st.columns([1, 3])
    metric = left.selectbox(
        "Compare agents by",
        list(COMPARE),
        index=list(COMPARE).index("first_response_median_s"),
        format_func=lambda c: charts.LABELS.get(c, c),
        key="agents_metric",
    )
    right.plotly_chart(charts.agent_bars(report, metric, COMPARE[metric]), key="agents_bars")


main()
