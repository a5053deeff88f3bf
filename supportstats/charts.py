"""Plotly figure builders for the tables the report and planning functions return.

Pure functions: DataFrame in, ``go.Figure`` out; no database, no Streamlit, no metric maths.
The dashboard and the notebooks call them, and tests assert on ``fig.data`` / ``fig.layout``.
Numbers follow :mod:`supportstats.formatting`: durations are drawn in seconds, minutes or
hours as their size asks (the unit in the axis title), hover text and target labels read
``4 min 12 s`` and ``91.9 %``. Periods a table marks ``incomplete``
(:func:`supportstats.reports.completeness.incomplete_periods`) are shaded, drawn with open
markers and a dotted line, and say why on hover.

Every figure's subtitle names the definition options its numbers were computed with
(DESIGN.md §4: "every option is shown on every chart"), read from ``frame.attrs["options"]``
that the metrics layer attaches, or from the staffing inputs.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from supportstats import formatting

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


def drill_data(**columns: Sequence[Any] | pd.Series) -> list[list[str]]:
    """``customdata`` for the points of a trace that drill down: per point, one ``name=value``
    per filter it stands for (``["day=2026-01-08", "channel=chat"]``; names as the CLI's
    flags and ``day``/``week``/``month``), so a selected point says which conversations it
    counts without knowing the figure (``dashboards.links.drill_query``). Dates are written as
    ISO days; a missing value is left out of its point."""
    rows: list[list[str]] = []
    for values in zip(*columns.values(), strict=True):
        row = []
        for name, value in zip(columns, values, strict=True):
            if formatting.missing(value) or value == "":
                continue
            text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)
            row.append(f"{name}={text}")
        rows.append(row)
    return rows


# Duration units for axes: (largest value drawn in this unit, seconds per unit, name).
DURATION_UNITS = ((180.0, 1.0, "s"), (3 * 3600.0, 60.0, "min"), (float("inf"), 3600.0, "h"))


def duration_unit(values: Sequence[float | None] | pd.Series) -> tuple[float, str]:
    """Seconds per unit and the unit's name for an axis of these durations (seconds): up to
    3 min in seconds, up to 3 h in minutes, beyond in hours."""
    present = [abs(float(v)) for v in values if not formatting.missing(v)]
    top = max(present, default=0.0)
    for limit, per, name in DURATION_UNITS:
        if top <= limit:
            return per, name
    return DURATION_UNITS[-1][1], DURATION_UNITS[-1][2]


def _label_in(column: str, unit: str) -> str:
    """The column's label with its duration unit: ``First response, median (min)``."""
    label = _label(column)
    return label.replace("(s)", f"({unit})") if "(s)" in label else f"{label} ({unit})"


def value_text(column: str, value: float | None) -> str:
    """A value of ``column`` as people read it (hover text, target labels)."""
    kind = formatting.column_kind(column)
    if kind == "duration":
        return formatting.duration(value)
    if kind == "share" or column in SHARES:
        return formatting.percent(value)
    return formatting.decimal(value, 2)


def _scaled(column: str, values: pd.Series) -> tuple[pd.Series, float, str | None]:
    """Durations divided into the unit their size asks for; other columns as they are."""
    if formatting.column_kind(column) != "duration":
        return values, 1.0, None
    per, unit = duration_unit(values)
    return values.astype("float64") / per, per, unit


def _incomplete(frame: pd.DataFrame) -> pd.Series:
    """Reasons per row (text) where ``frame`` marks a period incomplete, else empty text."""
    if "incomplete" not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame["incomplete"].map(lambda r: "" if formatting.missing(r) or not r else str(r))


def _shade_incomplete(fig: go.Figure, frame: pd.DataFrame, time: str) -> None:
    """A grey band over each incomplete period, labelled, so a dip reads as unfinished."""
    half = {"day": pd.Timedelta(hours=12), "week": pd.Timedelta(days=3.5)}.get(
        time, pd.Timedelta(days=15)
    )
    for x, reason in zip(frame[time], _incomplete(frame), strict=True):
        if reason:
            mid = pd.Timestamp(x) + (half if time != "day" else pd.Timedelta(0))
            fig.add_vrect(
                x0=mid - half,
                x1=mid + half,
                fillcolor="grey",
                opacity=0.15,
                line_width=0,
                annotation_text="incomplete",
                annotation_position="top left",
                name=f"incomplete: {reason}",
            )


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

    ``daily`` is ``metrics_table(query(conn, ..., by=["day"]))``, optionally with the
    ``incomplete`` column of :func:`supportstats.reports.mark_incomplete`: those points are
    drawn apart (open markers, dotted line, shaded band, the reason on hover). Durations are
    drawn in the unit their size asks for; hover text and the target label read as people
    read them (``4 min 12 s``, ``91.9 %``).
    """
    y, per, unit = _scaled(metric, daily[metric])
    label = _label_in(metric, unit) if unit else _label(metric)
    texts = [value_text(metric, v) for v in daily[metric]]
    reasons = _incomplete(daily)
    done = reasons.eq("")
    fig = go.Figure(
        go.Scatter(
            x=daily[time],
            y=y.where(done),
            mode="lines+markers",
            name=_label(metric),
            text=texts,
            customdata=drill_data(**{time: daily[time]}),
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    if not done.all():
        # the dotted part: each incomplete point and the complete point before it
        keep = ~done | (~done).shift(-1, fill_value=False)
        hover = [f"{t} (incomplete: {r})" if r else t for t, r in zip(texts, reasons, strict=True)]
        fig.add_scatter(
            x=daily[time],
            y=y.where(keep),
            mode="lines+markers",
            name="incomplete (will change)",
            line={"dash": "dot"},
            marker={"symbol": "circle-open", "size": 10},
            text=hover,
            customdata=drill_data(**{time: daily[time]}),
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
        _shade_incomplete(fig, daily, time)
    if target is not None:
        fig.add_hline(
            y=target / per,
            line_dash="dash",
            annotation_text=f"target {value_text(metric, target)}",
        )
    if metric in SHARES:
        fig.update_yaxes(tickformat=".0%")
    fig.update_yaxes(title_text=label)
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
    """Stacked bars of contacts per day per channel (``by=["day", "channel"]``); periods
    marked ``incomplete`` are shaded."""
    fig = go.Figure()
    for channel, part in daily.groupby("channel", dropna=False, sort=True):
        fig.add_bar(
            x=part[time],
            y=part["contacts"],
            name=str(channel),
            customdata=drill_data(**{time: part[time], "channel": part["channel"]}),
        )
    fig.update_layout(barmode="stack")
    if "incomplete" in daily:
        periods = daily.groupby(time, sort=True)["incomplete"].first().reset_index()
        _shade_incomplete(fig, periods, time)
    fig.update_yaxes(title_text="Contacts")
    return _finish(fig, f"Contacts per {time} by channel", options_caption(daily, ["contacts"]))


def _histogram(
    conversations: pd.DataFrame, column: str, summary: Mapping[str, float | None] | None
) -> tuple[go.Histogram, dict[str, float], float, str, int]:
    """The histogram of ``column`` in the unit its size asks (the 99th percentile of the values
    and the summary lines decide), the summary lines to draw, that unit and the count."""
    values = conversations[column].dropna().astype("float64")
    marks = {k: float(v) for k, v in (summary or {}).items() if not formatting.missing(v)}
    top = [values.quantile(0.99)] if len(values) else []
    per, unit = duration_unit([*top, *marks.values()])
    trace = go.Histogram(
        x=values / per,
        nbinsx=40,
        name=_label(column),
        hovertemplate=f"%{{x}} {unit}: %{{y}} conversations<extra></extra>",
    )
    return trace, marks, per, unit, len(values)


def distribution(
    conversations: pd.DataFrame,
    column: str = "first_response_s",
    summary: Mapping[str, float | None] | None = None,
) -> go.Figure:
    """Histogram of a per-conversation duration, with the report's median/p90.

    ``conversations`` is ``supportstats.metrics.conversations.conversations(q)``; ``summary``
    maps labels to values in seconds that the metrics table computed (e.g. ``{"median": ...,
    "p90": ...}``) and are drawn as vertical lines: the chart never computes them itself. The
    axis is in seconds, minutes or hours as the durations' size asks (the 99th percentile of
    the values and the summary lines decide), labels read ``p90 12 min 27 s``. Where chat and
    e-mail mix, :func:`distribution_by_kind` gives each kind its own axis.
    """
    trace, marks, per, unit, n = _histogram(conversations, column, summary)
    fig = go.Figure(trace)
    for label, seconds in marks.items():
        fig.add_vline(
            x=seconds / per,
            line_dash="dash",
            annotation_text=f"{label} {formatting.duration(seconds)}",
        )
    fig.update_xaxes(title_text=_label_in(column, unit))
    fig.update_yaxes(title_text="Conversations")
    caption = options_caption(conversations, [column], f"n={n}")
    return _finish(fig, f"Distribution of {_label(column).lower()}", caption)


def distribution_by_kind(
    panels: Mapping[str, tuple[pd.DataFrame, Mapping[str, float | None] | None]],
    column: str = "first_response_s",
    targets: Mapping[str, float | None] | None = None,
) -> go.Figure:
    """Histograms of a per-conversation duration in one panel per channel kind, each with its
    own axis, its report's median/p90 and its target.

    ``panels`` maps a panel title (``Live chat and calls``, ``Tickets and e-mail``) to the
    conversations of that kind's channels and their summary lines (as :func:`distribution`):
    a chat's 40 s first response and an e-mail's 6 h are both readable, where one axis in
    hours leaves the chats in its first bar. ``targets`` maps the same titles to a target in
    seconds (drawn dotted, ``target 1 min 00 s``), or None. The split by kind is the caller's
    (``supportstats.reports.scorecard.channels_of_kind``); a panel without values is left out
    unless all are empty.
    """
    shown = {t: p for t, p in panels.items() if p[0][column].notna().any()}
    shown = shown or dict(list(panels.items())[:1])
    fig = make_subplots(
        rows=max(len(shown), 1),
        cols=1,
        subplot_titles=list(shown),
        vertical_spacing=0.22 if len(shown) > 1 else 0.1,
    )
    counts = []
    for row, (title, (convs, summary)) in enumerate(shown.items(), start=1):
        target = (targets or {}).get(title)
        with_target = dict(summary or {})
        if not formatting.missing(target):
            with_target["target"] = float(target)  # type: ignore[arg-type]
        trace, marks, per, unit, n = _histogram(convs, column, with_target)
        trace.name = title
        fig.add_trace(trace, row=row, col=1)
        for label, seconds in marks.items():
            fig.add_vline(
                x=seconds / per,
                line_dash="dot" if label == "target" else "dash",
                line_color="firebrick" if label == "target" else None,
                annotation_text=f"{label} {formatting.duration(seconds)}",
                row=row,
                col=1,
            )
        fig.update_xaxes(title_text=_label_in(column, unit), row=row, col=1)
        fig.update_yaxes(title_text="Conversations", row=row, col=1)
        counts.append(f"{title.lower()} n={n}")
    frames = [convs for convs, _ in shown.values()]
    caption = options_caption(frames[0] if frames else None, [column], "; ".join(counts))
    fig.update_layout(showlegend=False)
    return _finish(
        fig,
        f"Distribution of {_label(column).lower()} by channel kind",
        caption,
        height=max(300, 300 * len(shown)),
    )


def _agent_bar(report: pd.DataFrame, metric: str) -> tuple[go.Bar, float, str | None]:
    rows = report[report["agent"].notna()].sort_values(metric, na_position="first")
    x, per, unit = _scaled(metric, rows[metric])
    bar = go.Bar(
        x=x,
        y=rows["agent"],
        orientation="h",
        name=_label(metric),
        text=[value_text(metric, v) for v in rows[metric]],
        textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>",
        customdata=drill_data(agent=rows["agent_key"]) if "agent_key" in rows else None,
    )
    return bar, per, unit


def agent_bars(report: pd.DataFrame, metric: str, target: float | None = None) -> go.Figure:
    """One horizontal bar per agent for a column of ``agent_report``, best at the top; each
    bar says its value as people read it, durations in the unit their size asks for."""
    bar, per, unit = _agent_bar(report, metric)
    fig = go.Figure(bar)
    if target is not None:
        fig.add_vline(
            x=target / per, line_dash="dash", annotation_text=f"target {value_text(metric, target)}"
        )
    if metric in SHARES:
        fig.update_xaxes(tickformat=".0%")
    fig.update_xaxes(title_text=_label_in(metric, unit) if unit else _label(metric))
    height = max(300, 28 * len(bar.y) + 120)
    return _finish(
        fig, f"{_label(metric)} by agent", options_caption(report, [metric]), height=height
    )


def agent_bars_by_kind(
    reports: Mapping[str, pd.DataFrame],
    metric: str,
    targets: Mapping[str, float | None] | None = None,
    channels: Mapping[str, Sequence[str]] | None = None,
) -> go.Figure:
    """Agent bars in one panel per channel kind, each with its own axis and target.

    ``reports`` maps a panel title (``Live chat and calls``, ``Tickets and e-mail``) to the
    ``agent_report`` of that kind's channels: a chat agent's 40 s first response and an
    e-mail agent's 6 h are both readable, instead of the chat bars vanishing on one axis.
    Agents with no value in a kind are left out of its panel. ``targets`` maps the same
    titles to the target of ``metric`` there (seconds, shares), or None; ``channels`` to the
    channels each panel's report counts, which its bars' drill-down carries
    (``channel=...`` besides ``agent=<key>``).
    """
    panels = {
        title: frame[frame["agent"].notna() & frame[metric].notna()]
        for title, frame in reports.items()
    }
    panels = {t: f for t, f in panels.items() if len(f)} or dict(list(reports.items())[:1])
    sizes = [max(len(f), 1) for f in panels.values()]
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        subplot_titles=list(panels),
        row_heights=[n / sum(sizes) for n in sizes],
        vertical_spacing=min(0.3, 120 / max(300, 28 * sum(sizes) + 120 * len(panels))),
    )
    for row, (title, frame) in enumerate(panels.items(), start=1):
        bar, per, unit = _agent_bar(frame, metric)
        bar.name = title
        if bar.customdata is not None and channels and channels.get(title):
            # the panel counts its kind's channels only: so does its drill-down
            extra = [f"channel={c}" for c in channels[title]]
            bar.customdata = [[*row, *extra] for row in bar.customdata]
        fig.add_trace(bar, row=row, col=1)
        target = (targets or {}).get(title)
        if target is not None and not formatting.missing(target):
            fig.add_vline(
                x=float(target) / per,
                line_dash="dash",
                annotation_text=f"target {value_text(metric, target)}",
                row=row,
                col=1,
            )
        title_text = _label_in(metric, unit) if unit else _label(metric)
        fig.update_xaxes(title_text=title_text, row=row, col=1)
        if metric in SHARES:
            fig.update_xaxes(tickformat=".0%", row=row, col=1)
    frames = list(panels.values())
    height = max(300, 28 * sum(sizes) + 140 * len(panels))
    fig.update_layout(showlegend=False)
    return _finish(
        fig,
        f"{_label(metric)} by agent and channel kind",
        options_caption(frames[0] if frames else None, [metric]),
        height=height,
    )


def sla_attainment(frame: pd.DataFrame, by: str = "channel") -> go.Figure:
    """SLA attainment (met / (met + breached)) per group of ``by`` (``channel``, ``agent`` or
    ``team``: ``supportstats metrics --sla --by ...``) and priority, one bar colour per SLA
    metric; hover says the counts. Each bar drills down to the group's conversations
    (customdata ``channel=chat``, ``agent=<key>``, ``team=<key>``): priority is not a filter of
    the CLI, so a bar of one priority opens all of the group's."""
    key, name = {"channel": ("channel", "channel"), "agent": ("agent_key", "agent"),
                 "team": ("team_key", "team")}[by]  # fmt: skip
    rows = frame[frame[key].notna()] if key in frame else frame.iloc[0:0]
    labels = rows[name if name in rows else key].fillna(rows[key]).astype(str)
    priorities = rows["sla_priority"] if "sla_priority" in rows else pd.Series(dtype=str)
    if priorities.nunique(dropna=False) > 1:
        labels = labels + " · " + priorities.fillna("no priority").astype(str)
    fig = go.Figure()
    for metric, part in rows.assign(_label=labels).groupby("metric", sort=False):
        fig.add_bar(
            x=part["_label"],
            y=part["attainment"],
            name=str(metric).replace("_", " "),
            text=[formatting.percent(v) for v in part["attainment"]],
            customdata=drill_data(**{by: part[key]}),
            hovertext=[
                f"{m:,} met, {b:,} breached, {p:,} pending"
                for m, b, p in zip(part["met"], part["breached"], part["pending"], strict=True)
            ],
            hovertemplate="%{x}: %{text} (%{hovertext})<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="SLA attainment", tickformat=".0%", range=[0, 1.05])
    return _finish(
        fig,
        f"SLA attainment per {by}" + (" and priority" if "sla_priority" in rows else ""),
        options_caption(frame, ["first_response", "resolution"]),
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
    headline = staffing_headline(plan)
    caption = f"{caption} · {headline}" if headline else caption
    return _finish(fig, "Staffing requirement vs forecast per interval", caption)


def staffing_headline(plan: pd.DataFrame) -> str:
    """``busiest interval 10:00 UTC (9.4 contacts), peak 3 agents scheduled, 46.5 agent-hours``
    from ``plan_summary``: the busiest interval is the one with the most contacts forecast
    (not the first with the most agents, which with chat concurrency is often much earlier)."""
    from supportstats.planning.plan import plan_summary

    summary = plan_summary(plan)
    if summary.busiest_start is None or summary.busiest_volume <= 0:
        return ""
    return (
        f"busiest interval {summary.busiest_start:%H:%M} UTC "
        f"({summary.busiest_volume:,.1f} contacts), "
        f"peak {summary.peak_agents_scheduled} agents scheduled, "
        f"{summary.agent_hours_scheduled:,.1f} agent-hours"
    )


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


def concurrency_cost(
    table: pd.DataFrame, aht_by_level: Sequence[float] | None = None, min_stretches: int = 30
) -> go.Figure:
    """Mean handle time of a chat by how many chats its agent had open, as bars (hover: chats
    and median; levels with fewer than ``min_stretches`` chats pale), with the handle time per
    level a plan uses as a line.

    ``table`` is ``metrics.handle_concurrency.handle_time_by_concurrency``; ``aht_by_level``
    e.g. ``planning.chat.aht_by_level`` of it.
    """
    fig = go.Figure(
        go.Bar(
            x=table["concurrency"],
            y=table["handle_time_mean_s"],
            name="measured mean",
            marker_color=[
                "#636efa" if n >= min_stretches else "#c8cbf5" for n in table["stretches"]
            ],
            customdata=table[["stretches", "handle_time_median_s"]],
            hovertemplate="%{x} chats: mean %{y:.0f} s, median %{customdata[1]:.0f} s"
            " (%{customdata[0]} chats)<extra></extra>",
        )
    )
    if aht_by_level is not None:
        levels = list(range(1, len(aht_by_level) + 1))
        fig.add_scatter(
            x=levels, y=list(aht_by_level), name="handle time planned", mode="lines+markers"
        )
    fig.update_xaxes(title_text="Chats the agent had open when taking the chat", dtick=1)
    fig.update_yaxes(title_text="Handle time (s)", rangemode="tozero")
    level = table.attrs.get("options", {}).get("concurrency_level", "start")
    caption = options_caption(table, ["handle_time_mean_s"])
    caption += f", level={level}, pale bars: fewer than {min_stretches} chats"
    return _finish(fig, "Handle time of a chat by concurrency", caption)


def agents_by_concurrency(plan: pd.DataFrame, time: str = "interval_start") -> go.Figure:
    """Agents needed per interval, one line per concurrency (``plan`` has ``time``,
    ``concurrency`` and ``agents``), with the forecast volume on a second axis when given."""
    fig = go.Figure()
    for k, rows in plan.groupby("concurrency", sort=True):
        fig.add_scatter(x=rows[time], y=rows["agents"], name=f"{k} chat{'s' if k != 1 else ''}",
                        mode="lines", line_shape="hv")  # fmt: skip
    if "volume" in plan:
        one = plan.drop_duplicates(time)
        fig.add_bar(x=one[time], y=one["volume"], name="chats forecast", yaxis="y2",
                    opacity=0.25, marker_color="grey")  # fmt: skip
        fig.update_layout(
            yaxis2={"title": {"text": "Chats per interval"}, "overlaying": "y", "side": "right",
                    "rangemode": "tozero", "showgrid": False, "tickmode": "auto"}
        )  # fmt: skip
    fig.update_layout(yaxis={"title": {"text": "Agents on the floor"}, "rangemode": "tozero"})
    caption = plan.attrs.get("caption", "")
    return _finish(fig, "Agents needed per interval by chats per agent", caption)


# --- Notebook display: interactive where a notebook runs, static where it is only read ------


class Static:
    """A figure for a notebook output: plotly's JSON (interactive in Jupyter) and a PNG of the
    same figure (what a code host or a static HTML export shows, where plotly's JSON draws
    nothing) in one display bundle.

    The PNG comes from plotly's image export (kaleido, which drives a local Chrome or Chromium:
    Debian's ``/usr/bin/chromium`` is found on PATH, ``BROWSER_PATH`` names another). Without
    one the bundle keeps the interactive figure and its text says why there is no image, so
    the notebook still runs.
    """

    def __init__(self, fig: go.Figure, width: int = 860, height: int = 460) -> None:
        self.fig, self.width, self.height = fig, width, height
        self.png: bytes | None = None
        self.error: str | None = None
        # a browser's first page sometimes answers before kaleido's script has loaded
        # ("kaleido_scopes is not defined"): one more try, then no image
        for _attempt in range(3):
            try:
                self.png = fig.to_image(format="png", width=width, height=height, scale=1)
                break
            except Exception as exc:  # no kaleido, no browser: the figure stays interactive
                self.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                if "kaleido_scopes" not in str(exc):
                    break
        if self.png is not None:
            self.error = None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        title = self.fig.layout.title.text or "figure"
        bundle: dict[str, Any] = {
            "application/vnd.plotly.v1+json": {**json.loads(self.fig.to_json()), "config": {}},
            "text/plain": f"<{title}>",
        }
        if self.png is not None:
            bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        else:
            bundle["text/plain"] = f"<{title}: no static image ({self.error})>"
        return bundle


def static(fig: go.Figure, width: int = 860, height: int = 460) -> Static:
    """``fig`` for a notebook cell's output, interactive and as a PNG (see :class:`Static`)."""
    return Static(fig, width, height)


class Note(str):
    """Text a notebook shows as Markdown (``text/markdown``) with itself as the plain-text
    fallback, so a reader sees the same sentence wherever the notebook is opened."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return str(self)


def note(*paragraphs: str) -> Note:
    """One or more paragraphs of interpretation, for the output of a notebook cell."""
    return Note("\n\n".join(paragraphs))


def schedule_coverage(coverage: pd.DataFrame, caption: str = "") -> go.Figure:
    """Agents scheduled by the shifts against agents required, per interval: scheduled as
    bars, the shortfall stacked on them in red (an under-staffed interval shows a red cap up
    to the requirement), the requirement as a step line.

    ``coverage`` is ``ScheduleResult.coverage`` (interval_start, required, scheduled, under).
    """
    x = coverage["interval_start"]
    fig = go.Figure()
    fig.add_bar(x=x, y=coverage["scheduled"], name="agents scheduled (shifts)",
                marker_color="#4c78a8")  # fmt: skip
    fig.add_bar(x=x, y=coverage["under"], name="short of the requirement",
                marker_color="#e45756")  # fmt: skip
    fig.add_scatter(x=x, y=coverage["required"], name="agents required", mode="lines",
                    line={"shape": "hv", "color": "#222222", "width": 2})  # fmt: skip
    fig.update_layout(barmode="stack", bargap=0.05, yaxis={"title": {"text": "Agents"}})
    return _finish(fig, "Shift coverage vs requirement per interval", caption)
