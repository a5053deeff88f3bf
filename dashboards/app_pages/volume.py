"""Volume: contacts by hour and day of week, per day and channel, and per channel."""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui
from supportstats import charts

CHANNEL_COLUMNS = [
    "channel",
    "contacts",
    "queued",
    "answered",
    "abandoned",
    "abandon_rate",
    "missed",
    "wait_mean_s",
    "wait_median_s",
    "wait_p90_s",
]


def main() -> None:
    source, sel = ui.context()
    st.title("Volume")
    with ui.shows_errors():
        by_hour = data.load_volume(source, sel, ("day_of_week", "hour_of_day"))
        by_day = data.load_volume(source, sel, ("day", "channel"))
        by_channel = data.load_volume(source, sel, ("channel",))
    tz = sel.metric_options().timezone
    st.caption(f"{by_channel.attrs.get('period', '')} · hours and days in {tz}")
    if by_channel.empty or not by_channel["contacts"].sum():
        st.info("No contacts in this period and channel selection.")
        return
    st.plotly_chart(charts.volume_heatmap(by_hour), key="volume_heatmap")
    # a bar opens that day's conversations of that channel (the other filters kept)
    ui.drill_chart(charts.volume_by_channel(by_day), "volume_by_day", sel)
    st.caption("Pick a bar to see that day's conversations of that channel.")
    st.subheader("By channel")
    table = ui.readable(by_channel[[c for c in CHANNEL_COLUMNS if c in by_channel]])
    st.dataframe(
        table,
        hide_index=True,
        column_config=ui.text_columns(table, {"abandon_rate": "Abandonment rate"}),
        key="volume_channels",
    )


main()
