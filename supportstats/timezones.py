"""The one check of a timezone name, for every option that takes one.

Imports, metrics options and planning all ask :func:`check_timezone` (or
:func:`is_known_timezone`), so a name is refused the same way wherever it is given, when the
options are built, before any file is read. Kept free of heavy imports: the command line
calls it before opening the warehouse.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from supportstats.errors import OptionError

HINT = "use an IANA name such as Europe/Berlin, America/New_York or UTC"


@cache
def is_known_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA timezone (``Europe/Madrid``, ``UTC``)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_timezone(name: str | None, option: str | None = None) -> str | None:
    """``name`` when it is a known timezone (None passes: the default applies).

    Raises :class:`OptionError` naming it: ``--timezone 'Mars/Base' is not a known
    timezone`` with ``option`` (``option timezone=`` gives ``option timezone='Mars/Base'
    ...``), else ``unknown time zone 'Mars/Base'``.
    """
    if name is None or is_known_timezone(name):
        return name
    if option is None:
        raise OptionError(f"unknown time zone {name!r}", HINT)
    shown = option if option.endswith("=") else option + " "
    raise OptionError(f"{shown}{name!r} is not a known timezone", HINT)
