"""Synthetic Chatwoot exports: conversations and messages (API JSON), CSAT CSV, agents report.

Every value is invented from a seeded ``random.Random``; the shapes follow Chatwoot's API
jbuilder views and CSV templates (export_formats.md §1.1, §1.3, §1.8):

* ``conversations.json``: a ``GET /api/v1/accounts/{id}/conversations`` response
  (``{"data": {"meta": ..., "payload": [...]}}``; each conversation carries its last message);
* ``messages.jsonl``: one ``GET .../conversations/{id}/messages`` response per line
  (``{"meta": ..., "payload": [...]}``), the way a script paging through conversations saves them;
* ``csat_responses.csv``: ``csat_survey_responses/download`` (header first, period line last);
* ``agents_report.csv``: ``reports/agents.csv`` (period line, blank line, header, rows; humanised
  durations).

The numbers agree: ``first_reply_created_at`` is the first human reply message, the activity
line "Conversation was marked resolved by ..." is the resolution, the CSAT rows are the
``input_csat`` answers, and the agents report averages those same spans per agent, humanised
the way Chatwoot does (two largest non-zero units).

Run ``python -m supportstats.importers.samples.chatwoot_samples sample_data`` to rewrite
``sample_data/chatwoot``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

BASE = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
ACCOUNT, INBOX = 3, 12
AGENTS = [(7 + i, f"Agent {i + 1}", f"agent{i + 1}@example.com") for i in range(3)]
PERIOD = ("2026-03-02", "2026-03-08")
UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def humanise(seconds: float | None) -> str:
    """Chatwoot's report duration text: the two largest non-zero units, 'N/A' for none/0."""
    if not seconds:
        return "N/A"
    rest = int(round(seconds))
    parts = []
    for unit, size in UNITS:
        value, rest = divmod(rest, size)
        if value:
            parts.append(f"{value} {unit}{'s' if value != 1 else ''}")
    return " ".join(parts[:2])


def _utc(t: int) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def conversation(rng: random.Random, n: int, report: dict) -> tuple[dict, list[dict], list | None]:
    """Conversation ``n``: (conversation object, its messages, its CSAT CSV row or None)."""
    cid = 1000 + n
    agent = AGENTS[n % len(AGENTS)]
    created = int(
        (BASE + dt.timedelta(days=(n - 1) % 7, seconds=rng.randrange(0, 10 * 3600))).timestamp()
    )
    contact = {
        "id": 500 + n,
        "name": f"Customer {n}",
        "email": f"customer{n}@example.com",
        "phone_number": None,
        "type": "contact",
    }
    user = {"id": agent[0], "name": agent[1], "type": "user"}
    messages: list[dict[str, Any]] = []

    def msg(mtype: int, at: int, content: str, sender: dict | None, **extra: Any) -> None:
        messages.append(
            {
                "id": cid * 100 + len(messages) + 1,
                "content": content,
                "inbox_id": INBOX,
                "conversation_id": cid,
                "message_type": mtype,
                "content_type": extra.pop("content_type", "text"),
                "status": "sent",
                "content_attributes": extra.pop("content_attributes", {}),
                "created_at": at,
                "private": extra.pop("private", False),
                "source_id": None,
                **({"sender": sender} if sender else {}),
            }
        )

    msg(0, created, "Hi, my order has not arrived.", contact)
    if n % 3 == 0:  # the inbox's greeting template: not a reply
        msg(3, created + 1, "We usually reply in a few minutes.", None)
    answered = n % 8 != 0
    first_reply = resolved = 0
    status = "open"
    csat_row = None
    r = report[agent[0]]
    r["assigned"] += 1
    if answered:
        first_reply = created + 30 + int(rng.lognormvariate(5.0, 0.8))
        if n % 4 == 0:  # a private note before the reply: not a response
            msg(1, first_reply - 10, "Courier delayed, see ticket", user, private=True)
        msg(1, first_reply, f"Hi Customer {n}, let me check.", user)
        r["frt"].append(first_reply - created)
        t = first_reply
        if rng.random() < 0.5:
            asked = t + rng.randrange(30, 600)
            msg(0, asked, "Any news?", contact)
            t = asked + rng.randrange(30, 900)
            msg(1, t, "Yes, it ships today.", user)
            r["wait"].append(t - asked)
        if n % 5 != 0:
            resolved = t + rng.randrange(300, 6 * 3600)
            msg(2, resolved, f"Conversation was marked resolved by {agent[1]}", None)
            r["resolution"].append(resolved - created)
            status = "resolved"
            if n % 3 != 2:  # the CSAT survey is answered
                stars = rng.choices([5, 4, 3, 2, 1], [45, 25, 12, 10, 8])[0]
                comment = {5: "Quick and clear", 1: "Took too long"}.get(stars, "")
                answered_at = resolved + rng.randrange(60, 3600)
                msg(
                    3,
                    resolved + 1,
                    "Please rate the conversation",
                    None,
                    content_type="input_csat",
                    content_attributes={
                        "submitted_values": {
                            "csat_survey_response": {"rating": stars, "feedback_message": comment}
                        }
                    },
                )
                csat_row = [
                    f"{agent[1]} ({agent[2]})",
                    str(stars),
                    comment,
                    contact["name"],
                    contact["email"],
                    "",
                    f"https://chat.example.com/app/accounts/{ACCOUNT}/conversations/{cid}",
                    _utc(answered_at),
                ]
    last = messages[-1]["created_at"]
    conv = {
        "id": cid,
        "uuid": f"00000000-0000-4000-8000-{cid:012d}",
        "account_id": ACCOUNT,
        "inbox_id": INBOX,
        "status": status,
        "priority": None,
        "created_at": created,
        "updated_at": float(last),
        "timestamp": last,
        "last_activity_at": last,
        "first_reply_created_at": first_reply,
        "waiting_since": 0 if answered else created,
        "snoozed_until": None,
        "labels": ["delivery"] if n % 2 else [],
        "custom_attributes": {},
        "additional_attributes": {"browser": {"browser_name": "Firefox"}},
        "agent_last_seen_at": last,
        "contact_last_seen_at": last,
        "unread_count": 0,
        "can_reply": True,
        "sla_policy_id": None,
        "meta": {
            "sender": {**contact, "thumbnail": ""},
            "assignee": {
                "id": agent[0],
                "name": agent[1],
                "email": agent[2],
                "available_name": agent[1],
                "role": "agent",
                "thumbnail": "",
            },
            "assignee_type": "User",
            "team": None,
            "channel": "Channel::WebWidget",
            "hmac_verified": False,
        },
        "messages": [messages[-1]],
    }
    if resolved:
        r["resolved"] += 1
    return conv, messages, csat_row


def write(out_dir: Path, seed: int = 31, count: int = 40) -> list[Path]:
    """Write the four sample files (``count`` conversations) to ``out_dir``."""
    rng = random.Random(seed)
    report = {
        a[0]: {"assigned": 0, "resolved": 0, "frt": [], "resolution": [], "wait": []}
        for a in AGENTS
    }
    made = [conversation(rng, n, report) for n in range(1, count + 1)]
    out_dir.mkdir(parents=True, exist_ok=True)
    convs = [c for c, _, _ in made]
    conversations = out_dir / "conversations.json"
    conversations.write_text(
        json.dumps(
            {
                "data": {
                    "meta": {
                        "mine_count": 0,
                        "assigned_count": len(convs),
                        "unassigned_count": 0,
                        "all_count": len(convs),
                    },
                    "payload": convs,
                }
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    messages = out_dir / "messages.jsonl"
    with messages.open("w", encoding="utf-8") as out:
        for conv, msgs, _ in made:
            meta = {
                "labels": conv["labels"],
                "additional_attributes": conv["additional_attributes"],
                "contact": conv["meta"]["sender"],
                "assignee": conv["meta"]["assignee"],
                "agent_last_seen_at": conv["agent_last_seen_at"],
            }
            out.write(json.dumps({"meta": meta, "payload": msgs}) + "\n")
    csat = out_dir / "csat_responses.csv"
    with csat.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")  # Ruby's CSV writes bare newlines
        writer.writerow(
            [
                "Agent Name",
                "Rating",
                "Feedback Comment",
                "Contact Name",
                "Contact Email Address",
                "Contact Phone Number",
                "Link to the conversation",
                "Recorded date",
            ]
        )
        writer.writerows(row for _, _, row in made if row)
        writer.writerow([f"Reporting period {PERIOD[0]} to {PERIOD[1]}"])
    agents = out_dir / "agents_report.csv"
    with agents.open("w", newline="", encoding="utf-8") as handle:
        handle.write(f"Reporting period {PERIOD[0]} to {PERIOD[1]}\n\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "Agent name",
                "Assigned conversations",
                "Avg first response time",
                "Avg resolution time",
                "Avg customer waiting time",
                "Resolution Count",
            ]
        )
        for aid, name, _ in AGENTS:
            r = report[aid]

            def mean(xs: list[int]) -> float | None:
                return sum(xs) / len(xs) if xs else None

            writer.writerow(
                [
                    name,
                    r["assigned"],
                    humanise(mean(r["frt"])),
                    humanise(mean(r["resolution"])),
                    humanise(mean(r["wait"])),
                    r["resolved"],
                ]
            )
    return [conversations, messages, csat, agents]


def write_samples(root: Path, seed: int = 31) -> list[Path]:
    """Write the sample files under ``root/chatwoot``."""
    return write(root / "chatwoot", seed)


if __name__ == "__main__":
    for written in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "sample_data")):
        print(written)
