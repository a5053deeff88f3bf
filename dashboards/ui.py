"""Small UI helpers the pages share: the current filters, error display, number formats."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
import streamlit as st

from dashboards import data
from supportstats import formatting
from supportstats.errors import SupportStatsError, WarehouseBusy
from supportstats.export import tidy_floats, to_csv
from supportstats.warehouse_lock import Holder


def context() -> tuple[data.Source, data.Selection]:
    """The warehouse and the sidebar filters the frame stored for this run."""
    return st.session_state["source"], st.session_state["selection"]


@contextmanager
def shows_errors() -> Iterator[None]:
    """Show a user mistake (bad option, empty period) as an error box, not a traceback."""
    try:
        yield
    except WarehouseBusy:
        not_ready()
    except SupportStatsError as exc:
        st.error(literal(exc.message) + (f"\n\nHint: {literal(exc.hint)}" if exc.hint else ""))
        st.stop()


# Set by the frame at the start of each run, True once the import notice is on the page.
NOTICE_SHOWN = "import_notice_shown"


def import_notice(path: Path) -> None:
    """The banner while an import writes the warehouse: who, and when the figures shown were
    read; the page reruns by itself when the import ends (checked every REFRESH_S)."""
    st.session_state[NOTICE_SHOWN] = True
    _import_banner(str(path))


@st.fragment(run_every=data.REFRESH_S)
def _import_banner(path: str) -> None:
    holder = data.busy(Path(path))
    if holder is None:
        st.rerun()  # the import ended (or was never seen): the whole page, fresh figures
    st.info(notice_text(holder, data.as_of(Path(path))), icon=":material/hourglass_top:")


def notice_text(holder: Holder, as_of: dt.datetime | None) -> str:
    """``An import is running (supportstats import bank.csv, pid 1234, since 14:02); figures
    as of 14:05. This page refreshes when it ends.``"""
    who = (
        "An import is running"
        if holder.is_import
        else "Another program is writing to the warehouse"
    )
    if as_of is None:
        when = "the figures appear when it ends"
    else:
        today = as_of.date() == dt.datetime.now().date()
        when = "figures as of " + as_of.strftime("%H:%M" if today else "%Y-%m-%d %H:%M")
    return f"{who} ({literal(holder.describe())}); {when}. This page refreshes when it ends."


def not_ready() -> NoReturn:
    """A view with no figures read before the import began: say so and wait for it."""
    if not st.session_state.get(NOTICE_SHOWN):
        import_notice(data.db_path())
    st.caption("These figures were not read before the import began; they appear when it ends.")
    st.stop()


# Markdown and Streamlit's own syntax (:red[...], $...$, links, emphasis): an error message
# quotes file names and values from the data, which are never markup.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:~$&])")


def literal(text: str) -> str:
    """``text`` escaped so that Streamlit's Markdown shows it exactly as it is."""
    return _MARKDOWN.sub(r"\\\1", text)


# Addresses that only this computer can reach; anything else (including Streamlit's default,
# no address: every interface) serves the dashboard to the network.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def reach_notice() -> None:
    """Say in the sidebar who can open this dashboard: only this computer, or the network.

    dashboards/.streamlit/config.toml binds 127.0.0.1; a user who shares on purpose
    (``--server.address 0.0.0.0``) is reminded that the pages show customer data.
    """
    address = st.get_option("server.address")
    if address in LOOPBACK:
        st.sidebar.caption(f"Only this computer can open this dashboard ({address}).")
    else:
        st.sidebar.warning(
            "Anyone on your network can open this dashboard and read its customer data "
            f"(server.address = {address or 'every interface'}). To keep it on this computer, "
            "restart with --server.address 127.0.0.1.",
            icon=":material/public:",
        )


def drill_chart(fig: Any, key: str, sel: data.Selection, where: Any = None) -> None:
    """A chart whose bars and points drill down: selecting one (a click) opens the
    Conversations page with ``sel``'s filters plus the point's (``links.drill_query``: its
    day, channel, agent or team). ``where``: a column or container (default: the page)."""
    from dashboards import links

    event = (where or st).plotly_chart(fig, key=key, on_select="rerun", selection_mode="points")
    params = links.drill_query(sel, event.selection.points) if event else None
    if params:
        st.switch_page(links.CONVERSATIONS_PAGE, query_params=params)


def follow_defaults(defaults: Mapping[str, Any], memo: str) -> None:
    """Keyed widgets whose defaults come from the data (the churn inputs from the selection,
    the staffing sliders from the queue's preset) follow those defaults.

    A widget with a key keeps its value across runs and ignores a new ``value=``: call this
    before creating the widgets (without ``value=``) with each key's default now. A key whose
    default changed since the last run (``memo`` remembers them in the session), or that has
    no value yet, is set to its default; a key whose default did not change keeps what the
    user set."""
    before = st.session_state.get(memo, {})
    for key, value in defaults.items():
        if key not in st.session_state or before.get(key) != value:
            st.session_state[key] = value
    st.session_state[memo] = dict(defaults)


# Number formats: one set of rules for the dashboard, the charts and the terminal
# (supportstats/formatting.py); these names stay for the pages that use them.


def seconds(value: float | None) -> str:
    """``38 s``, ``4 min 12 s``, ``1 h 05 min``, ``2 d 3 h``; ``—`` when missing."""
    return formatting.duration(value)


def share(value: float | None) -> str:
    """``87.5 %``; ``—`` when missing."""
    return formatting.percent(value)


def number(value: float | None, digits: int = 2) -> str:
    """A plain number with thousands separators, or ``—`` when missing."""
    return formatting.number(value, digits)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A report table as people read it (:func:`supportstats.formatting.format_frame`):
    seconds as ``1 h 56 min``, shares as ``91.9 %``, missing as ``—``; integer columns stay
    numbers (they sort as numbers). For ``st.dataframe``; downloads keep the numbers."""
    return formatting.format_frame(frame, keep_integers=True)


def text_columns(frame: pd.DataFrame, labels: dict[str, str] | None = None) -> dict:
    """``column_config`` for a :func:`readable` table: each formatted column by its label
    (``charts.LABELS`` unless given), right-aligned text is not offered by Streamlit."""
    from supportstats import charts

    cfg: dict = {}
    for col in frame.columns:
        label = (labels or {}).get(col) or charts.LABELS.get(col)
        if label:
            cfg[col] = st.column_config.TextColumn(label)
    return cfg


def csv_download(frame: pd.DataFrame) -> str:
    """A table for the Download button: spreadsheet-safe as the command line's CSV
    (:func:`supportstats.export.to_csv`), floats to 6 significant digits
    (:func:`supportstats.export.tidy_floats`: ``46.60000000000002`` -> ``46.6``; integers and
    text unchanged)."""
    return to_csv(tidy_floats(frame))


def delta(change: float | None, kind: str) -> str | None:
    """The change under a tile: ``+1.2 pts`` (shares), ``-38 s`` (durations), ``+0.05``;
    None (no arrow, no colour) when there is no change to show or it rounds to zero."""
    if formatting.missing(change) or formatting.is_zero_change(change, kind):
        return None
    if kind == "share":
        return formatting.points(change)
    if kind == "duration":
        return formatting.duration(change, sign=True)
    return f"{'+' if change > 0 else ''}{formatting.number(change)}"
