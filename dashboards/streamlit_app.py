"""supportstats dashboard: the frame (page config, sidebar filters, navigation).

Start it with ``streamlit run dashboards/streamlit_app.py -- --db PATH`` (or set
``SUPPORTSTATS_DB``). Pages in ``app_pages/`` read the filters from ``st.session_state``
(``dashboards.filters`` builds them, from and into the URL) and the data from
``dashboards.data``; this file owns nothing else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts this folder, not the repository, on sys.path; pages import
# `dashboards.data`, so the repository root must be importable too.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboards import data, filters, ui  # noqa: E402
from supportstats.errors import WarehouseBusy  # noqa: E402

PAGES = Path(__file__).resolve().parent / "app_pages"


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


def sidebar(bounds: data.Bounds, source: data.Source) -> data.Selection:
    """The filters (``dashboards.filters``: restored from and written to the URL), then who
    can open this dashboard."""
    try:
        selection = filters.sidebar(bounds, source)
    except WarehouseBusy:
        ui.not_ready()
    ui.reach_notice()
    return selection


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
    st.session_state["selection"] = sidebar(bounds, source)
    page = st.navigation(
        [
            st.Page(
                PAGES / "scorecard.py", title="Scorecard", icon=":material/target:", default=True
            ),
            st.Page(PAGES / "agents.py", title="Agents", icon=":material/support_agent:"),
            st.Page(PAGES / "volume.py", title="Volume", icon=":material/bar_chart:"),
            st.Page(PAGES / "staffing.py", title="Staffing", icon=":material/calendar_month:"),
            st.Page(PAGES / "sla.py", title="SLA", icon=":material/timer:"),
            st.Page(PAGES / "conversations.py", title="Conversations", icon=":material/forum:"),
            st.Page(PAGES / "live_queue.py", title="Live queue", icon=":material/queue:"),
            st.Page(PAGES / "warehouse.py", title="Data", icon=":material/database:"),
        ]
    )
    filters.page_note(page.url_path, st.session_state["selection"])
    page.run()


main()
