"""Live queue: the snapshot at one instant (``supportstats report snapshot --as-of``): who is
waiting, their queue position and expected wait, the agents online and their load. The
instant defaults to the last contact in the warehouse; pick any other day and time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import streamlit as st

from dashboards import data, ui


def picked_instant(last: dt.datetime, zone: str) -> dt.datetime:
    """The date and time pickers (in the reporting timezone), as a UTC instant."""
    tz = zoneinfo.ZoneInfo(zone)
    local = last.astimezone(tz)
    left, right = st.columns(2)
    day = left.date_input("Day", value=local.date(), key="live_day")
    clock = right.time_input(
        "Time", value=local.time().replace(microsecond=0), step=60, key="live_time"
    )
    return dt.datetime.combine(day, clock, tzinfo=tz).astimezone(dt.UTC)


def main() -> None:
    source, sel = ui.context()
    st.title("Live queue")
    options = sel.metric_options()
    with ui.shows_errors():
        last = data.last_instant(source)
    if last is None:
        st.info("The warehouse holds no contacts: nothing was ever waiting.")
        return
    at = picked_instant(last, options.timezone)
    with ui.shows_errors():
        snap = data.load_snapshot(source, at, sel.options)
    local = at.astimezone(zoneinfo.ZoneInfo(options.timezone))
    st.caption(
        f"As of {local:%Y-%m-%d %H:%M} {options.timezone} (the last contact in the warehouse: "
        f"{last.astimezone(local.tzinfo):%Y-%m-%d %H:%M}). Expected wait = queue position / "
        f"the queue's answers per second over the last {options.eta_window_min} minutes; "
        f"load counts a chat as 1/{options.chat_capacity} of an agent. The sidebar's filters "
        "do not apply: a snapshot is the whole queue. Same as `supportstats report snapshot "
        f"--as-of {at:%Y-%m-%dT%H:%M:%SZ}`."
    )
    summary = snap.summary.iloc[0]
    cols = st.columns(4)
    cols[0].metric("Contacts waiting", f"{int(summary['contacts_waiting']):,}")
    cols[1].metric("Longest wait", ui.seconds(summary["longest_wait_s"]))
    cols[2].metric("Agents online", f"{int(summary['agents_online']):,}")
    cols[3].metric("Open engagements", f"{int(summary['engagements_open']):,}")

    st.subheader("Waiting")
    if snap.waiting.empty:
        st.success("Nobody was waiting at this instant.")
    else:
        st.dataframe(
            snap.waiting,
            hide_index=True,
            column_config={
                "queue_key": None,
                "queued_at": st.column_config.DatetimeColumn("queued", format="HH:mm:ss"),
                "waiting_s": st.column_config.NumberColumn("waiting, s", format="%.0f"),
                "expected_wait_s": st.column_config.NumberColumn("expected wait, s", format="%.0f"),
            },
            key="live_waiting",
        )

    st.subheader("Agents")
    if snap.agents.empty:
        st.info("No agent was online or working on a conversation at this instant.")
    else:
        st.dataframe(
            snap.agents,
            hide_index=True,
            column_config={
                "agent_key": None,
                "load": st.column_config.ProgressColumn(
                    "load", format="%.2f", min_value=0.0, max_value=1.0
                ),
            },
            column_order=["agent", "status", "online", "engagements_open", "chats_open", "load"],
            key="live_agents",
        )


main()
