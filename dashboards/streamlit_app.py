"""supportstats dashboard: the frame (page config, sidebar filters, navigation).

Start it with ``streamlit run dashboards/streamlit_app.py -- --db PATH`` (or set
``SUPPORTSTATS_DB``). Pages in ``app_pages/`` read the filters from ``st.session_state``
and the data from ``dashboards.data``; this file owns nothing else.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts this folder, not the repository, on sys.path; pages import
# `dashboards.data`, so the repository root must be importable too.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboards import data, ui  # noqa: E402
from supportstats.errors import WarehouseBusy  # noqa: E402
from supportstats.metrics.options import CHOICES, DESCRIPTIONS  # noqa: E402

PAGES = Path(__file__).resolve().parent / "app_pages"
# Definition options offered in the sidebar: the ones managers argue about most (DESIGN §4).
SIDEBAR_OPTIONS = ("frt_start", "bot_replies", "wait_abandoned", "csat_formula", "clock")
DEFAULT_DAYS = 7  # the scorecard compares with the 7 days before


def empty_state(status: data.Status) -> None:
    """Say what is missing and the two commands that fix it."""
    st.title("supportstats")
    st.info(
        f"{status.message}\n\n"
        "Build the demo warehouse, or import your own exports:\n\n"
        f"```\nsupportstats demo --db {data.db_path()}\n```\n\n"
        "```\nsupportstats sample --out sample/\n"
        f"supportstats import sample/*.csv --db {data.db_path()}\n```\n\n"
        "Then reload this page.",
        icon=":material/inbox:",
    )


def default_period(bounds: data.Bounds) -> tuple[dt.date, dt.date]:
    """The last DEFAULT_DAYS days with data (or all of it when shorter)."""
    start = max(bounds.first_day, bounds.last_day - dt.timedelta(days=DEFAULT_DAYS - 1))
    return start, bounds.last_day


def sidebar(bounds: data.Bounds) -> data.Selection:
    """Period, channel and definition filters; the Selection is also kept in session_state."""
    st.sidebar.header("Filters")
    picked = st.sidebar.date_input(
        "Period",
        value=default_period(bounds),
        min_value=bounds.first_day,
        max_value=bounds.last_day,
        key="filter_period",
    )
    # While the user is picking, date_input returns one date; use it as a one-day period.
    start, end = (picked[0], picked[-1]) if isinstance(picked, tuple | list) else (picked, picked)
    channels = st.sidebar.multiselect(
        "Channel", bounds.channels, key="filter_channels", placeholder="All channels"
    )
    options = {}
    with st.sidebar.expander("Metric definitions"):
        for name in SIDEBAR_OPTIONS:
            options[name] = st.selectbox(
                name, CHOICES[name], key=f"option_{name}", help=DESCRIPTIONS[name]
            )
        options["timezone"] = st.text_input(
            "timezone", "UTC", key="option_timezone", help=DESCRIPTIONS["timezone"]
        )
    st.sidebar.caption(f"Warehouse: `{data.db_path()}`")
    ui.reach_notice()
    return data.Selection(
        start=start.isoformat(),
        end=end.isoformat(),
        channels=tuple(channels),
        options=tuple(sorted(options.items())),
    )


def main() -> None:
    st.set_page_config(page_title="supportstats", page_icon=":material/monitoring:", layout="wide")
    path = data.db_path()
    source = data.Source.of(path)
    # While an import writes the warehouse: a notice, and the figures read before it began.
    st.session_state[ui.NOTICE_SHOWN] = False
    if data.busy(path) is not None:
        ui.import_notice(path)
    try:
        status = data.status(source)
        if status.state != "ok":
            empty_state(status)
            return
        bounds = data.bounds(source)
    except WarehouseBusy:
        ui.not_ready()
    st.session_state["source"] = source
    st.session_state["bounds"] = bounds
    st.session_state["selection"] = sidebar(bounds)
    page = st.navigation(
        [
            st.Page(
                PAGES / "scorecard.py", title="Scorecard", icon=":material/target:", default=True
            ),
            st.Page(PAGES / "agents.py", title="Agents", icon=":material/support_agent:"),
            st.Page(PAGES / "volume.py", title="Volume", icon=":material/bar_chart:"),
            st.Page(PAGES / "staffing.py", title="Staffing", icon=":material/calendar_month:"),
        ]
    )
    page.run()


main()
