"""Synthetic Freshdesk ticket export CSV (Tickets -> Export), shaped like the real file.

Every value is invented from a seeded ``random.Random``; the columns are the export's English
headers (export_formats.md §5). Times are the account's local time without an offset
(``Europe/Berlin`` here, as the export writes them); durations are ``HH:MM:SS``.

The numbers agree with each other the way Freshdesk computes them: ``Initial response time``
is the first agent reply, ``First response time (in hrs)`` / ``Resolution time (in hrs)`` are
the spans from ``Created time`` to that reply / to ``Resolved time`` counted in the account's
business hours (:data:`BUSINESS_HOURS`, Monday-Friday, local time), and the SLA status columns
compare those with the policy's targets.

Run ``python -m supportstats.importers.samples.freshdesk_samples sample_data`` to rewrite
``sample_data/freshdesk``.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Berlin")
BUSINESS_HOURS = (8, 18)  # local hours, Monday-Friday
FIRST_RESPONSE_TARGET_S = 4 * 3600  # business seconds
RESOLUTION_TARGET_S = 24 * 3600
AGENTS = [f"Agent {i}" for i in range(1, 5)]
GROUPS = ["Billing", "Technical"]
SOURCES = ["Email", "Portal", "Phone", "Chat"]
SURVEY = ["Extremely happy", "Very happy", "Happy", "Neutral", "Unhappy", "Very unhappy"]
COLUMNS = [
    "Ticket ID",
    "Subject",
    "Description",
    "Status",
    "Priority",
    "Source",
    "Type",
    "Agent",
    "Group",
    "Created time",
    "Due by Time",
    "Resolved time",
    "Closed time",
    "Last update time",
    "Initial response time",
    "Time tracked",
    "First response time (in hrs)",
    "Resolution time (in hrs)",
    "Agent interactions",
    "Customer interactions",
    "Resolution status",
    "First response status",
    "Tags",
    "Survey results",
    "Product",
    "Full name",
    "Email",
    "Contact ID",
]


def business_seconds(start: dt.datetime, end: dt.datetime) -> int:
    """Seconds of ``start..end`` (aware, local) inside :data:`BUSINESS_HOURS` on weekdays."""
    total = 0.0
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5:
            open_ = dt.datetime.combine(day, dt.time(BUSINESS_HOURS[0]), TZ)
            close = dt.datetime.combine(day, dt.time(BUSINESS_HOURS[1]), TZ)
            lo, hi = max(start, open_), min(end, close)
            total += max((hi - lo).total_seconds(), 0)
        day += dt.timedelta(days=1)
    return int(total)


def hms(seconds: float) -> str:
    """Freshdesk's ``HH:MM:SS`` (hours may exceed 24)."""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _local(t: dt.datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") if t else ""


def ticket(rng: random.Random, n: int) -> list[str]:
    """Row ``n`` (1-based) of the export, in :data:`COLUMNS` order."""
    tid = 10400 + n
    # Mostly office-hours arrivals in the first two weeks of March 2026, some in the evening.
    day = dt.date(2026, 3, 2) + dt.timedelta(days=(n - 1) % 12)
    hour = rng.choice([8, 9, 10, 11, 13, 14, 15, 16, 19, 21])
    created = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), TZ)
    agent, group = AGENTS[n % len(AGENTS)], GROUPS[n % len(GROUPS)]
    source = SOURCES[n % len(SOURCES)]
    answered = n % 9 != 0
    first = created + dt.timedelta(seconds=int(rng.lognormvariate(7.5, 1.0))) if answered else None
    resolved = closed = None
    status = "Open"
    if answered and n % 6 != 0:
        resolved = first + dt.timedelta(seconds=rng.randrange(600, 2 * 86400))
        status = "Resolved"
        if n % 2 == 0:  # an automation closes resolved tickets two days later
            closed = resolved + dt.timedelta(days=2)
            status = "Closed"
    elif answered:
        status = "Pending"
    frt_bh = business_seconds(created, first) if first else None
    res_bh = business_seconds(created, resolved) if resolved else None
    agent_replies = (1 + rng.randrange(3)) if answered else 0
    updated = closed or resolved or first or created
    survey = ""
    if resolved and n % 3 != 0:
        survey = rng.choices(SURVEY, [30, 25, 15, 12, 10, 8])[0]
    return [
        str(tid),
        f"Synthetic request {n}",
        f"Hello, I need help with order {5000 + n}.",
        status,
        ["Low", "Medium", "High", "Urgent"][n % 4],
        source,
        ["Question", "Incident", "Problem", "Feature Request"][n % 4],
        agent if answered else "",
        group,
        _local(created),
        _local(created + dt.timedelta(days=1)),
        _local(resolved),
        _local(closed),
        _local(updated),
        _local(first),
        hms(rng.randrange(5, 60) * 60) if answered else "00:00:00",
        hms(frt_bh) if frt_bh is not None else "",
        hms(res_bh) if res_bh is not None else "",
        str(agent_replies),
        str(1 + (agent_replies > 1)),
        ""
        if res_bh is None
        else ("Within SLA" if res_bh <= RESOLUTION_TARGET_S else "SLA Violated"),
        ""
        if frt_bh is None
        else ("Within SLA" if frt_bh <= FIRST_RESPONSE_TARGET_S else "SLA Violated"),
        ",".join(["synthetic", group.lower()]),
        survey,
        "Store",
        f"Customer {n}",
        f"customer{n}@example.com",
        str(66000 + n),
    ]


def write(out_dir: Path, seed: int = 23, count: int = 60) -> list[Path]:
    """Write ``tickets_export.csv`` (``count`` tickets) to ``out_dir``."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "tickets_export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(ticket(rng, n) for n in range(1, count + 1))
    return [path]


def write_samples(root: Path, seed: int = 23) -> list[Path]:
    """Write the sample file under ``root/freshdesk``."""
    return write(root / "freshdesk", seed)


if __name__ == "__main__":
    for written in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "sample_data")):
        print(written)
