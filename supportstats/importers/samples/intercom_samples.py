"""Synthetic Intercom export: ``GET /conversations/{id}`` objects with parts and statistics.

Every value is invented from a seeded ``random.Random``; field names and nesting follow the
Intercom REST API 2.x conversation model (docs/research: export_formats.md §4). Each
conversation opens with a customer message (``source``); an Operator bot may greet at once,
a teammate may leave a note, is assigned, replies, closes; some customers write again and the
conversation reopens; some conversations are never answered; most closed ones are rated.

``statistics`` are derived from the parts written, so our event-level numbers reconcile with
them. The sample workspace has no office hours set, so Intercom's office-hours durations
(``time_to_admin_reply``, ``time_to_last_close``) equal the calendar differences.

Run ``python -m supportstats.importers.samples.intercom_samples sample_data`` to rewrite
``sample_data/intercom``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

BASE = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
ADMINS = [(5001 + i, f"Agent {i + 1}", f"agent{i + 1}@example.com") for i in range(4)]
TEAMS = [(91, "Billing"), (92, "Technical")]
BOT = {"type": "bot", "id": "4423434", "name": "Operator", "email": "operator+ws1@intercom.io"}
TAGS = [(701, "refund"), (702, "login"), (703, "bug"), (704, "shipping")]


def _unix(t: dt.datetime) -> int:
    return int(t.timestamp())


class _Parts:
    """Builds one conversation's parts with increasing ids and times."""

    def __init__(self, conv_id: int) -> None:
        self.conv_id = conv_id
        self.items: list[dict[str, Any]] = []

    def add(
        self,
        part_type: str,
        at: int,
        author: dict[str, Any],
        body: str | None = None,
        assigned_to: dict[str, Any] | None = None,
    ) -> None:
        self.items.append(
            {
                "type": "conversation_part",
                "id": str(self.conv_id * 100 + len(self.items) + 1),
                "part_type": part_type,
                "body": body,
                "created_at": at,
                "updated_at": at,
                "notified_at": at,
                "assigned_to": assigned_to,
                "author": author,
                "attachments": [],
                "external_id": None,
                "redacted": False,
            }
        )


def _admin(admin: tuple[int, str, str]) -> dict[str, Any]:
    return {"type": "admin", "id": str(admin[0]), "name": admin[1], "email": admin[2]}


def conversation(rng: random.Random, n: int) -> dict[str, Any]:
    """Conversation ``n`` (1-based): parts, statistics and rating consistent with each other."""
    conv_id = 700000 + n
    # Arrivals spread over two working weeks, 08:00-18:00 UTC.
    day = (n - 1) % 10
    created = _unix(
        BASE + dt.timedelta(days=day + 2 * (day // 5), seconds=rng.randrange(0, 10 * 3600))
    )
    contact = {"type": "user", "id": f"65f0{n:04x}", "name": f"Customer {n}"}
    contact["email"] = f"customer{n}@example.com"
    admin = ADMINS[n % len(ADMINS)]
    team = TEAMS[n % len(TEAMS)]
    parts = _Parts(conv_id)
    t = created
    if rng.random() < 0.4:  # Operator greets: a bot, never a first response
        parts.add("comment", t + 2, BOT, "<p>Hi! A teammate will be with you shortly.</p>")
    answered = n % 7 != 0
    stats: dict[str, Any] = dict.fromkeys(
        (
            "first_assignment_at",
            "last_assignment_at",
            "first_admin_reply_at",
            "last_assignment_admin_reply_at",
            "first_close_at",
            "last_close_at",
            "last_admin_reply_at",
            "last_closed_by_id",
            "time_to_assignment",
            "time_to_admin_reply",
            "time_to_first_close",
            "time_to_last_close",
            "median_time_to_reply",
        )
    )
    assign_at = t + rng.randrange(5, 90)
    parts.add("assignment", assign_at, BOT, None, _admin(admin))
    stats.update(first_assignment_at=assign_at, last_assignment_at=assign_at)
    stats["time_to_assignment"] = assign_at - created
    reopens = 0
    state = "open"
    last_contact = created
    if answered:
        reply_at = assign_at + int(rng.lognormvariate(5.5, 0.9))
        if rng.random() < 0.3:  # an internal note first: not a response
            parts.add("note", (assign_at + reply_at) // 2, _admin(admin), "<p>Checking logs</p>")
        parts.add("comment", reply_at, _admin(admin), f"<p>Hi Customer {n}, let me help.</p>")
        stats.update(first_admin_reply_at=reply_at, last_assignment_admin_reply_at=reply_at)
        stats["time_to_admin_reply"] = reply_at - created
        replies = [reply_at - created]
        t = reply_at
        last_admin = reply_at
        if rng.random() < 0.5:  # one more exchange
            last_contact = t + rng.randrange(60, 900)
            parts.add("comment", last_contact, contact, "<p>Thanks, one more thing.</p>")
            last_admin = last_contact + rng.randrange(60, 1800)
            parts.add("comment", last_admin, _admin(admin), "<p>Done.</p>")
            replies.append(last_admin - last_contact)
            t = last_admin
        close_at = t + rng.randrange(120, 4 * 3600)
        parts.add("close", close_at, _admin(admin), "<p>Closing, thanks!</p>")
        stats.update(first_close_at=close_at, last_close_at=close_at)
        state = "closed"
        if n % 5 == 0:  # the customer writes again: reopened, answered, closed again
            last_contact = close_at + rng.randrange(3600, 20 * 3600)
            parts.add("comment", last_contact, contact, "<p>It broke again.</p>")
            parts.add("open", last_contact, contact)
            last_admin = last_contact + rng.randrange(120, 3600)
            parts.add("comment", last_admin, _admin(admin), "<p>Fixed for good now.</p>")
            replies.append(last_admin - last_contact)
            close_at = last_admin + rng.randrange(60, 3600)
            parts.add("close", close_at, _admin(admin))
            stats["last_close_at"] = close_at
            reopens = 1
        stats.update(last_admin_reply_at=last_admin, last_closed_by_id=str(admin[0]))
        stats["time_to_first_close"] = stats["first_close_at"] - created
        stats["time_to_last_close"] = stats["last_close_at"] - created
        stats["median_time_to_reply"] = sorted(replies)[len(replies) // 2]
    updated = max(p["created_at"] for p in parts.items)
    rating = None
    if state == "closed" and n % 4 != 1:
        stars = rng.choices([5, 4, 3, 2, 1], [50, 25, 10, 8, 7])[0]
        rating = {
            "rating": stars,
            "remark": {5: "Great help", 1: "Too slow"}.get(stars),
            "created_at": stats["last_close_at"] + 5,
            "updated_at": stats["last_close_at"] + rng.randrange(60, 7200),
            "contact": {"type": "contact", "id": contact["id"], "external_id": None},
            "teammate": {"type": "admin", "id": str(admin[0])},
        }
    tag = TAGS[n % len(TAGS)]
    return {
        "type": "conversation",
        "id": str(conv_id),
        "title": None,
        "created_at": created,
        "updated_at": updated,
        "waiting_since": None if answered else created,
        "snoozed_until": None,
        "open": state == "open",
        "state": state,
        "read": True,
        "priority": "priority" if n % 6 == 0 else "not_priority",
        "admin_assignee_id": admin[0],
        "team_assignee_id": str(team[0]),
        "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": str(tag[0]), "name": tag[1]}]},
        "conversation_rating": rating,
        "source": {
            "type": "conversation",
            "id": str(conv_id * 10),
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": f"<p>Hello, I need help with order {1000 + n}.</p>",
            "author": contact,
            "attachments": [],
            "url": None,
            "redacted": False,
        },
        "contacts": {
            "type": "contact.list",
            "contacts": [{"type": "contact", "id": contact["id"], "external_id": None}],
        },
        "teammates": {"type": "admin.list", "admins": [{"type": "admin", "id": str(admin[0])}]},
        "custom_attributes": {"Plan": "Pro" if n % 3 else "Free"},
        "first_contact_reply": {"created_at": created, "type": "conversation", "url": None},
        "sla_applied": None,
        "statistics": {
            "type": "conversation_statistics",
            "first_contact_reply_at": created,
            "last_contact_reply_at": last_contact,
            "count_reopens": reopens,
            "count_assignments": 1,
            "count_conversation_parts": len(parts.items),
            **stats,
        },
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": parts.items,
            "total_count": len(parts.items),
        },
    }


def write(out_dir: Path, seed: int = 17, count: int = 40) -> list[Path]:
    """Write ``conversations.json`` (a JSON array of ``count`` conversations) to ``out_dir``."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "conversations.json"
    data = [conversation(rng, n) for n in range(1, count + 1)]
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return [path]


def write_samples(root: Path, seed: int = 17) -> list[Path]:
    """Write the sample files under ``root/intercom`` (as zendesk_samples does for its own)."""
    return write(root / "intercom", seed)


if __name__ == "__main__":
    for written in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "sample_data")):
        print(written)
