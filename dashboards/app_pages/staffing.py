"""Staffing what-if: the forecast for the next day turned into agents per 30 minutes.

Sliders change the inputs of ``supportstats.planning.staff`` (the same function as
``supportstats staff``); the forecast is ``supportstats forecast`` for the chosen queue.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from supportstats import charts
from supportstats.errors import SupportStatsError, WarehouseBusy


def queue_picker(bounds: data.Bounds) -> str | None:
    """The queue to forecast (busiest first; chat queues are what the defaults describe)."""
    keys = [k for k, _ in bounds.queues]
    names = dict(bounds.queues)
    chat = next((i for i, (_, n) in enumerate(bounds.queues) if "chat" in n.lower()), 0)
    return st.selectbox(
        "Queue", keys, index=chat if keys else None, format_func=names.get, key="staff_queue"
    )


def what_if_form(aht_default: float) -> data.WhatIf:
    """Sliders for every staffing input (defaults: DESIGN.md §1)."""
    a, b, c = st.columns(3)
    volume = a.slider("Volume (% of forecast)", 25, 300, 100, 5, key="staff_volume")
    aht = a.slider("Handle time per chat (s)", 30, 3600, int(aht_default), 10, key="staff_aht")
    sl = b.slider("Service level target (%)", 50, 99, 80, key="staff_sl")
    threshold = b.slider("Answered within (s)", 5, 600, 60, 5, key="staff_threshold")
    concurrency = c.slider("Chats per agent at once", 1, 6, 3, key="staff_concurrency")
    shrinkage = c.slider("Shrinkage (%)", 0, 60, 30, key="staff_shrinkage")
    occupancy = c.slider("Max occupancy (%)", 50, 100, 85, key="staff_occupancy")
    model = b.radio(
        "Model",
        ["Erlang C", "Erlang A"],
        horizontal=True,
        key="staff_model",
        help="Erlang A lets customers abandon after an exponential patience",
    )
    patience = None
    if model == "Erlang A":
        patience = float(b.slider("Mean patience (s)", 10, 900, 90, 10, key="staff_patience"))
    return data.WhatIf(
        volume_factor=volume / 100,
        aht_s=float(aht),
        sl_target=sl / 100,
        sl_threshold_s=float(threshold),
        concurrency=int(concurrency),
        shrinkage=shrinkage / 100,
        max_occupancy=occupancy / 100,
        patience_s=patience,
    )


def main() -> None:
    source, _sel = ui.context()
    st.title("Staffing what-if")
    queue = queue_picker(st.session_state["bounds"])
    try:
        predicted, accuracy = data.load_forecast(source, queue)
    except WarehouseBusy:
        ui.not_ready()
    except SupportStatsError as exc:
        st.info(f"No forecast for this queue: {ui.literal(exc.message)}")
        return
    st.caption(f"Forecast: next 24 h per 30 minutes from the queue's history · {accuracy}")
    busy = predicted["volume"] > 0
    # The forecast's AHT is the starting point; the slider then applies one AHT everywhere.
    aht_default = predicted.loc[busy, "aht_s"].median() if busy.any() else 600.0
    aht_default = min(3600.0, max(30.0, aht_default if aht_default == aht_default else 600.0))
    what_if = what_if_form(aht_default)
    with ui.shows_errors():
        plan = data.plan(predicted, what_if)
    sl_definition = "offered"

    peak = plan.loc[plan["agents_scheduled"].idxmax()] if len(plan) else None
    cols = st.columns(3)
    cols[0].metric(
        "Peak agents scheduled",
        int(peak["agents_scheduled"]) if peak is not None else 0,
        border=True,
    )
    cols[1].metric(
        "Peak agents on the floor",
        int(peak["agents_raw"]) if peak is not None else 0,
        border=True,
    )
    cols[2].metric(
        "Agent-hours scheduled", f"{plan['agents_scheduled'].sum() * 0.5:,.1f}", border=True
    )
    st.plotly_chart(charts.staffing_plan(plan, sl_definition), key="staff_plan")
    if peak is not None and peak["volume"] > 0:
        curve = data.sl_by_agents(peak, what_if)
        st.plotly_chart(charts.sl_curve(curve, what_if.sl_target), key="staff_curve")
        st.caption(
            f"Service level at the busiest interval ({pd.Timestamp(peak['interval_start']):%H:%M})"
            " for each number of agents."
        )
    st.dataframe(
        plan[
            ["interval_start", "volume", "aht_s", "agents_raw", "agents_scheduled",
             "binding_constraint", "service_level", "asa_s", "occupancy", "abandon_probability"]
        ],
        hide_index=True,
        key="staff_table",
    )  # fmt: skip


main()
