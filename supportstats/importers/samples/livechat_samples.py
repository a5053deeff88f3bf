"""Synthetic LiveChat exports: a ``list_archives`` response and a Reports API response.

Every value is invented from a seeded ``random.Random``; the shapes follow the Agent Chat API
v3.6 (chat ``{id, users, threads, properties, access}``, thread events) and the Reports API
``agents/performance`` response (export_formats.md §6). A thread starts with the customer's
message, waits ``queues_duration`` seconds in the queue, then an agent joins and answers; some
customers leave before anyone answers; some chats have a second thread (the customer came
back); some threads are rated (thumbs up / down).

The performance report is computed from the same threads, the way LiveChat counts: per agent,
``chats_count`` = threads the agent was on, ``first_response_time`` = mean of (first agent
message - thread start) over the threads where the agent answered first, rated good / bad.

Run ``python -m supportstats.importers.samples.livechat_samples sample_data`` to rewrite
``sample_data/livechat``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import string
import sys
from pathlib import Path
from typing import Any

BASE = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
AGENTS = [(f"agent{i}@example.com", f"Agent {i}") for i in range(1, 4)]


def iso(t: dt.datetime) -> str:
    """LiveChat's timestamps: microseconds, 'Z'."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _id(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_uppercase + string.digits, k=10))


def thread(
    rng: random.Random, start: dt.datetime, customer: str, agent: tuple[str, str], stats: dict
) -> dict[str, Any]:
    """One closed thread; ``stats[agent email]`` collects the report's per-agent numbers."""
    tid = _id(rng)
    events: list[dict[str, Any]] = []

    def event(kind: str, author: str | None, at: dt.datetime, text: str, **extra: Any) -> None:
        events.append(
            {
                "id": f"{tid}_{len(events) + 1}",
                "created_at": iso(at),
                "visibility": extra.pop("visibility", "all"),
                "type": kind,
                "text": text,
                **({"author_id": author} if author else {}),
                **extra,
            }
        )

    event("message", customer, start, "Hi, I have a question about my order.")
    queue_s = rng.randrange(0, 90)
    answered = rng.random() > 0.12
    user_ids = [customer]
    properties: dict[str, Any] = {"routing": {"continuous": False, "idle": False}}
    if answered:
        email, name = agent
        user_ids.append(email)
        joined = start + dt.timedelta(seconds=queue_s)
        event(
            "system_message",
            None,
            joined,
            f"{name} joined the chat",
            system_message_type="routing.assigned",
        )
        first = joined + dt.timedelta(
            seconds=rng.randrange(3, 60), microseconds=rng.randrange(10**6)
        )
        event("message", email, first, "Hello! Let me check that for you.")
        t = first
        if rng.random() < 0.3:
            t += dt.timedelta(seconds=rng.randrange(5, 60))
            event("message", email, t, "note: check the courier", visibility="agents")
        for _ in range(rng.randrange(1, 4)):
            t += dt.timedelta(seconds=rng.randrange(20, 180))
            event("message", customer, t, "Thanks, and what about the invoice?")
            t += dt.timedelta(seconds=rng.randrange(10, 120))
            event("message", email, t, "It is on its way.")
        t += dt.timedelta(seconds=rng.randrange(10, 60))
        event(
            "system_message",
            None,
            t,
            f"{name} archived the chat",
            system_message_type="manual_archived_agent",
        )
        s = stats[email]
        s["chats_count"] += 1
        s["frt"].append((first - start).total_seconds())
        s["chatting_time"] += int((t - joined).total_seconds())
        if rng.random() < 0.4:
            score = 1 if rng.random() < 0.75 else 0
            properties["rating"] = {"score": score, "comment": "fast" if score else "slow"}
            s["chats_rated_good" if score else "chats_rated_bad"] += 1
    else:
        gone = start + dt.timedelta(seconds=queue_s + rng.randrange(30, 120))
        event(
            "system_message",
            None,
            gone,
            "Customer left the chat",
            system_message_type="customer_left",
        )
        queue_s = int((gone - start).total_seconds())
    return {
        "id": tid,
        "created_at": iso(start),
        "active": False,
        "user_ids": user_ids,
        "events": events,
        "properties": properties,
        "access": {"group_ids": [0]},
        "tags": ["synthetic"],
        "queues_duration": queue_s,
    }


def chat(rng: random.Random, n: int, stats: dict) -> dict[str, Any]:
    """Chat ``n`` (1-based) with one thread, or two when the customer came back."""
    customer = f"{rng.getrandbits(32):08x}-0000-4000-8000-{n:012d}"
    agent = AGENTS[n % len(AGENTS)]
    day = (n - 1) % 5
    start = BASE + dt.timedelta(
        days=day, seconds=rng.randrange(0, 9 * 3600), microseconds=rng.randrange(10**6)
    )
    threads = [thread(rng, start, customer, agent, stats)]
    if n % 6 == 0:
        later = start + dt.timedelta(hours=rng.randrange(2, 20))
        threads.append(thread(rng, later, customer, agent, stats))
        threads[0]["next_thread_id"] = threads[1]["id"]
        threads[1]["previous_thread_id"] = threads[0]["id"]
    agents_on = {u for t in threads for u in t["user_ids"] if "@" in u}
    users = [
        {
            "id": customer,
            "type": "customer",
            "name": f"Customer {n}",
            "email": f"customer{n}@example.com",
            "events_seen_up_to": threads[-1]["events"][-1]["created_at"],
            "created_at": iso(start),
        }
    ] + [
        {
            "id": email,
            "type": "agent",
            "name": name,
            "email": email,
            "present": False,
            "events_seen_up_to": threads[-1]["events"][-1]["created_at"],
            "avatar": "https://cdn.example.com/avatar.png",
            "visibility": "all",
        }
        for email, name in AGENTS
        if email in agents_on
    ]
    return {
        "id": _id(rng),
        "users": users,
        "threads": threads,
        "properties": {"routing": {"continuous": False}},
        "access": {"group_ids": [0]},
        "is_followed": False,
    }


def performance_report(stats: dict) -> dict[str, Any]:
    """The ``agents/performance`` response for the generated threads."""
    records = {}
    for email, s in stats.items():
        frt = s["frt"]
        accepting = 8 * 3600 * 5 - 1800
        records[email] = {
            "accepting_chats_time": accepting,
            "chats_count": s["chats_count"],
            "chats_rated_bad": s["chats_rated_bad"],
            "chats_rated_good": s["chats_rated_good"],
            "chatting_time": s["chatting_time"],
            "first_response_chats_count": len(frt),
            "first_response_time": sum(frt) / len(frt) if frt else 0,
            "logged_in_time": accepting + 1800,
            "not_accepting_chats_time": 1800,
        }
    counts = [r["first_response_chats_count"] for r in records.values()]
    weighted = sum(
        r["first_response_time"] * r["first_response_chats_count"] for r in records.values()
    )
    summary = {
        key: sum(r[key] for r in records.values())
        for key in (
            "chats_count",
            "chats_rated_bad",
            "chats_rated_good",
            "first_response_chats_count",
        )
    }
    summary["first_response_time"] = weighted / sum(counts) if sum(counts) else 0
    return {"name": "performance-report", "records": records, "summary": summary}


def write(out_dir: Path, seed: int = 29, count: int = 48) -> list[Path]:
    """Write ``list_archives.json`` (``count`` chats) and ``agents_performance.json``."""
    rng = random.Random(seed)
    stats = {
        email: {
            "chats_count": 0,
            "chats_rated_good": 0,
            "chats_rated_bad": 0,
            "chatting_time": 0,
            "frt": [],
        }
        for email, _ in AGENTS
    }
    chats = [chat(rng, n, stats) for n in range(1, count + 1)]
    out_dir.mkdir(parents=True, exist_ok=True)
    archives = out_dir / "list_archives.json"
    page = {
        "chats": chats,
        "found_chats": len(chats),
        "next_page_id": None,
        "previous_page_id": None,
    }
    archives.write_text(json.dumps(page, indent=1) + "\n", encoding="utf-8")
    report = out_dir / "agents_performance.json"
    report.write_text(json.dumps(performance_report(stats), indent=2) + "\n", encoding="utf-8")
    return [archives, report]


def write_samples(root: Path, seed: int = 29) -> list[Path]:
    """Write the sample files under ``root/livechat``."""
    return write(root / "livechat", seed)


if __name__ == "__main__":
    for written in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "sample_data")):
        print(written)
