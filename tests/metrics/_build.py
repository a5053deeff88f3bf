"""Tiny canonical fixtures: insert rows into a memory warehouse with one call per row.

Times are written as 'YYYY-MM-DD HH:MM[:SS]' strings and read as UTC. Keys follow the schema's
'<source_system>:<source_id>' convention with source_system 't'.
"""

from __future__ import annotations

from typing import Any

import duckdb

from supportstats.db import connect, memory_warehouse

SRC = "t"


def ts(value: str | None) -> str | None:
    return None if value is None else value + "+00"


class Warehouse:
    """A memory warehouse plus helpers that fill in the boring columns."""

    def __init__(self, path: str | None = None) -> None:
        self.conn: duckdb.DuckDBPyConnection = connect(path) if path else memory_warehouse()
        self._n = 0

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        cols = ", ".join(row)
        marks = ", ".join(f"${k}" for k in row)
        self.conn.execute(f"insert into {table} ({cols}) values ({marks})", row)

    def conv(self, cid: str, created: str, **kw: Any) -> str:
        """A conversation; vendor columns in ``kw`` (src_*, custom_attributes, ...) go to its
        conversation_source row, as an importer writes them."""
        key = f"{SRC}:{cid}"
        side = {k: kw.pop(k) for k in list(kw) if k in self._side_columns()}
        if side:
            self._insert("conversation_source", {"conversation_key": key, **side})
        row = {
            "source_system": SRC,
            "source_id": cid,
            "kind": kw.pop("kind", "chat"),
            "channel": kw.pop("channel", "chat"),
            "created_at": ts(created),
        }
        for key in ("assignee", "team", "queue"):
            if key in kw:
                col = {"assignee": "assignee_agent_key", "team": "team_key", "queue": "queue_key"}
                row[col[key]] = f"{SRC}:{kw.pop(key)}"
        row.update(kw)
        self._insert("conversation", row)
        return key

    def _side_columns(self) -> set[str]:
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'conversation_source' AND column_name <> 'conversation_key'"
            ).fetchall()
        }

    def msg(self, cid: str, at: str, role: str = "customer", agent: str | None = None, **kw: Any):
        mid = self._id("m")
        row = {
            "conversation_key": f"{SRC}:{cid}",
            "source_system": SRC,
            "source_id": mid,
            "created_at": ts(at),
            "author_role": role,
            "author_agent_key": f"{SRC}:{agent}" if agent else None,
        }
        row.update(kw)
        self._insert("message", row)

    def ev(self, cid: str, at: str, event_type: str, **kw: Any) -> None:
        eid = self._id("e")
        row = {
            "conversation_key": f"{SRC}:{cid}",
            "source_system": SRC,
            "source_id": eid,
            "occurred_at": ts(at),
            "event_type": event_type,
        }
        row.update(kw)
        self._insert("conversation_event", row)

    def eng(
        self,
        cid: str,
        agent: str,
        start: str,
        end: str | None = None,
        accepted: str | None = None,
        first_msg: str | None = None,
        **kw: Any,
    ) -> None:
        gid = self._id("g")
        row = {
            "engagement_key": f"{SRC}:{gid}",
            "conversation_key": f"{SRC}:{cid}",
            "source_system": SRC,
            "source_id": gid,
            "agent_key": f"{SRC}:{agent}",
            "started_at": ts(start),
            "accepted_at": ts(accepted),
            "first_agent_message_at": ts(first_msg),
            "ended_at": ts(end),
        }
        row.update(kw)
        self._insert("engagement", row)

    def rate(self, cid: str, at: str, raw: str, scale: str = "1-5", **kw: Any) -> None:
        rid = self._id("r")
        agent = kw.pop("agent", None)
        row = {
            "conversation_key": f"{SRC}:{cid}",
            "source_system": SRC,
            "source_id": rid,
            "rated_at": ts(at),
            "offered_at": ts(kw.pop("offered", at)),
            "scale": scale,
            "raw_value": raw,
            "agent_key_at_rating": f"{SRC}:{agent}" if agent else None,
        }
        row.update(kw)
        self._insert("rating", row)

    def status(self, agent: str, start: str, end: str | None, cls: str) -> None:
        sid = self._id("s")
        self._insert(
            "agent_status_interval",
            {
                "status_key": f"{SRC}:{sid}",
                "agent_key": f"{SRC}:{agent}",
                "source_system": SRC,
                "source_id": sid,
                "started_at": ts(start),
                "ended_at": ts(end),
                "status_raw": cls,
                "status_class": cls,
            },
        )

    def agent(self, aid: str, name: str | None = None, team: str | None = None) -> None:
        self._insert(
            "agent",
            {"agent_key": f"{SRC}:{aid}", "source_system": SRC, "source_id": aid, "name": name},
        )
        if team:
            self._insert("agent_team", {"agent_key": f"{SRC}:{aid}", "team_key": f"{SRC}:{team}"})

    def team(self, tid: str, name: str) -> None:
        self._insert(
            "team",
            {"team_key": f"{SRC}:{tid}", "source_system": SRC, "source_id": tid, "name": name},
        )

    def schedule(self, sid: str, tz: str, hours: dict[int, tuple[int, int]], holidays=()) -> None:
        """hours: day_of_week (0=Sunday) -> (open_minute, close_minute)."""
        key = f"{SRC}:{sid}"
        self._insert(
            "schedule",
            {"schedule_key": key, "source_system": SRC, "source_id": sid, "timezone": tz},
        )
        for dow, (a, b) in hours.items():
            self._insert(
                "schedule_interval",
                {"schedule_key": key, "day_of_week": dow, "open_minute": a, "close_minute": b},
            )
        for start, end in holidays:
            self._insert(
                "schedule_holiday", {"schedule_key": key, "start_date": start, "end_date": end}
            )

    def queue(self, qid: str, schedule: str | None = None, channel: str = "chat") -> None:
        self._insert(
            "queue",
            {
                "queue_key": f"{SRC}:{qid}",
                "source_system": SRC,
                "source_id": qid,
                "name": qid,
                "channel": channel,
                "schedule_key": f"{SRC}:{schedule}" if schedule else None,
            },
        )


def four_tickets_with_frt_targets(wh: Warehouse) -> None:
    """SLA fixture on 2024-03-04: first-response targets high 1 h, any other priority 4 h;
    p1 high answered in 30 min (met), p2 high in 2 h (breached), p3 low in 2 h (met), p4 low
    never answered (breached: open past its target)."""
    wh.conn.execute(
        "insert into sla_target (policy_key, metric, priority, target_s) values "
        "('t:p', 'first_response', 'high', 3600), ('t:p', 'first_response', null, 14400)"
    )
    for cid, prio, reply in (("p1", "high", "09:30"), ("p2", "high", "11:00"),
                             ("p3", "low", "11:00"), ("p4", "low", None)):  # fmt: skip
        wh.conv(cid, "2024-03-04 09:00", priority=prio, kind="ticket", channel="email")
        wh.msg(cid, "2024-03-04 09:00")
        if reply:
            wh.msg(cid, f"2024-03-04 {reply}", "agent", "a1")
