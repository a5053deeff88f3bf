"""Conversations: one row per conversation (``supportstats metrics --by conversation``) with
every sidebar filter, sortable, downloadable as CSV and Parquet. Other pages drill down here
(an agent's row: ``/conversations?agent=<key>&from=...``)."""

from __future__ import annotations

import io

import streamlit as st

from dashboards import data, links, ui
from supportstats import charts
from supportstats.export import to_csv

SECONDS = ["first_response_s", "wait_s", "resolution_s", "handle_time_s", "duration_s"]


def column_config() -> dict:
    """Readable headers; the values stay the export's own (seconds, 0..1)."""
    cfg: dict = {}
    for col in SECONDS:
        cfg[col] = st.column_config.NumberColumn(charts.LABELS.get(col, col), format="%.0f")
    cfg["csat_score"] = st.column_config.NumberColumn("CSAT score", format="percent")
    cfg["created_at"] = st.column_config.DatetimeColumn("created", format="YYYY-MM-DD HH:mm")
    cfg["resolved_at"] = st.column_config.DatetimeColumn("resolved", format="YYYY-MM-DD HH:mm")
    return cfg


def parquet(frame) -> bytes:  # noqa: ANN001 - a DataFrame
    """The table as Parquet (types kept: times with their zone, lists as lists)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def filters_line(sel: data.Selection) -> str:
    """``channel: chat · agent: generic:agent_01``, or 'no filters'."""
    shown = [f"{k}: {', '.join(v)}" for k, v in links.query(sel).items() if k not in ("from", "to")]
    return " · ".join(shown) if shown else "no filters"


def main() -> None:
    source, sel = ui.context()
    st.title("Conversations")
    with ui.shows_errors():
        table = data.load_conversations(source, sel)
    st.caption(
        f"{sel.period().describe()} · {filters_line(sel)} · conversations counted by creation "
        "time; agent = the current assignee (the agent filter keeps the conversations "
        "assigned to that agent). Same rows as `supportstats metrics --by conversation` with "
        "these filters."
    )
    if table.empty:
        st.info("No conversations in this period and filter selection.")
        return
    st.metric("Conversations", f"{len(table):,}")
    st.dataframe(table, hide_index=True, column_config=column_config(), key="conversations")
    left, right = st.columns(2)
    # spreadsheet-safe, as `supportstats metrics --by conversation --format csv` writes it
    left.download_button(
        "Download CSV",
        to_csv(table),
        links.file_name("conversations", sel, "csv"),
        "text/csv",
        key="conversations_csv",
        icon=":material/download:",
    )
    right.download_button(
        "Download Parquet",
        parquet(table),
        links.file_name("conversations", sel, "parquet"),
        "application/vnd.apache.parquet",
        key="conversations_parquet",
        icon=":material/download:",
    )


main()
