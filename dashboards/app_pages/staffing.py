"""Staffing what-if: the forecast for the next day turned into agents per 30 minutes.

Parse the sliders into ``StaffingTargets``, call the core planner through the cached
``data.load_plan`` (the same ``supportstats.planning.plan`` functions as ``supportstats plan``
and the demo), render. The sliders start at the queue's preset by its channel
(``planning.plan.queue_targets``: the chat preset ``StaffingTargets.chat()`` for chat queues,
the voice or ticket preset otherwise) and follow a change of queue.
"""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui
from dashboards.app_pages._schedule import render_schedule
from supportstats import charts
from supportstats.errors import SupportStatsError, WarehouseBusy
from supportstats.planning.plan import StaffingTargets, plan_summary, sl_curve

MODELS = {"Erlang C": "erlang_c", "Erlang A": "erlang_a"}


def queue_picker(bounds: data.Bounds) -> str | None:
    """The queue to forecast (busiest first; chat queues are what the defaults describe)."""
    keys = [k for k, _ in bounds.queues]
    names = dict(bounds.queues)
    chat = next((i for i, (_, n) in enumerate(bounds.queues) if "chat" in n.lower()), 0)
    return st.selectbox(
        "Queue", keys, index=chat if keys else None, format_func=names.get, key="staff_queue"
    )


STAFF_DEFAULTS = "staff_defaults"  # the preset values the sliders were last set from
PATIENCE_DEFAULT_S = 90  # the patience slider's start when the preset is Erlang C


def slider_defaults(preset: StaffingTargets) -> dict[str, object]:
    """Each keyed widget's start for ``preset`` (the queue's, ``data.load_queue_targets``)."""
    model = next(label for label, name in MODELS.items() if name == preset.model)
    return {
        "staff_volume": 100,
        "staff_aht": 100,
        "staff_sl": round(preset.sl_target * 100),
        "staff_threshold": int(preset.sl_threshold_s),
        "staff_concurrency": preset.concurrency,
        "staff_shrinkage": round(preset.shrinkage * 100),
        "staff_occupancy": round(preset.max_occupancy * 100),
        "staff_model": model,
        "staff_patience": int(preset.patience_s or PATIENCE_DEFAULT_S),
    }


def what_if_form(preset: StaffingTargets) -> tuple[StaffingTargets, float, float]:
    """Sliders for every staffing input, starting at the queue's preset: the targets, and the
    volume and handle time factors applied to the forecast. They follow a change of queue
    (:func:`ui.follow_defaults`); an edit stays while the queue and its preset do."""
    ui.follow_defaults(slider_defaults(preset), STAFF_DEFAULTS)
    a, b, c = st.columns(3)
    volume = a.slider("Volume (% of forecast)", 25, 300, step=5, key="staff_volume")
    aht = a.slider("Handle time (% of forecast)", 25, 300, step=5, key="staff_aht")
    sl = b.slider("Service level target (%)", 50, 99, key="staff_sl")
    threshold = b.slider("Answered within (s)", 5, 3600, step=5, key="staff_threshold")
    concurrency = c.slider("Chats per agent at once", 1, 6, key="staff_concurrency")
    shrinkage = c.slider("Shrinkage (%)", 0, 60, key="staff_shrinkage")
    occupancy = c.slider("Max occupancy (%)", 50, 100, key="staff_occupancy")
    model = b.radio(
        "Model",
        list(MODELS),
        horizontal=True,
        key="staff_model",
        help="Erlang A lets customers abandon after an exponential patience",
    )
    patience = None
    if MODELS[model] == "erlang_a":
        patience = float(b.slider("Mean patience (s)", 10, 900, step=10, key="staff_patience"))
    targets = preset.replace(
        sl_target=sl / 100,
        sl_threshold_s=float(threshold),
        concurrency=int(concurrency),
        shrinkage=shrinkage / 100,
        max_occupancy=occupancy / 100,
        patience_s=patience,
    )
    return targets, volume / 100, aht / 100


def main() -> None:
    source, _sel = ui.context()
    st.title("Staffing what-if")
    queue = queue_picker(st.session_state["bounds"])
    with ui.shows_errors():
        preset = data.load_queue_targets(source, queue)
        targets, volume_factor, aht_factor = what_if_form(preset)
    try:
        forecast, plan = data.load_plan(source, queue, targets, volume_factor, aht_factor)
    except WarehouseBusy:
        ui.not_ready()
    except SupportStatsError as exc:
        st.info(f"No plan for this queue: {ui.literal(exc.message)}")
        return
    note = f" · {forecast.note}" if forecast.note else ""
    st.caption(
        "Forecast: next 24 h per 30 minutes from the queue's history (UTC) · "
        f"{forecast.accuracy_line()}{note}"
    )
    summary = plan_summary(plan)
    cols = st.columns(3)
    cols[0].metric("Peak agents scheduled", summary.peak_agents_scheduled, border=True)
    cols[1].metric("Peak agents on the floor", summary.peak_agents_raw, border=True)
    cols[2].metric("Agent-hours scheduled", f"{summary.agent_hours_scheduled:,.1f}", border=True)
    st.plotly_chart(charts.staffing_plan(plan, targets.sl_definition), key="staff_plan")
    busiest = summary.busiest_row
    if busiest is not None and summary.busiest_volume > 0:
        with ui.shows_errors():
            curve = sl_curve(busiest, targets)
        st.plotly_chart(charts.sl_curve(curve, targets.sl_target), key="staff_curve")
        st.caption(
            f"Service level at the busiest interval, {summary.busiest_start:%H:%M} UTC "
            f"({summary.busiest_volume:,.1f} contacts forecast, the most of the day), for "
            "each number of agents."
        )
    st.dataframe(
        plan[
            ["interval_start", "volume", "aht_s", "agents_raw", "agents_scheduled",
             "binding_constraint", "service_level", "asa_s", "occupancy", "abandon_probability"]
        ],
        hide_index=True,
        key="staff_table",
    )  # fmt: skip
    render_schedule(plan)


main()
