"""Scorecard: KPI tiles against the default targets, trends, distributions, churn exposure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboards import data, ui
from supportstats import charts, formatting
from supportstats.reports import Targets
from supportstats.reports.churn import DAYS_PER_MONTH, LEAVE_SHARE, churn_exposure
from supportstats.reports.scorecard import CHANNEL_KINDS

# scorecard row -> (tile label, formatter, lower is better)
TILES: dict[str, tuple[str, Callable[[float | None], str], bool]] = {
    "wait_mean_s": ("Average wait", ui.seconds, True),
    "csat_score": ("CSAT", ui.share, False),
    "resolution_rate": ("Resolution rate", ui.share, False),
    "abandon_rate": ("Abandonment", ui.share, True),
    "first_response_median_s": ("First response (median)", ui.seconds, True),
    "deflection_rate": ("Self-service deflection", ui.share, False),
    "load_gini": ("Load equity (Gini)", ui.number, True),
}


def targets_form() -> Targets:
    """Editable targets (defaults: DESIGN.md §1)."""
    with st.expander("Targets"):
        cols = st.columns(4)
        wait = cols[0].number_input("Average wait ≤ (s)", 0.0, 3600.0, 120.0, key="sc_wait")
        csat = cols[1].number_input("CSAT ≥ (%)", 0.0, 100.0, 85.0, key="sc_csat")
        res = cols[2].number_input("Resolution rate ≥ (%)", 0.0, 100.0, 90.0, key="sc_res")
        drop = cols[3].number_input(
            "Abandonment down by (%) vs previous period", 0.0, 100.0, 15.0, key="sc_drop"
        )
        # first response per channel kind: a chat customer waits at the screen, an e-mail not
        cols = st.columns(4)
        help_default = (
            "Used for the channels whose first responses have no SLA target in the warehouse "
            "(imported SLA policies, an SLA file, or the sla_first_response_s option under "
            "More definitions, which win)."
        )
        live = cols[0].number_input(
            "First response, chat and calls ≤ (s)",
            0.0,
            86400.0,
            60.0,
            key="sc_frt_live",
            help=help_default,
        )
        ticket = cols[1].number_input(
            "First response, tickets and e-mail ≤ (h)",
            0.0,
            720.0,
            4.0,
            key="sc_frt_ticket",
            help=help_default,
        )
    return Targets(
        wait,
        csat / 100,
        res / 100,
        drop / 100,
        first_response_live_s=live,
        first_response_ticket_s=ticket * 3600,
    )


def tile(container, row: pd.Series) -> None:  # noqa: ANN001 (a Streamlit column)
    """One KPI: value, change vs the previous period, and the target verdict under it."""
    label, fmt, lower_better = TILES[row["metric"]]
    value, change = row["value"], row["change"]
    # shares change in percentage points, durations and numbers in their own unit; a change
    # that rounds to zero shows no arrow and no colour (not a red "↑ 0 s")
    kind = {ui.share: "share", ui.seconds: "duration"}.get(fmt, "number")
    delta = ui.delta(change, kind)
    container.metric(
        label,
        fmt(value),
        delta=delta,
        delta_color="inverse" if lower_better else "normal",
        border=True,
        help="change vs the previous period of the same length"
        + ("" if delta or formatting.missing(change) else " (no change)"),
    )
    target = row["target"]
    if target is not None and target == target:
        # coloured words, not emoji: Debian's Chromium ships without an emoji font
        verdict = {True: ":green[meets]", False: ":red[misses]"}.get(row["meets"], "no data for")
        container.caption(f"{verdict} target {row['comparison']} {fmt(target)}")
    else:
        container.caption("no target" if row["metric"] != "abandon_rate" else "no previous period")


def incomplete_note(daily: pd.DataFrame) -> None:
    """Say which days of the period are incomplete (and why) above the tiles they pull:
    the rule is :func:`supportstats.reports.completeness.incomplete_periods`."""
    if "incomplete" not in daily:
        return
    marked = daily[daily["incomplete"].notna()]
    if marked.empty:
        return
    days = "; ".join(f"{row['day']} ({row['incomplete']})" for _, row in marked.iterrows())
    one = len(marked) == 1
    st.warning(
        f"Incomplete {'day' if one else 'days'} in this period: {days}. "
        f"{'Its' if one else 'Their'} figures will still change and pull the tiles below; "
        "the trends mark them.",
        icon=":material/pending:",
    )


def first_response_section(frt: pd.DataFrame) -> None:
    """First response per channel against its target: the warehouse's SLA target for the
    channel (:func:`supportstats.reports.scorecard.first_response_targets`), else its kind's
    default (chat 60 s, e-mail 4 h, see Targets)."""
    if frt.empty:
        return
    st.subheader("First response by channel")
    from_sla = frt[frt["target_from"].isin(["sla_target", "option"])]
    kinds = " / ".join(label.lower() for label in CHANNEL_KINDS.values())
    if len(from_sla):
        named = ", ".join(str(c) for c in from_sla["channel"])
        where = (
            f"{named}: the SLA target most of its first responses are held to (in effect "
            f"its most common priority's); any other channel: the default of its kind ({kinds})"
        )
    else:
        where = f"the default of its kind ({kinds})"
    st.caption(f"Median first response per channel against its target, {where}; see Targets.")
    for start in range(0, len(frt), 3):
        chunk = frt.iloc[start : start + 3]
        for col, (_, row) in zip(st.columns(3), chunk.iterrows(), strict=False):
            col.metric(
                f"{row['channel'] or 'no channel'} · first response (median)",
                ui.seconds(row["first_response_median_s"]),
                border=True,
                help=f"{CHANNEL_KINDS[row['kind']]}; p90 {ui.seconds(row['first_response_p90_s'])}"
                f", {row['first_response_count']:,} first responses",
            )
            if formatting.missing(row["target_s"]):
                col.caption("no target")
            else:
                verdict = {True: ":green[meets]", False: ":red[misses]"}.get(
                    row["meets"], "no data for"
                )
                sla = "SLA " if row["target_from"] in ("sla_target", "option") else ""
                clock = " (business hours)" if row["target_business_hours"] is True else ""
                col.caption(f"{verdict} {sla}target <= {ui.seconds(row['target_s'])}{clock}")


def _lines(summary: pd.DataFrame, family: str) -> dict[str, float | None]:
    s = summary.iloc[0] if len(summary) else pd.Series(dtype=float)
    return {"median": s.get(f"{family}_median_s"), "p90": s.get(f"{family}_p90_s")}


def distributions(
    kinds: dict[str, tuple[pd.DataFrame, pd.DataFrame]],
    whole: tuple[pd.DataFrame, pd.DataFrame] | None,
    kind_targets: pd.DataFrame,
) -> None:
    """First response and wait, one panel per channel kind (chat in seconds, e-mail in hours
    on their own axes), first response against each kind's target; ``whole`` (one panel)
    only where no channel is known."""
    left, right = st.columns(2)
    targets = {CHANNEL_KINDS[row["kind"]]: row["target_s"] for _, row in kind_targets.iterrows()}
    for col, column, family in (
        (left, "first_response_s", "first_response"),
        (right, "wait_s", "wait"),
    ):
        if whole is not None:
            fig = charts.distribution(whole[0], column, _lines(whole[1], family))
        else:
            panels = {
                CHANNEL_KINDS[kind]: (convs, _lines(summary, family))
                for kind, (convs, summary) in kinds.items()
            }
            fig = charts.distribution_by_kind(
                panels, column, targets if family == "first_response" else None
            )
        col.plotly_chart(fig, key=f"sc_dist_{family}")


CHURN_DEFAULTS = "churn_defaults"  # the figures the churn inputs were last set from


def churn_section(card: pd.DataFrame, totals: pd.DataFrame, sel: data.Selection) -> None:
    """The cost of unhappy customers, with every assumption editable."""
    st.subheader("Churn exposure")
    days = (dt.date.fromisoformat(sel.end) - dt.date.fromisoformat(sel.start)).days + 1
    contacts = float(totals["contacts"].iloc[0]) if len(totals) else 0.0
    csat_row = card.loc[card["metric"] == "csat_score", "value"]
    csat = csat_row.iloc[0] if len(csat_row) and csat_row.iloc[0] == csat_row.iloc[0] else 0.75
    st.caption(
        "Customers who may leave because they were unhappy. Defaults: this period's contacts "
        "per day and CSAT; the article's example is 100 contacts/day at 75 % CSAT → 25 unhappy "
        "→ about 13 leave → about 400 customers a month."
    )
    # The inputs start from this selection's figures and follow it: when the filters change
    # the defaults, they replace what the widgets held (a widget with a key keeps its value
    # otherwise, and the tiles below would stay on the previous selection's numbers).
    defaults = {
        "churn_contacts": round(contacts / days, 1),
        "churn_csat": round(float(csat) * 100, 1),
    }
    ui.follow_defaults(defaults, CHURN_DEFAULTS)
    cols = st.columns(4)
    per_day = cols[0].number_input("Contacts per day", 0.0, 1e7, key="churn_contacts")
    csat_pct = cols[1].number_input("CSAT (%)", 0.0, 100.0, key="churn_csat")
    leave = cols[2].number_input(
        "Unhappy customers who leave (%)",
        0.0,
        100.0,
        round(LEAVE_SHARE * 100, 1),
        key="churn_leave",
    )
    month = cols[3].number_input("Days per month", 1, 31, DAYS_PER_MONTH, key="churn_days")
    est = churn_exposure(per_day, csat_pct / 100, leave / 100, month)
    out = st.columns(3)
    out[0].metric("Unhappy customers / day", f"{est.unhappy_per_day:,.1f}", border=True)
    out[1].metric("Likely to leave / day", f"{est.leaving_per_day:,.1f}", border=True)
    out[2].metric("Customers at risk / month", f"{est.leaving_per_month:,.0f}", border=True)


def main() -> None:
    source, sel = ui.context()
    st.title("Team scorecard")
    if sel.agent:
        # as `supportstats report scorecard`, which has no --agent: the team's figures
        st.info(
            "The scorecard is the team's: the **agent** filter does not apply to this page "
            "(every other filter does). The Agents page shows the chosen agents.",
            icon=":material/info:",
        )
        sel = sel.without("agent")
    targets = targets_form()
    with ui.shows_errors():
        card = data.load_scorecard(source, sel, targets)
        totals = data.load_totals(source, sel)
        daily = data.load_daily(source, sel)
        frt = data.load_first_response(source, sel, targets)
        kind_targets = data.load_first_response_targets(source, sel, targets)
        kinds = {
            kind: data.load_durations(source, part)
            for kind, part in data.by_kind(source, sel).items()
        }
        whole = None if kinds else data.load_durations(source, sel)
    st.caption(
        f"{card.attrs.get('period', '')} · definitions: {sel.metric_options().describe()} · "
        "change vs the previous period of the same length"
    )
    incomplete_note(daily)
    shown = card[card["metric"].isin(list(TILES))]
    # rows of three: six tiles in one row cut "12.5 min" to "12.5 ..." beside the sidebar
    for start in range(0, len(shown), 3):
        chunk = shown.iloc[start : start + 3]
        for col, (_, row) in zip(st.columns(3), chunk.iterrows(), strict=False):
            tile(col, row)
    rows = card.set_index("metric")
    first_response_section(frt)

    st.subheader("Trends")
    left, right = st.columns(2)
    trend_targets = {
        "wait_mean_s": targets.wait_mean_s,
        "csat_score": targets.csat_score,
        "resolution_rate": targets.resolution_rate,
        "abandon_rate": rows.loc["abandon_rate", "target"]
        if "abandon_rate" in rows.index
        else None,
    }
    for i, (metric, target) in enumerate(trend_targets.items()):
        target = None if target is None or target != target else float(target)
        # a point opens that day's conversations (this page's filters: no agent)
        ui.drill_chart(
            charts.kpi_trend(daily, metric, target),
            f"sc_trend_{metric}",
            sel,
            left if i % 2 == 0 else right,
        )

    st.subheader("How long customers wait")
    distributions(kinds, whole, kind_targets)

    churn_section(card, totals, sel)


main()
