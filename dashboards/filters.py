"""The sidebar filters and the address bar: one set of filters, named as the CLI's flags.

Every filter lives in the URL's query string, so a view can be copied, bookmarked and shared:

    /agents?from=2024-03-01&to=2024-03-07&channel=email&channel=chat&agent=ana@example.com
           &clock=business&timezone=Europe/Berlin

* ``from``, ``to``: the period (inclusive ISO dates, read in the reporting timezone);
* ``channel``, ``team``, ``agent``, ``queue``, ``tag``, ``source``: the CLI's list filters,
  one repeated key per value (``channel=email&channel=chat``, as ``--channel email
  --channel chat``); a value is resolved as the CLI resolves it (a key, source id, name or
  e-mail, any case), so ``queue=WhatsApp`` and ``agent=ana@example.com`` work; the dashboard
  writes keys;
* every definition option by its name (``clock=business``, ``timezone=Europe/Berlin``, as
  ``--option clock=business``); only options that differ from the default are written.

On a session's first run (and whenever the address holds other filters than the ones this
session wrote) the query string is read and checked: a value that is not valid is left out
with a warning on the page, never a traceback. Every run then writes the current filters
back, so the address bar always shows them, also after a page switch (Streamlit clears the
query string when the page changes; the filters stay in the session and are written again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import zoneinfo
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboards import data
from supportstats.errors import OptionError
from supportstats.metrics import MetricOptions
from supportstats.metrics.options import CHOICES, DESCRIPTIONS

DEFAULT_DAYS = 7  # the scorecard compares with the 7 days before
PERIOD_KEY = "filter_period"
# widget key of each list filter (channel keeps the key it always had)
LIST_KEYS = {name: f"filter_{name}" for name in data.LIST_FILTERS} | {"channel": "filter_channels"}
LIST_LABELS = {
    "channel": "Channel",
    "team": "Team",
    "agent": "Agent",
    "queue": "Queue",
    "tag": "Tag",
    "source": "Source",
}
_DEFAULTS = MetricOptions()
OPTION_NAMES = tuple(f.name for f in dataclasses.fields(MetricOptions))
# the definition options offered as choices (every one), and those typed as text (numbers,
# schedule, pause statuses) in their own expander
CHOICE_OPTIONS = tuple(CHOICES)
TEXT_OPTIONS = tuple(n for n in OPTION_NAMES if n not in CHOICES and n != "timezone")
# the ones managers argue about most (DESIGN §4) come first
FIRST_OPTIONS = ("frt_start", "bot_replies", "wait_abandoned", "csat_formula", "clock")
# what the address bar may carry besides the filters: Streamlit's own embedding parameters
_STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})
URL_WRITTEN = "filters_url_written"  # the query string this session last wrote


def option_key(name: str) -> str:
    return f"option_{name}"


@functools.cache
def timezones() -> tuple[str, ...]:
    """The IANA zones this computer knows, UTC first."""
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")
    return ("UTC", *[z for z in zones if z != "UTC"])


def default_period(bounds: data.Bounds) -> tuple[dt.date, dt.date]:
    """The last DEFAULT_DAYS days with data (or all of it when shorter)."""
    start = max(bounds.first_day, bounds.last_day - dt.timedelta(days=DEFAULT_DAYS - 1))
    return start, bounds.last_day


def show(value: Any) -> str:
    """An option value as the URL and the CLI spell it."""
    if value is None:
        return "none"
    if isinstance(value, tuple | list):
        return ",".join(value)
    return str(value)


# -- reading the address ---------------------------------------------------------------------


def from_url(
    params: Mapping[str, list[str]], bounds: data.Bounds, source: data.Source
) -> tuple[dict[str, Any], list[str]]:
    """Widget values (by widget key) for the filters in a query string, and one warning per
    value left out. Keys absent from the query string get their defaults."""
    values: dict[str, Any] = {}
    warnings: list[str] = []
    start, end = default_period(bounds)
    dates = {"from": start, "to": end}
    for name in ("from", "to"):
        raw = (params.get(name) or [""])[-1].strip()
        if not raw:
            continue
        try:
            dates[name] = dt.date.fromisoformat(raw)
        except ValueError:
            warnings.append(f"`{name}={raw}` is not a date (YYYY-MM-DD); left out.")
    if dates["from"] > dates["to"]:
        warnings.append(
            f"`from={dates['from']}` is after `to={dates['to']}`; the last "
            f"{DEFAULT_DAYS} days with data are shown."
        )
        dates = {"from": start, "to": end}
    values[PERIOD_KEY] = (dates["from"], dates["to"])

    for name in data.LIST_FILTERS:
        wanted = tuple(dict.fromkeys(v.strip() for v in params.get(name, []) if v.strip()))
        keys, dropped = data.resolve_filter(source, name, wanted) if wanted else ((), ())
        values[LIST_KEYS[name]] = list(keys)
        for value, why in dropped:
            warnings.append(f"`{name}={value}` left out: {why}.")

    options: dict[str, Any] = {}
    for name in OPTION_NAMES:
        raw = (params.get(name) or [None])[-1]
        if raw is None:
            continue
        text = raw.strip()
        if name == "timezone":
            text = {z.lower(): z for z in timezones()}.get(text.lower(), text)
        elif name in CHOICES:
            text = text.lower()
        try:
            options[name] = getattr(MetricOptions.from_mapping({name: text}), name)
        except OptionError as exc:
            warnings.append(
                f"`{name}={raw}` left out: {exc.message}; the default "
                f"({show(getattr(_DEFAULTS, name))}) is used."
            )
    for name in OPTION_NAMES:
        value = options.get(name, getattr(_DEFAULTS, name))
        values[option_key(name)] = value if name in CHOICES or name == "timezone" else show(value)
    known = {"from", "to", *data.LIST_FILTERS, *OPTION_NAMES, *_STREAMLIT_PARAMS}
    for name in params:
        if name not in known:
            warnings.append(f"`{name}` is not a filter or definition option; left out.")
    return values, warnings


# -- writing the address ---------------------------------------------------------------------


def to_url(sel: data.Selection) -> dict[str, list[str]]:
    """The query string of a selection: period, list filters (repeated keys), options that
    differ from the defaults, in the order the CLI's help lists them."""
    out: dict[str, list[str]] = {"from": [sel.start], "to": [sel.end]}
    for name in data.LIST_FILTERS:
        if sel.values(name):
            out[name] = list(sel.values(name))
    for name, value in sel.options:
        out[name] = [show(value)]
    return out


def current_params() -> dict[str, list[str]]:
    """The address's query string, without Streamlit's own embedding parameters."""
    return {k: st.query_params.get_all(k) for k in st.query_params if k not in _STREAMLIT_PARAMS}


def write_url(sel: data.Selection) -> None:
    """Put the selection in the address bar (only when it changed: each write is a message)."""
    wanted = to_url(sel)
    if current_params() != wanted:
        for name in [k for k in st.query_params if k not in _STREAMLIT_PARAMS]:
            del st.query_params[name]
        st.query_params.update(wanted)
    st.session_state[URL_WRITTEN] = wanted


def read_url(bounds: data.Bounds, source: data.Source) -> list[str]:
    """On a session's first run, or when the address names other filters than the ones this
    session wrote (a pasted or edited link), set the widgets from it; returns the warnings.

    An empty query string after the first run is a page switch (Streamlit clears it): the
    session's filters stay and are written again."""
    params = current_params()
    written = st.session_state.get(URL_WRITTEN)
    if written is not None and (not params or params == written):
        return []
    values, warnings = from_url(params, bounds, source)
    for key, value in values.items():
        st.session_state[key] = value
    return warnings


# -- the sidebar -----------------------------------------------------------------------------


def _options_from_widgets() -> tuple[dict[str, Any], list[str]]:
    """Definition options as the widgets hold them; a typed value that is not valid is left
    out (the default applies) with a warning."""
    chosen: dict[str, Any] = {}
    warnings: list[str] = []
    for name in OPTION_NAMES:
        value = st.session_state.get(option_key(name))
        if value is None:
            continue
        try:
            chosen[name] = getattr(MetricOptions.from_mapping({name: value}), name)
        except OptionError as exc:
            warnings.append(f"{name} = {value!r} left out: {exc.message}.")
    try:
        MetricOptions.from_mapping(chosen)
    except OptionError as exc:  # the CSAT thresholds together
        warnings.append(f"{exc.message}; the default thresholds are used.")
        chosen.pop("csat_positive_min", None)
        chosen.pop("csat_negative_max", None)
    return chosen, warnings


def _pairs(options: Mapping[str, Any]) -> data.OptionPairs:
    """Options that differ from the defaults, in field order (a cache key)."""
    return tuple(
        (name, options[name])
        for name in OPTION_NAMES
        if name in options and options[name] != getattr(_DEFAULTS, name)
    )


def sidebar(bounds: data.Bounds, source: data.Source) -> data.Selection:
    """Period, the CLI's list filters, timezone and every definition option; restored from
    and written to the URL. Warnings about the URL appear above the page."""
    for warning in read_url(bounds, source):
        st.warning(warning, icon=":material/link_off:")
    choices = data.filter_choices(source)
    if PERIOD_KEY not in st.session_state:
        st.session_state[PERIOD_KEY] = default_period(bounds)
    picked = st.session_state[PERIOD_KEY]
    picked = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
    st.sidebar.header("Filters")
    picked = st.sidebar.date_input(
        "Period",
        min_value=min(bounds.first_day, *picked),
        max_value=max(bounds.last_day, *picked),
        key=PERIOD_KEY,
        help="Inclusive days in the reporting timezone (`from`, `to` in the URL).",
    )
    # While the user is picking, date_input returns one date; use it as a one-day period.
    start, end = (picked[0], picked[-1]) if isinstance(picked, tuple | list) else (picked, picked)

    lists: dict[str, tuple[str, ...]] = {}
    for name in data.LIST_FILTERS:
        key = LIST_KEYS[name]
        chosen = list(st.session_state.get(key) or [])
        offered = choices.keys(name) + [k for k in chosen if k not in choices.keys(name)]
        if not offered and name in ("team", "source", "tag"):
            lists[name] = ()
            continue  # nothing to choose from (no teams imported, one source, no tags)
        st.session_state[key] = [k for k in chosen if k in offered]
        labels = choices.labels(name)
        lists[name] = tuple(
            st.sidebar.multiselect(
                LIST_LABELS[name],
                offered,
                format_func=lambda k, labels=labels: labels.get(k, k),
                key=key,
                placeholder=f"All {LIST_LABELS[name].lower()}s",
                help=f"`{name}=` in the URL, as `--{name}` on the command line; "
                "several values: any of them.",
            )
        )
    if st.session_state.get(option_key("timezone")) not in timezones():
        st.session_state[option_key("timezone")] = _DEFAULTS.timezone
    st.sidebar.selectbox(
        "Timezone", timezones(), key=option_key("timezone"), help=DESCRIPTIONS["timezone"]
    )
    with st.sidebar.expander("Metric definitions"):
        ordered = FIRST_OPTIONS + tuple(n for n in CHOICE_OPTIONS if n not in FIRST_OPTIONS)
        for name in ordered:
            if st.session_state.get(option_key(name)) not in CHOICES[name]:
                st.session_state[option_key(name)] = getattr(_DEFAULTS, name)
            st.selectbox(name, CHOICES[name], key=option_key(name), help=DESCRIPTIONS[name])
    with st.sidebar.expander("More definitions (numbers)"):
        for name in TEXT_OPTIONS:
            if not isinstance(st.session_state.get(option_key(name)), str):
                st.session_state[option_key(name)] = show(getattr(_DEFAULTS, name))
            st.text_input(name, key=option_key(name), help=DESCRIPTIONS[name])
    options, warnings = _options_from_widgets()
    for warning in warnings:
        st.sidebar.warning(warning)
    st.sidebar.caption(f"Warehouse: `{data.db_path()}`")
    sel = data.Selection(
        start=start.isoformat(),
        end=end.isoformat(),
        channels=lists["channel"],
        options=_pairs(options),
        team=lists["team"],
        agent=lists["agent"],
        queue=lists["queue"],
        tag=lists["tag"],
        source=lists["source"],
    )
    write_url(sel)
    return sel


# Pages whose figures cannot follow the sidebar (by URL path), and why; the frame says so at
# the top of the page. (The live queue says it in its own caption: a snapshot is the whole
# queue.)
UNFILTERED = {
    "staffing": "the forecast reads the whole history of the queue picked below, in UTC "
    "(as `supportstats forecast --queue`); the sidebar's period, list filters and timezone "
    "do not apply",
    "warehouse": "import batches, rejects and date coverage are the whole warehouse's; the "
    "sidebar's period and list filters do not apply (the definitions table shows its options)",
}


def page_note(url_path: str, sel: data.Selection) -> None:
    """On a page the filters cannot follow, say so and name the ones set now."""
    why = UNFILTERED.get(url_path)
    if why is None:
        return
    set_now = [
        f"{name}={','.join(sel.values(name))}" for name in data.LIST_FILTERS if sel.values(name)
    ]
    also = f" Set now and not applied here: {', '.join(set_now)}." if set_now else ""
    st.caption(f"On this page {why}.{also}")
