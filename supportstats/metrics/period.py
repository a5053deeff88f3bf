"""The reporting period and the row filters every metric accepts.

``Period`` is half-open ``[start, end)`` in UTC. Dates given by users are read in the reporting
timezone, and ``--to`` is inclusive (``--from 2024-03-01 --to 2024-03-31`` is March), because
that is how people say periods.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from supportstats.errors import OptionError

# Open ends are replaced by the first and last instants Python can hold, so SQL parameters
# always have a type and an open period leaves out no row (a year-1800 or year-9000 time kept
# with --keep-implausible still counts in "all dates").
_MIN = dt.datetime.min.replace(tzinfo=dt.UTC)
_MAX = dt.datetime.max.replace(tzinfo=dt.UTC)

# Dates and instants a user may give (--from, --to, --as-of, sample --start): support data
# lives well inside these years, and a date such as 9999-12-31 or 0001-01-01 (often typed to
# mean "no limit") would overflow the date arithmetic. Leaving the option out means no limit.
FIRST_YEAR = 1970
LAST_YEAR = 2199


@dataclass(frozen=True)
class Period:
    """Half-open time range ``[start, end)``; ``None`` ends are open."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise OptionError(
                    f"period {name} {value} has no timezone",
                    "build periods with Period.from_dates(...) or aware datetimes",
                )
        if self.start and self.end and self.end <= self.start:
            raise OptionError(
                f"period ends ({self.end:%Y-%m-%d %H:%M}) before it starts "
                f"({self.start:%Y-%m-%d %H:%M})",
                "--to is inclusive: --from 2024-03-01 --to 2024-03-31 is all of March",
            )

    @classmethod
    def from_dates(
        cls,
        start: str | dt.date | dt.datetime | None = None,
        end: str | dt.date | dt.datetime | None = None,
        timezone: str = "UTC",
    ) -> Period:
        """Period from user dates (``YYYY-MM-DD`` or ISO datetimes) read in ``timezone``.

        A date ``end`` is inclusive (the whole day); a datetime ``end`` is exclusive.

        Example: ``Period.from_dates("2024-03-01", "2024-03-31", "Europe/Berlin")``.
        """
        tz = zoneinfo.ZoneInfo(timezone)
        return cls(_instant(start, tz, "--from", False), _instant(end, tz, "--to", True))

    def params(self) -> dict[str, Any]:
        """SQL parameters ``$start`` and ``$end`` (always set, so they type as TIMESTAMPTZ)."""
        return {"start": self.start or _MIN, "end": self.end or _MAX}

    def describe(self) -> str:
        """Short text for titles, saying what the period is: ``all dates``,
        ``from 2024-03-01 00:00Z``, ``until 2024-04-01 00:00Z`` (exclusive) or
        ``2024-03-01 00:00Z .. 2024-04-01 00:00Z`` (end exclusive)."""
        a = self.start.strftime("%Y-%m-%d %H:%MZ") if self.start else None
        b = self.end.strftime("%Y-%m-%d %H:%MZ") if self.end else None
        if a and b:
            return f"{a} .. {b}"
        if a:
            return f"from {a}"
        return f"until {b}" if b else "all dates"


def user_time(text: str, flag: str) -> dt.date | dt.datetime:
    """A date (``YYYY-MM-DD``) or an ISO datetime as a user typed it for option ``flag``,
    checked to lie in the years ``FIRST_YEAR`` .. ``LAST_YEAR`` (the one place user dates are
    read and bounded). A datetime keeps the offset it was given with, if any."""
    text = text.strip()
    try:
        if len(text) == 10:
            value: dt.date | dt.datetime = dt.date.fromisoformat(text)
        else:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise OptionError(
            f"{flag} {text!r} is not a date",
            f"use YYYY-MM-DD or an ISO datetime, e.g. {flag} 2024-03-01",
        ) from None
    check_year(value, flag, text)
    return value


def check_year(value: dt.date | dt.datetime, flag: str, text: str | None = None) -> None:
    """Refuse a date or time outside the years ``FIRST_YEAR`` .. ``LAST_YEAR``."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        shown = text if text is not None else value.isoformat()
        raise OptionError(
            f"{flag} {shown!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}",
            f"give a date from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"
            + (f", or leave {flag} out for no limit" if flag in ("--from", "--to") else ""),
        )


def _instant(value: Any, tz: dt.tzinfo, flag: str, inclusive_end: bool) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = user_time(value, flag)
    else:
        check_year(value, flag)
    if isinstance(value, dt.datetime):
        local = value if value.tzinfo else value.replace(tzinfo=tz)
    else:
        day = value + dt.timedelta(days=1) if inclusive_end else value
        local = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    return local.astimezone(dt.UTC)


@dataclass(frozen=True)
class Filters:
    """Row filters: only conversations matching every given list are counted.

    ``agent`` filters the agent each metric is credited to; ``source`` is ``source_system``.
    """

    channel: tuple[str, ...] = ()
    team: tuple[str, ...] = ()
    agent: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    queue: tuple[str, ...] = ()

    @classmethod
    def of(cls, **values: Sequence[str] | str | None) -> Filters:
        """Filters from keyword lists; ``None`` and empty lists mean 'all'."""
        clean = {}
        for k, v in values.items():
            if v is None:
                continue
            clean[k] = (v,) if isinstance(v, str) else tuple(v)
        return cls(**clean)

    def params(self) -> dict[str, Any]:
        """SQL parameters ``$f_<name>``: a VARCHAR list, or NULL for no filter."""
        return {f"f_{k}": (list(v) or None) for k, v in self.__dict__.items()}
