"""Plotly figure builders for the tables the report and planning functions return.

Pure functions: DataFrame in, ``go.Figure`` out; no database, no Streamlit, no metric maths.
The dashboard and the notebooks call them, and tests assert on ``fig.data`` / ``fig.layout``.
Every figure's subtitle names the definition options its numbers were computed with
(DESIGN.md §4: "every option is shown on every chart"), read from ``frame.attrs["options"]``
that the metrics layer attaches, or from the staffing inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

# Which definition options change which metric (names as in supportstats.metrics.options).
# A chart names these with their values, defaults included, so a reader never has to guess.
METRIC_OPTIONS: dict[str, tuple[str, ...]] = {
    "contacts": ("cohort", "timezone"),
    "first_response": (
        "frt_start", "frt_scope", "bot_replies", "agent_initiated", "clock", "attribution",
    ),
    "wait": ("wait_abandoned", "clock", "attribution"),
    "resolution": ("resolution_end", "resolution_start", "reopen_window_h", "clock"),
    "csat": ("csat_formula", "csat_ratings", "csat_positive_min", "csat_negative_max"),
    "abandon": ("short_abandon_s", "missed_rule"),
    "missed": ("missed_rule", "short_abandon_s"),
    "handle_time": ("concurrency_start", "attribution"),
    "concurrency": ("concurrency_start",),
    "occupancy": ("utilisation_denominator", "chat_capacity"),
    "utilisation": ("utilisation_denominator", "chat_capacity"),
    "load_gini": ("attribution",),
}  # fmt: skip
# Options every metric depends on: the period anchor and the bucket timezone.
COMMON_OPTIONS = ("cohort", "timezone")

# Human labels of report columns (units in the label, so axes need no extra text).
LABELS: dict[str, str] = {
    "contacts": "Contacts",
    "conversations": "Conversations",
    "wait_mean_s": "Average wait (s)",
    "wait_median_s": "Median wait (s)",
    "first_response_median_s": "First response, median (s)",
    "first_response_p90_s": "First response, p90 (s)",
    "first_response_s": "First response (s)",
    "wait_s": "Wait in queue (s)",
    "resolution_rate": "Resolution rate",
    "resolution_median_s": "Resolution, median (s)",
    "csat_score": "CSAT",
    "abandon_rate": "Abandonment rate",
    "handle_time_mean_s": "Handle time, mean (s)",
    "concurrency_mean": "Concurrency, mean chats",
    "occupancy": "Occupancy",
    "utilisation": "Utilisation",
    "missed": "Missed contacts",
    "load_gini": "Load equity (Gini)",
    "chats_served": "Chats served",
    "engagements": "Engagements",
    "deflection_rate": "Self-service deflection",
}
SHARES = {
    "resolution_rate",
    "csat_score",
    "abandon_rate",
    "occupancy",
    "utilisation",
    "deflection_rate",
}
DAY_NAMES = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")  # DuckDB dayofweek: 0 = Sunday


def metric_family(column: str) -> str:
    """The metric family of a report column: ``first_response_median_s`` -> ``first_response``."""
    for family in sorted(METRIC_OPTIONS, key=len, reverse=True):
        if column.startswith(family):
            return family
    return "contacts"


def options_caption(
    frame: pd.DataFrame | None, columns: Sequence[str], extra: str | None = None
) -> str:
    """``period ... · frt_start=created, bot_replies=exclude, ...`` for the given columns.

    Reads ``frame.attrs["options"]`` and ``frame.attrs["period"]``; when the frame has no
    options (e.g. a hand-made table) it says so rather than implying defaults.
    """
    attrs = frame.attrs if frame is not None else {}
    options: Mapping[str, Any] = attrs.get("options") or {}
    parts = []
    if attrs.get("period"):
        parts.append(f"period {attrs['period']}")
    if options:
        names: list[str] = []
        for col in columns:
            for name in (*METRIC_OPTIONS.get(metric_family(col), ()), *COMMON_OPTIONS):
                if name not in names:
                    names.append(name)
        parts.append(", ".join(f"{n}={_show(options.get(n))}" for n in names if n in options))
    else:
        parts.append("definition options not recorded")
    if extra:
        parts.append(extra)
    return " · ".join(p for p in parts if p)


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(map(str, value)) or "none"
    return "none" if value is None else str(value)


def _label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " "))


def wrap_caption(caption: str, width: int = 90) -> list[str]:
    """Caption lines of at most ``width`` characters, broken at `` · `` and ``, `` so a long
    option list stays readable in a narrow chart instead of being cut off."""
    lines: list[str] = []
    for part in caption.split(" · "):
        line = ""
        for item in part.split(", "):
            candidate = f"{line}, {item}" if line else item
            if line and len(candidate) > width:
                lines.append(line + ",")
                line = item
            else:
                line = candidate
        lines.append(line)
    return lines


def _finish(fig: go.Figure, title: str, caption: str, **layout: Any) -> go.Figure:
    lines = wrap_caption(caption)
    fig.update_layout(
        title={"text": title, "subtitle": {"text": "<br>".join(lines)}},
        margin={"t": 60 + 15 * len(lines), "l": 10, "r": 10, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        **layout,
    )
    return fig


def kpi_trend(
    daily: pd.DataFrame, metric: str, target: float | None = None, time: str = "day"
) -> go.Figure:
    """A KPI per day (or week/month) as a line, with the target as a dashed line.

    ``daily`` is ``metrics_table(query(conn, ..., by=["day"]))``.
    """
    fig = go.Figure(
        go.Scatter(x=daily[time], y=daily[metric], mode="lines+markers", name=_label(metric))
    )
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", annotation_text=f"target {target:g}")
    if metric in SHARES:
        fig.update_yaxes(tickformat=".0%")
    fig.update_yaxes(title_text=_label(metric))
    return _finish(fig, f"{_label(metric)} per {time}", options_caption(daily, [metric]))


def volume_heatmap(by_hour: pd.DataFrame, value: str = "contacts") -> go.Figure:
    """Contacts by day of week (rows, Monday first) x hour of day (columns).

    ``by_hour`` is ``metrics_table(query(conn, by=["day_of_week", "hour_of_day"]))``; missing
    cells are quiet hours and show as 0.
    """
    grid = (
        by_hour.pivot_table(index="day_of_week", columns="hour_of_day", values=value, aggfunc="sum")
        .reindex(index=[1, 2, 3, 4, 5, 6, 0], columns=range(24))
        .fillna(0)
    )
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[f"{h:02d}" for h in grid.columns],
            y=[DAY_NAMES[d] for d in grid.index],
            colorscale="Blues",
            colorbar={"title": _label(value)},
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="hour of day")
    return _finish(
        fig, f"{_label(value)} by day of week and hour", options_caption(by_hour, [value])
    )


def volume_by_channel(daily: pd.DataFrame, time: str = "day") -> go.Figure:
    """Stacked bars of contacts per day per channel (``by=["day", "channel"]``)."""
    fig = go.Figure()
    for channel, part in daily.groupby("channel", dropna=False, sort=True):
        fig.add_bar(x=part[time], y=part["contacts"], name=str(channel))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="Contacts")
    return _finish(fig, f"Contacts per {time} by channel", options_caption(daily, ["contacts"]))


def distribution(
    conversations: pd.DataFrame,
    column: str = "first_response_s",
    summary: Mapping[str, float | None] | None = None,
) -> go.Figure:
    """Histogram of a per-conversation duration (minutes), with the report's median/p90.

    ``conversations`` is ``supportstats.metrics.conversations.conversations(q)``; ``summary``
    maps labels to values in seconds that the metrics table computed (e.g. ``{"median": ...,
    "p90": ...}``) and are drawn as vertical lines: the chart never computes them itself.
    """
    minutes = conversations[column].dropna() / 60.0
    fig = go.Figure(go.Histogram(x=minutes, nbinsx=40, name=_label(column)))
    for label, seconds in (summary or {}).items():
        if seconds is not None and seconds == seconds:
            fig.add_vline(
                x=seconds / 60.0, line_dash="dash", annotation_text=f"{label} {seconds:,.0f} s"
            )
    fig.update_xaxes(title_text=_label(column).replace("(s)", "(min)"))
    fig.update_yaxes(title_text="Conversations")
    caption = options_caption(conversations, [column], f"n={len(minutes)}")
    return _finish(fig, f"Distribution of {_label(column).lower()}", caption)


def agent_bars(report: pd.DataFrame, metric: str, target: float | None = None) -> go.Figure:
    """One horizontal bar per agent for a column of ``agent_report``, best at the top."""
    rows = report[report["agent"].notna()].sort_values(metric, na_position="first")
    fig = go.Figure(go.Bar(x=rows[metric], y=rows["agent"], orientation="h", name=_label(metric)))
    if target is not None:
        fig.add_vline(x=target, line_dash="dash", annotation_text=f"target {target:g}")
    if metric in SHARES:
        fig.update_xaxes(tickformat=".0%")
    fig.update_xaxes(title_text=_label(metric))
    height = max(300, 28 * len(rows) + 120)
    return _finish(
        fig, f"{_label(metric)} by agent", options_caption(report, [metric]), height=height
    )


def staffing_caption(plan: pd.DataFrame, sl_definition: str = "offered") -> str:
    """The staffing inputs of a plan, read from its columns (constant columns shown once)."""
    parts = []
    model = plan["model"].iloc[0] if "model" in plan and len(plan) else "erlang_c"
    parts.append(f"model={model}")
    for col, fmt in (
        ("sl_target", "{:.0%}"),
        ("sl_threshold_s", "{:g} s"),
        ("concurrency", "{:g}"),
        ("shrinkage", "{:.0%}"),
        ("max_occupancy", "{:.0%}"),
        ("patience_s", "{:g} s"),
        ("interval_s", "{:g} s"),
    ):
        if col in plan and len(plan):
            values = plan[col].dropna().unique()
            if len(values) == 1:
                parts.append(f"{col}={fmt.format(float(values[0]))}")
            elif len(values) > 1:
                parts.append(f"{col}=varies")
    if str(model) == "erlang_a":
        parts.append(f"sl_definition={sl_definition}")
    return ", ".join(parts)


def staffing_plan(plan: pd.DataFrame, sl_definition: str = "offered") -> go.Figure:
    """Agents required (raw and scheduled) per interval as bars, forecast volume as a line.

    ``plan`` is ``supportstats.planning.staff(...)`` output with an ``interval_start`` column.
    """
    x = plan["interval_start"]
    fig = go.Figure()
    fig.add_bar(x=x, y=plan["agents_raw"], name="agents needed (on the floor)")
    fig.add_bar(x=x, y=plan["agents_scheduled"], name="agents scheduled (with shrinkage)")
    fig.add_scatter(x=x, y=plan["volume"], name="forecast contacts", yaxis="y2", mode="lines")
    fig.update_layout(
        barmode="group",
        yaxis={"title": {"text": "Agents"}},
        yaxis2={"title": {"text": "Contacts per interval"}, "overlaying": "y", "side": "right"},
    )
    caption = staffing_caption(plan, sl_definition)
    return _finish(fig, "Staffing requirement vs forecast per interval", caption)


def sl_curve(curve: pd.DataFrame, sl_target: float | None = None) -> go.Figure:
    """Service level (and occupancy) against the number of agents for one interval.

    ``curve`` is ``staff(...)`` evaluated with an ``agents`` column (one row per count).
    """
    fig = go.Figure()
    fig.add_scatter(x=curve["agents"], y=curve["service_level"], name="service level")
    fig.add_scatter(x=curve["agents"], y=curve["occupancy"], name="occupancy", line_dash="dot")
    if "abandon_probability" in curve and curve["abandon_probability"].notna().any():
        fig.add_scatter(
            x=curve["agents"], y=curve["abandon_probability"], name="abandoned", line_dash="dash"
        )
    if sl_target is not None:
        fig.add_hline(y=sl_target, line_dash="dash", annotation_text=f"target {sl_target:.0%}")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(title_text="Agents on the floor", dtick=1)
    caption = staffing_caption(curve)
    if len(curve):
        first = curve.iloc[0]
        caption = f"volume={first['volume']:g} per interval, aht_s={first['aht_s']:g}, {caption}"
    return _finish(fig, "Service level vs agents", caption)
