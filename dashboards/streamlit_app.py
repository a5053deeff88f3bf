"""supportstats dashboard: the frame (page config, sidebar filters, navigation).

Start it with ``streamlit run dashboards/streamlit_app.py -- --db PATH`` (or set
``SUPPORTSTATS_DB``). Pages in ``app_pages/`` read the filters from ``st.session_state``
(``dashboards.filters`` builds them, from and into the URL) and the data from
``dashboards.data``; this file owns nothing else.
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

from dashboards import data, filters, ui  # noqa: E402
from supportstats.errors import WarehouseBusy  # noqa: E402

PAGES = Path(__file__).resolve().parent / "app_pages"


def empty_state(status: data.Status, held: data.WarehouseData | None = None) -> None:
    """Say what is missing and the two commands that fix it; when imports were recorded (all
    their rows rejected or skipped), link to the Data page, which says why."""
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
    if held is not None and not held.batches.empty:
        rejected = int(held.batches["rows_rejected"].sum())
        skipped = int(held.batches["rows_skipped"].sum()) if "rows_skipped" in held.batches else 0
        st.warning(
            f"{len(held.batches):,} import batch{'es' if len(held.batches) != 1 else ''} "
            f"recorded, {rejected:,} rows rejected and {skipped:,} skipped: the Data page "
            "lists the reasons.",
            icon=":material/report:",
        )
        st.page_link(DATA_PAGE, label="Data: import batches and rejected rows", icon=DATA_ICON)


def sidebar(bounds: data.Bounds, source: data.Source) -> data.Selection:
    """The filters (``dashboards.filters``: restored from and written to the URL), then who
    can open this dashboard."""
    try:
        selection = filters.sidebar(bounds, source)
    except WarehouseBusy:
        ui.not_ready()
    ui.reach_notice()
    return selection


DATA_PAGE = PAGES / "warehouse.py"
DATA_ICON = ":material/database:"


def pages() -> list:
    return [
        st.Page(PAGES / "scorecard.py", title="Scorecard", icon=":material/target:", default=True),
        st.Page(PAGES / "agents.py", title="Agents", icon=":material/support_agent:"),
        st.Page(PAGES / "volume.py", title="Volume", icon=":material/bar_chart:"),
        st.Page(PAGES / "staffing.py", title="Staffing", icon=":material/calendar_month:"),
        st.Page(PAGES / "sla.py", title="SLA", icon=":material/timer:"),
        st.Page(PAGES / "conversations.py", title="Conversations", icon=":material/forum:"),
        st.Page(PAGES / "live_queue.py", title="Live queue", icon=":material/queue:"),
        st.Page(DATA_PAGE, title="Data", icon=DATA_ICON),
    ]


def without_conversations(source: data.Source, status: data.Status) -> None:
    """A warehouse that exists but holds no conversations (nothing imported yet, or every
    imported row rejected): the Data page shows what the imports recorded and why rows were
    rejected; every other page shows the empty state, with a link to the Data page when
    there are import batches."""
    held = data.load_warehouse(source)
    page = st.navigation(pages())
    if page.url_path != "warehouse":
        empty_state(status, held)
        return
    # no sidebar filters without days to choose from: the Data page's definitions are the
    # defaults
    today = dt.date.today().isoformat()
    st.session_state["source"] = source
    st.session_state["selection"] = data.Selection(start=today, end=today)
    st.info(
        f"{status.message} Below: what the imports recorded, and why their rows were "
        "rejected or skipped.",
        icon=":material/inbox:",
    )
    page.run()


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
        if status.state == "empty":
            without_conversations(source, status)
            return
        if status.state != "ok":
            empty_state(status)
            return
        bounds = data.bounds(source)
    except WarehouseBusy:
        ui.not_ready()
    st.session_state["source"] = source
    st.session_state["bounds"] = bounds
    st.session_state["selection"] = sidebar(bounds, source)
    page = st.navigation(pages())
    filters.page_note(page.url_path, st.session_state["selection"])
    page.run()


main()
