"""Synthetic Zendesk Support and Zendesk Chat exports, shaped like the real API responses.

Every value is invented from a seeded ``random.Random``; field names and nesting follow the
vendor APIs (incremental ticket export with ``include=metric_sets``, ticket audits,
satisfaction ratings, users, groups; Chat incremental export with ``history`` and
``engagements``, agent timeline, Chat Analytics agent-activity CSV). The big writers emit one
API page per line (JSON Lines of pages), the way paged exports are usually saved, using string
templates so a million records take seconds.

Run ``python -m supportstats.importers.samples.zendesk_samples OUT_DIR`` to rewrite
``sample_data/zendesk`` and ``sample_data/zendesk_chat``.
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
SUB = "https://example.zendesk.com/api/v2"
AGENTS = [(361001, "Maya Ortiz"), (361002, "Tom Becker"), (361003, "Ines Rocha")]
GROUPS = [(2201, "Billing"), (2202, "Technical")]
PAGE = 1000


def iso(t: dt.datetime) -> str:
    """Zendesk's ISO form: seconds, 'Z'."""
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(t: dt.datetime) -> str:
    """Zendesk Chat history form: microseconds, 'Z'."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _minutes(seconds: float | None) -> dict[str, int | None]:
    m = None if seconds is None else int(seconds // 60)
    return {"calendar": m, "business": m}


def ticket(rng: random.Random, tid: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """One ticket with its embedded metric_set, and the facts behind it (for audits)."""
    created = BASE + dt.timedelta(seconds=tid * 97 + rng.randrange(60))
    agent_id, _ = AGENTS[tid % len(AGENTS)]
    group_id, _ = GROUPS[tid % len(GROUPS)]
    requester = 900000 + tid
    replied = tid % 5 != 0
    reply_s = rng.randrange(120, 20000) if replied else None
    solved = replied and tid % 3 != 0
    solve_s = reply_s + rng.randrange(600, 90000) if solved and reply_s else None
    status = "solved" if solved else ("pending" if replied else "open")
    updated = created + dt.timedelta(seconds=solve_s or reply_s or 5)
    score = ["good", "good", "bad", "offered", "unoffered"][tid % 5] if solved else "unoffered"
    rating: dict[str, Any] = {"score": score}
    if score != "unoffered":
        rating = {
            "id": 7700000 + tid,
            "score": score,
            "comment": "Thanks!" if score == "good" else None,
            "reason": "Issue took too long to resolve" if score == "bad" else None,
        }
    metric = {
        "url": f"{SUB}/ticket_metrics/{5500000 + tid}.json",
        "id": 5500000 + tid,
        "ticket_id": tid,
        "created_at": iso(created),
        "updated_at": iso(updated),
        "group_stations": 1,
        "assignee_stations": 1,
        "reopens": 0,
        "replies": 1 if replied else 0,
        "assignee_updated_at": iso(created + dt.timedelta(seconds=30)),
        "requester_updated_at": iso(created),
        "status_updated_at": iso(updated),
        "initially_assigned_at": iso(created + dt.timedelta(seconds=30)),
        "assigned_at": iso(created + dt.timedelta(seconds=30)),
        "solved_at": iso(created + dt.timedelta(seconds=solve_s)) if solve_s else None,
        "latest_comment_added_at": iso(updated),
        "reply_time_in_minutes": _minutes(reply_s),
        "first_resolution_time_in_minutes": _minutes(solve_s),
        "full_resolution_time_in_minutes": _minutes(solve_s),
        "agent_wait_time_in_minutes": _minutes(
            None if not replied else (solve_s or 0) - reply_s if solve_s else None
        ),
        "requester_wait_time_in_minutes": _minutes(reply_s),
        "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
    }
    record = {
        "url": f"{SUB}/tickets/{tid}.json",
        "id": tid,
        "external_id": None,
        "via": {
            "channel": "email" if tid % 2 else "web",
            "source": {"from": {"address": f"customer{tid}@example.test"}, "to": {}, "rel": None},
        },
        "created_at": iso(created),
        "updated_at": iso(updated),
        "type": ["question", "incident", "problem", "task"][tid % 4],
        "subject": f"Synthetic request {tid}",
        "raw_subject": f"Synthetic request {tid}",
        "description": "Hello, I need help with my order.",
        "priority": ["low", "normal", "high", "urgent"][tid % 4],
        "status": status,
        "recipient": None,
        "requester_id": requester,
        "submitter_id": requester,
        "assignee_id": agent_id,
        "organization_id": None,
        "group_id": group_id,
        "collaborator_ids": [],
        "follower_ids": [],
        "email_cc_ids": [],
        "forum_topic_id": None,
        "problem_id": None,
        "has_incidents": False,
        "is_public": True,
        "due_at": None,
        "tags": ["synthetic", "billing" if group_id == 2201 else "technical"],
        "custom_fields": [{"id": 3601, "value": "eu" if tid % 2 else "us"}],
        "satisfaction_rating": rating,
        "sharing_agreement_ids": [],
        "fields": [{"id": 3601, "value": "eu" if tid % 2 else "us"}],
        "followup_ids": [],
        "brand_id": 11,
        "allow_channelback": False,
        "allow_attachments": True,
        "generated_timestamp": int(updated.timestamp()),
        "metric_set": metric,
    }
    facts = {
        "created": created,
        "reply_s": reply_s,
        "solve_s": solve_s,
        "agent": agent_id,
        "requester": requester,
        "group": group_id,
        "rating": rating,
        "updated": updated,
    }
    return record, facts


def ticket_page(n: int, seed: int = 7, first_id: int = 1) -> dict[str, Any]:
    """One incremental-export page of ``n`` tickets (``include=metric_sets``)."""
    rng = random.Random(seed)
    tickets = [ticket(rng, tid)[0] for tid in range(first_id, first_id + n)]
    last = max(t["generated_timestamp"] for t in tickets)
    return {
        "tickets": tickets,
        "metric_sets": [t["metric_set"] for t in tickets],
        "count": n,
        "end_of_stream": True,
        "end_time": last,
        "next_page": f"{SUB}/incremental/tickets.json?start_time={last}",
    }


def _audit(
    audit_id: int, tid: int, at: dt.datetime, author: int, channel: str, events: list
) -> dict[str, Any]:
    """One audit record as the API returns it."""
    return {
        "id": audit_id,
        "ticket_id": tid,
        "created_at": iso(at),
        "author_id": author,
        "metadata": {"system": {}, "custom": {}},
        "via": {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}},
        "events": events,
    }


def _comment(eid: int, audit_id: int, author: int, body: str, public: bool) -> dict[str, Any]:
    return {
        "id": eid,
        "type": "Comment",
        "author_id": author,
        "body": body,
        "public": public,
        "attachments": [],
        "audit_id": audit_id,
    }


def _create(eid: int, field: str, value: str) -> dict[str, Any]:
    return {"id": eid, "type": "Create", "value": value, "field_name": field}


def _change(eid: int, field: str, value: str, previous: str | None) -> dict[str, Any]:
    return {
        "id": eid,
        "type": "Change",
        "value": value,
        "field_name": field,
        "previous_value": previous,
    }


def audits_page(ticket_ids: list[int], seed: int = 7) -> dict[str, Any]:
    """Ticket audits (``GET /ticket_audits``) for some tickets of :func:`ticket_page`."""
    rng = random.Random(seed)
    facts = {tid: ticket(rng, tid)[1] for tid in range(1, max(ticket_ids) + 1)}
    audits: list[dict[str, Any]] = []
    eid = 8800000
    for tid in ticket_ids:
        f = facts[tid]
        eid += 100
        requester, agent = f["requester"], f["agent"]
        opening = "Hello, I need help with my order."
        audits.append(
            _audit(eid, tid, f["created"], requester, "email", [
                _comment(eid + 1, eid, requester, opening, True),
                _create(eid + 2, "requester_id", str(requester)),
                _create(eid + 3, "status", "new"),
                _create(eid + 4, "group_id", str(f["group"])),
            ])
        )  # fmt: skip
        assigned = f["created"] + dt.timedelta(seconds=30)
        note = "Internal: checking the order system."
        audits.append(
            _audit(eid + 10, tid, assigned, agent, "web", [
                _change(eid + 11, "assignee_id", str(agent), None),
                _change(eid + 12, "status", "open", "new"),
                _comment(eid + 13, eid + 10, agent, note, False),
            ])
        )  # fmt: skip
        if f["reply_s"] is not None:
            at = f["created"] + dt.timedelta(seconds=f["reply_s"])
            reply = "Thanks for writing, here is what to do."
            audits.append(
                _audit(eid + 20, tid, at, agent, "web", [
                    _comment(eid + 21, eid + 20, agent, reply, True),
                    _change(eid + 22, "status", "pending", "open"),
                ])
            )  # fmt: skip
        if f["solve_s"] is not None:
            at = f["created"] + dt.timedelta(seconds=f["solve_s"])
            solved = [_change(eid + 31, "status", "solved", "pending")]
            audits.append(_audit(eid + 30, tid, at, agent, "web", solved))
    return {"audits": audits, "meta": {"has_more": False}, "links": {"next": None}}


def users_page(n_customers: int = 5) -> dict[str, Any]:
    """Users (``GET /users``): the agents plus a few end-users."""
    users = [
        {
            "id": aid,
            "url": f"{SUB}/users/{aid}.json",
            "name": name,
            "email": f"{name.split()[0].lower()}@support.example.test",
            "role": "agent",
            "active": True,
            "suspended": False,
            "time_zone": "UTC",
            "organization_id": None,
            "phone": None,
        }
        for aid, name in AGENTS
    ]
    users[0]["role"] = "admin"
    users += [
        {
            "id": 900000 + i,
            "url": f"{SUB}/users/{900000 + i}.json",
            "name": f"Customer {i}",
            "email": f"customer{i}@example.test",
            "role": "end-user",
            "active": True,
            "suspended": False,
            "time_zone": "UTC",
            "organization_id": None,
            "phone": None,
        }
        for i in range(1, n_customers + 1)
    ]
    return {"users": users, "next_page": None, "count": len(users)}


def groups_page() -> dict[str, Any]:
    """Groups (``GET /groups``)."""
    return {
        "groups": [
            {
                "id": gid,
                "url": f"{SUB}/groups/{gid}.json",
                "name": name,
                "description": "",
                "default": gid == 2201,
                "deleted": False,
                "created_at": iso(BASE),
                "updated_at": iso(BASE),
            }
            for gid, name in GROUPS
        ],
        "next_page": None,
        "count": len(GROUPS),
    }


def ratings_page(page: dict[str, Any]) -> dict[str, Any]:
    """Satisfaction ratings (``GET /satisfaction_ratings``) of the rated tickets of a page."""
    out = []
    for t in page["tickets"]:
        r = t["satisfaction_rating"]
        if "id" not in r:
            continue
        solved = t["metric_set"]["solved_at"]
        created = dt.datetime.fromisoformat(solved.replace("Z", "+00:00"))
        rated = created + dt.timedelta(hours=2)
        out.append(
            {
                "url": f"{SUB}/satisfaction_ratings/{r['id']}.json",
                "id": r["id"],
                "assignee_id": t["assignee_id"],
                "group_id": t["group_id"],
                "requester_id": t["requester_id"],
                "ticket_id": t["id"],
                "score": r["score"],
                "created_at": iso(created),
                "updated_at": iso(rated if r["score"] != "offered" else created),
                "comment": r["comment"],
                "reason": r["reason"],
            }
        )
    return {"satisfaction_ratings": out, "next_page": None, "count": len(out)}


# ---------------------------------------------------------------- Zendesk Chat
def chat(rng: random.Random, n: int) -> dict[str, Any]:
    """One chat as the Chat incremental export returns it (history with nick, engagements)."""
    start = BASE + dt.timedelta(seconds=n * 53 + rng.randrange(30))
    agent_id, agent_name = AGENTS[n % len(AGENTS)]
    dept_id, dept_name = GROUPS[n % len(GROUPS)]
    visitor = {"id": f"1.{n:08d}", "name": f"Visitor {n}", "email": "", "phone": "", "notes": ""}
    cid = f"2603.{n}.SYN{n:06d}"
    missed = n % 10 == 0
    v, a = "visitor", f"agent:{agent_id}"
    hist: list[dict[str, Any]] = []
    t = start
    hist.append(
        {
            "type": "chat.memberjoin",
            "timestamp": iso_ms(t),
            "nick": v,
            "name": visitor["name"],
            "channel": f"#{cid}",
        }
    )
    hist.append(
        {
            "type": "chat.msg",
            "timestamp": iso_ms(t),
            "nick": v,
            "name": visitor["name"],
            "msg": "Hi, where is my order?",
            "msg_id": str(1000 + n),
            "options": "",
            "channel": f"#{cid}",
        }
    )
    count = {"visitor": 1, "agent": 0}
    first = None
    engagements = []
    if not missed:
        join = t + dt.timedelta(seconds=rng.randrange(3, 40))
        reply = join + dt.timedelta(seconds=rng.randrange(2, 30))
        first = (reply - start).total_seconds()
        hist.append(
            {
                "type": "chat.memberjoin",
                "timestamp": iso_ms(join),
                "nick": a,
                "name": agent_name,
                "channel": f"#{cid}",
            }
        )
        hist.append(
            {
                "type": "chat.msg",
                "timestamp": iso_ms(reply),
                "nick": a,
                "name": agent_name,
                "msg": "Hello! Let me check.",
                "options": "",
                "channel": f"#{cid}",
            }
        )
        t2 = reply + dt.timedelta(seconds=rng.randrange(20, 300))
        hist.append(
            {
                "type": "chat.msg",
                "timestamp": iso_ms(t2),
                "nick": v,
                "name": visitor["name"],
                "msg": "Thanks",
                "msg_id": str(2000 + n),
                "options": "",
                "channel": f"#{cid}",
            }
        )
        leave = t2 + dt.timedelta(seconds=rng.randrange(5, 60))
        hist.append(
            {
                "type": "chat.memberleave",
                "timestamp": iso_ms(leave),
                "nick": a,
                "name": agent_name,
                "channel": f"#{cid}",
            }
        )
        count = {"visitor": 2, "agent": 1}
        engagements.append(
            {
                "id": f"{cid}.E1",
                "agent_id": str(agent_id),
                "agent_name": agent_name,
                "agent_full_name": agent_name,
                "department_id": dept_id,
                "timestamp": iso_ms(join),
                "duration": round((leave - join).total_seconds(), 3),
                "accepted": True,
                "assigned": True,
                "started_by": "visitor",
                "rating": None,
                "comment": None,
                "count": {"total": 2, "agent": 1, "visitor": 1},
                "response_time": {"first": int(first), "avg": first, "max": int(first)},
                "skills_requested": [],
                "skills_fulfilled": True,
            }
        )
        t = leave
    end = t + dt.timedelta(seconds=rng.randrange(5, 120))
    rating = None if missed else ["good", "bad", None][n % 3]
    if rating:
        hist.append(
            {
                "type": "chat.rating",
                "timestamp": iso_ms(end),
                "nick": v,
                "name": visitor["name"],
                "rating": None,
                "new_rating": rating,
                "channel": f"#{cid}",
            }
        )
    hist.append(
        {
            "type": "chat.memberleave",
            "timestamp": iso_ms(end),
            "nick": v,
            "name": visitor["name"],
            "channel": f"#{cid}",
        }
    )
    return {
        "id": cid,
        "type": "chat",
        "timestamp": iso(start),
        "end_timestamp": iso(end),
        "update_timestamp": iso(end),
        "duration": int((end - start).total_seconds()),
        "missed": missed,
        "unread": False,
        "triggered": False,
        "triggered_response": None,
        "started_by": "visitor",
        "rating": rating,
        "comment": None,
        "response_time": (
            {"first": int(first), "avg": first, "max": int(first)}
            if first is not None
            else {"first": None, "avg": None, "max": None}
        ),
        "count": {**count, "total": count["visitor"] + count["agent"]},
        "agent_ids": [] if missed else [str(agent_id)],
        "agent_names": [] if missed else [agent_name],
        "department_id": dept_id,
        "department_name": dept_name,
        "tags": ["synthetic"],
        "visitor": visitor,
        "session": {
            "browser": "Firefox",
            "platform": "Linux",
            "country_code": "ES",
            "start_date": iso(start),
            "end_date": iso(end),
        },
        "webpath": [],
        "conversions": [],
        "zendesk_ticket_id": None,
        "history": hist,
        "engagements": engagements,
    }


def chats_page(n: int, seed: int = 11, first: int = 1) -> dict[str, Any]:
    """One Chat incremental-export page of ``n`` chats."""
    rng = random.Random(seed)
    chats = [chat(rng, i) for i in range(first, first + n)]
    return {
        "chats": chats,
        "count": n,
        "end_id": chats[-1]["id"],
        "end_time": int(BASE.timestamp()) + n * 53,
        "next_page": None,
    }


def timeline_page(hours: int = 8) -> dict[str, Any]:
    """Agent timeline (``GET /incremental/agent_timeline``): hourly status stretches."""
    rows = []
    for h in range(hours):
        for i, (aid, _) in enumerate(AGENTS):
            status = "online" if (h + i) % 4 else "away"
            start = BASE + dt.timedelta(hours=h)
            rows.append(
                {
                    "agent_id": aid,
                    "start_time": iso_ms(start),
                    "status": status,
                    "duration": 3600.0,
                    "engagement_count": 0 if status == "away" else 5,
                }
            )
    return {"agent_timeline": rows, "count": len(rows), "end_time": 0, "next_page": None}


ANALYTICS_COLUMNS = [
    "First Name",
    "Last Name",
    "Email",
    "Enabled",
    "Start Time (UTC+0)",
    "End Time (UTC+0)",
    "Assigned Chats",
    "Accepted Chats",
    "Completed Chats",
    "Dropped Chats",
    "Missed Chats",
    "Visitor Initiated",
    "Agent Initiated",
    "Trigger Initiated",
    "Visitor Initiated (Completed)",
    "Agent Initiated (Completed)",
]


def analytics_rows(seed: int = 5) -> list[list[str]]:
    """Chat Analytics agent-activity rows: one per agent per day."""
    rng = random.Random(seed)
    rows = []
    for day in range(2):
        start = (BASE.replace(hour=0) + dt.timedelta(days=day)).strftime("%Y-%m-%d %H:%M:%S")
        end = (BASE.replace(hour=0) + dt.timedelta(days=day + 1)).strftime("%Y-%m-%d %H:%M:%S")
        for _aid, name in AGENTS:
            assigned = rng.randrange(20, 60)
            accepted = assigned - rng.randrange(0, 4)
            completed = accepted - rng.randrange(0, 3)
            first, last = name.split()
            rows.append(
                [
                    first,
                    last,
                    f"{first.lower()}@support.example.test",
                    "true",
                    start,
                    end,
                    str(assigned),
                    str(accepted),
                    str(completed),
                    str(accepted - completed),
                    str(assigned - accepted),
                    str(accepted),
                    "0",
                    "0",
                    str(completed),
                    "0",
                ]
            )
    return rows


# ---------------------------------------------------------------- big files (bench)
def write_ticket_pages(path: Path, n: int, seed: int = 7) -> None:
    """``n`` tickets as JSON Lines of incremental-export pages (1,000 tickets a page)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for first in range(1, n + 1, PAGE):
            tickets = [ticket(rng, tid)[0] for tid in range(first, min(first + PAGE, n + 1))]
            out.write(
                json.dumps(
                    {
                        "tickets": tickets,
                        "count": len(tickets),
                        "end_of_stream": first + PAGE > n,
                        "next_page": None,
                    },
                    separators=(",", ":"),
                )
            )
            out.write("\n")


def write_chat_pages(path: Path, n: int, seed: int = 11) -> None:
    """``n`` chats with history as JSON Lines of incremental-export pages."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for first in range(1, n + 1, PAGE):
            chats = [chat(rng, i) for i in range(first, min(first + PAGE, n + 1))]
            out.write(
                json.dumps(
                    {"chats": chats, "count": len(chats), "next_page": None}, separators=(",", ":")
                )
            )
            out.write("\n")


def write_samples(root: Path) -> list[Path]:
    """Write the small sample files under ``root/zendesk`` and ``root/zendesk_chat``."""
    zd, zc = root / "zendesk", root / "zendesk_chat"
    zd.mkdir(parents=True, exist_ok=True)
    zc.mkdir(parents=True, exist_ok=True)
    page = ticket_page(20)
    files = {
        zd / "incremental_tickets_metric_sets.json": page,
        zd / "ticket_audits.json": audits_page([1, 2, 3, 5, 6]),
        zd / "satisfaction_ratings.json": ratings_page(page),
        zd / "users.json": users_page(20),
        zd / "groups.json": groups_page(),
        zc / "incremental_chats.json": chats_page(30),
        zc / "agent_timeline.json": timeline_page(),
    }
    for path, data in files.items():
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    csv_path = zc / "chat_analytics_agent_activity.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ANALYTICS_COLUMNS)
        writer.writerows(analytics_rows())
    return [*files, csv_path]


if __name__ == "__main__":
    for written in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "sample_data")):
        print(written)
