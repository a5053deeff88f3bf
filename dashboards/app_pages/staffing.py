"""Staffing what-if: the forecast for the next day turned into agents per 30 minutes, for
one queue or every queue, on a chosen timezone's clock, with the roster rules.

Parse the sliders into ``StaffingTargets`` and the roster inputs into ``RosterRules``, call the
core planner through the cached ``data.load_plan`` (the same ``supportstats.planning.plan``
functions as ``supportstats plan`` and the demo), render. The sliders start at the queue's
preset by its channel (``planning.plan.queue_targets``: the chat preset
``StaffingTargets.chat()`` for chat queues, voice, or the ticket preset with the backlog model
for e-mail and messaging) and follow a change of queue. "All queues" plans each queue at its
own preset, as ``supportstats plan`` does.
"""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui
from dashboards.app_pages._schedule import render_schedule
from supportstats import charts
from supportstats.errors import SupportStatsError, WarehouseBusy
from supportstats.planning.plan import (
    RosterRules,
    StaffingTargets,
    floor_agents,
    plan_summary,
    queue_summary,
    sl_curve,
    team_leads,
)
from supportstats.planning.targets import (
    DEFAULT_LEAD_SPAN,
    DEFAULT_MIN_AGENTS,
    DEFAULT_SMOOTH,
    LEAD_SPAN_RANGE,
)

MODELS = {"Erlang C": "erlang_c", "Erlang A": "erlang_a", "Backlog": "backlog"}
ALL_QUEUES = "*"  # the queue picker's "All queues"
TIMEZONES = (
    "UTC", "Europe/London", "Europe/Madrid", "Europe/Berlin", "America/New_York",
    "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata",
    "Asia/Singapore", "Australia/Sydney",
)  # fmt: skip
SMOOTHING = ("off", "30min", "1h", "2h", "3h")


def queue_picker(bounds: data.Bounds) -> str:
    """The queue to forecast (busiest first; chat queues are what the defaults describe), or
    :data:`ALL_QUEUES`."""
    keys = [k for k, _ in bounds.queues]
    names = {**dict(bounds.queues), ALL_QUEUES: "All queues"}
    chat = next((i for i, (_, n) in enumerate(bounds.queues) if "chat" in n.lower()), 0)
    return st.selectbox(
        "Queue", [*keys, ALL_QUEUES], index=chat if keys else 0, format_func=names.get,
        key="staff_queue",
    )  # fmt: skip


def roster_form() -> tuple[str | None, RosterRules]:
    """The plan's clock (a timezone; UTC: None) and the roster rules: opening hours, the
    minimum agents, smoothing and the team lead span (``supportstats plan --timezone --open
    --min-agents --smooth --lead-span``, same defaults)."""
    timezone = st.selectbox("Timezone", TIMEZONES, key="staff_timezone")
    with st.expander("Roster rules"):
        a, b = st.columns(2)
        hours = a.text_input(
            "Opening hours (HH:MM-HH:MM, empty: always)", "", key="staff_open",
            help="No agents outside; e-mail deadlines run in opening hours",
        )  # fmt: skip
        minimum = a.number_input(
            "Minimum agents where open", 0, 100, DEFAULT_MIN_AGENTS, key="staff_min"
        )
        smooth = b.selectbox(
            "Fill dips up to", SMOOTHING, index=SMOOTHING.index(DEFAULT_SMOOTH), key="staff_smooth"
        )
        span = b.slider(
            "Agents per team lead", *LEAD_SPAN_RANGE, DEFAULT_LEAD_SPAN, key="staff_span"
        )
    rules = RosterRules(
        open_hours=hours.strip() or None, min_agents=int(minimum),
        smooth=None if smooth == "off" else smooth, lead_span=int(span),
    )  # fmt: skip
    return (None if timezone == "UTC" else timezone), rules


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
        help="Erlang A lets customers abandon after an exponential patience; Backlog (e-mail, "
        "tickets): the work done within the threshold, unfinished work carried over",
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
        backlog_model=MODELS[model] == "backlog",
    )
    return targets, volume / 100, aht / 100


def caption_forecast(forecast: object, clock: str) -> None:
    """The forecast's source, clock and holdout accuracy under the title."""
    note = f" · {forecast.note}" if forecast.note else ""  # type: ignore[attr-defined]
    st.caption(
        f"Forecast: next 24 h per 30 minutes from the queue's history ({clock}) · "
        f"{forecast.accuracy_line()}{note}"  # type: ignore[attr-defined]
    )


def one_queue(plan, forecast, targets: StaffingTargets, clock: str) -> None:  # noqa: ANN001
    """One queue's plan: tiles, the plan chart, the SL curve of the busiest interval (Erlang
    queues) and the plan table."""
    caption_forecast(forecast, clock)
    summary = plan_summary(plan)
    cols = st.columns(4)
    cols[0].metric("Peak agents scheduled", summary.peak_agents_scheduled, border=True)
    cols[1].metric("Peak agents on the floor", summary.peak_agents_raw, border=True)
    cols[2].metric("Agent-hours scheduled", f"{summary.agent_hours_scheduled:,.1f}", border=True)
    cols[3].metric("Team leads at the peak", int(plan["team_leads"].max()), border=True)
    st.plotly_chart(charts.staffing_plan(plan, targets.sl_definition), key="staff_plan")
    busiest = summary.busiest_row
    if targets.backlog_model:
        st.caption(
            "Backlog model: the work of each interval is done within "
            f"{targets.sl_threshold_s / 60:,.0f} minutes (in opening hours), unfinished work "
            "carried over; no service level curve (docs/staffing.md, Every queue)."
        )
    elif busiest is not None and summary.busiest_volume > 0:
        with ui.shows_errors():
            curve = sl_curve(busiest, targets)
        st.plotly_chart(charts.sl_curve(curve, targets.sl_target), key="staff_curve")
        st.caption(
            f"Service level at the busiest interval, {summary.busiest_start:%H:%M} {clock} "
            f"({summary.busiest_volume:,.1f} contacts forecast, the most of the day), for "
            "each number of agents."
        )
    st.dataframe(
        plan[
            ["interval_start", "volume", "aht_s", "agents_raw", "agents_scheduled",
             "binding_constraint", "service_level", "asa_s", "occupancy", "abandon_probability",
             "backlog_s", "agents_unsmoothed", "team_leads"]
        ],
        hide_index=True,
        key="staff_table",
    )  # fmt: skip


def every_queue(source: data.Source, timezone: str | None, rules: RosterRules):  # noqa: ANN201
    """Every queue at its own preset: tiles for the floor (queues summed per interval), a
    summary per queue, agents scheduled per interval by queue and the plan table. Returns the
    plan (None when there is none)."""
    try:
        forecast, plan = data.load_plan(source, None, None, timezone=timezone, rules=rules)
    except WarehouseBusy:
        ui.not_ready()
    except SupportStatsError as exc:
        st.info(f"No plan: {ui.literal(exc.message)}")
        return None
    caption_forecast(forecast, timezone or "UTC")
    summary = plan_summary(plan)
    floor = floor_agents(plan)
    span = rules.lead_span
    cols = st.columns(3)
    cols[0].metric("Peak agents scheduled (all queues)", summary.peak_agents_scheduled, border=True)
    cols[1].metric("Agent-hours scheduled", f"{summary.agent_hours_scheduled:,.1f}", border=True)
    cols[2].metric("Team leads at the peak", int(team_leads(floor.max(), span)), border=True)
    st.dataframe(queue_summary(plan), hide_index=True, key="staff_queues")
    # max, not sum: a DST fall-back's repeated hour is two intervals at one wall-clock time
    by_queue = plan.pivot_table(
        index="interval_start", columns="queue", values="agents_scheduled", aggfunc="max"
    )
    st.bar_chart(by_queue, y_label="Agents scheduled")
    st.caption(
        "Each queue at its channel's preset: chat Erlang A, voice Erlang C, e-mail and "
        "messaging the backlog model (work done within an hour in opening hours). Team "
        "leads here are for the floor's total; the table's are per queue."
    )
    st.dataframe(
        plan[
            ["interval_start", "queue", "model", "volume", "aht_s", "agents_raw",
             "agents_unsmoothed", "agents_scheduled", "binding_constraint", "backlog_s",
             "team_leads"]
        ],
        hide_index=True,
        key="staff_table",
    )  # fmt: skip
    return plan


def main() -> None:
    source, _sel = ui.context()
    st.title("Staffing what-if")
    top = st.columns(2)
    with top[0]:
        queue = queue_picker(st.session_state["bounds"])
    with top[1], ui.shows_errors():
        timezone, rules = roster_form()
    clock = timezone or "UTC"
    if queue == ALL_QUEUES:
        plan = every_queue(source, timezone, rules)
        if plan is None:
            return
    else:
        with ui.shows_errors():
            preset = data.load_queue_targets(source, queue)
            targets, volume_factor, aht_factor = what_if_form(preset)
        try:
            forecast, plan = data.load_plan(
                source, queue, targets, volume_factor, aht_factor, timezone=timezone, rules=rules
            )
        except WarehouseBusy:
            ui.not_ready()
        except SupportStatsError as exc:
            st.info(f"No plan for this queue: {ui.literal(exc.message)}")
            return
        one_queue(plan, forecast, targets, clock)
        if not targets.backlog_model:
            with ui.shows_errors():
                checked = data.load_model_check(source, queue, targets)
            if checked:
                st.caption(f"Model check: {checked} (supportstats backtest).")
    render_schedule(plan)


main()
