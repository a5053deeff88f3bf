"""The churn-exposure estimate of DESIGN.md §1: what unhappy customers may cost per month.

Not a warehouse metric but a what-if on assumptions the manager edits: contacts per day times
the unhappy share (1 - CSAT) gives unhappy customers per day; the share of those who leave,
times the days in a month, gives customers at risk per month. The source article's example:
100 contacts/day at 75 % CSAT -> 25 unhappy -> about 13 leave (52 %) -> about 400 a month.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportstats.errors import OptionError

LEAVE_SHARE = 13 / 25  # the article's "13 of 25 unhappy customers leave"
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class ChurnExposure:
    """Unhappy and leaving customers per day, and leaving customers per month."""

    unhappy_per_day: float
    leaving_per_day: float
    leaving_per_month: float


def churn_exposure(
    contacts_per_day: float,
    csat: float,
    leave_share: float = LEAVE_SHARE,
    days_per_month: float = DAYS_PER_MONTH,
) -> ChurnExposure:
    """Customers at risk from dissatisfaction.

    >>> round(churn_exposure(100, 0.75).leaving_per_month)
    390
    """
    if contacts_per_day < 0 or not 0 <= csat <= 1 or not 0 <= leave_share <= 1:
        raise OptionError(
            f"churn inputs out of range: contacts/day {contacts_per_day}, CSAT {csat}, "
            f"leave share {leave_share}",
            "contacts per day must be >= 0; CSAT and the leave share are fractions 0-1",
        )
    unhappy = contacts_per_day * (1.0 - csat)
    leaving = unhappy * leave_share
    return ChurnExposure(unhappy, leaving, leaving * days_per_month)
