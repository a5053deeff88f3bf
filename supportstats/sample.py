"""A seeded generator of a realistic multi-channel support operation, in the flat format.

What it models (all numbers are defaults of :class:`SampleSpec`):

* contacts over ``days`` days with weekly seasonality (Saturday half, Sunday a third of a
  weekday) and an intraday profile peaking late morning and mid-afternoon, local time
  Europe/Madrid (the start date is in winter, so local = UTC + 1 throughout);
* channels: chat 55 %, email 30 %, messaging 15 %;
* agents on shifts (early 08-16, late 12-20 local, Monday to Friday, a small Saturday crew),
  each chat agent working up to 3 chats at once and experts up to 6, with handle time growing
  by 15 % per chat already open;
* a chat queue simulated in arrival order: the chat waits for the first free slot of a Chat
  team agent on shift, plus a pick-up delay that grows with that agent's load; customers
  abandon with exponential patience (mean 180 s);
* bots answering the first message of 30 % of chats and messaging contacts (a greeting);
* email and messaging answered in business hours with log-normal first-response delays;
  8 % of resolved tickets reopen with a customer reply and are resolved again;
* CSAT offered after resolution, answered by 35 %, positive less often the longer the wait;
* agent status intervals (online, a 30-minute break, offline) matching the shifts;
* business hours (Mon-Fri 08:00-20:00, Sat 10:00-14:00 Europe/Madrid) and one holiday.

The chat queue is simulated with a heap in arrival order (it is sequential by nature); every
other column is drawn with vectorised numpy. Output: CSV files importable with
``supportstats import DIR/*.csv``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

LOCAL_UTC_OFFSET_H = 1  # Europe/Madrid in winter
INTRADAY = np.array(
    # local hours 0..23: quiet nights, peaks at 10-12 and 15-17
    [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 6, 9, 11, 11, 9, 8, 9, 10, 10, 8, 6, 4, 3, 2, 1.5, 1.2],
    dtype=float,
)
WEEKLY = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.5, 0.33])  # Monday..Sunday
FILES = (
    "agents.csv",
    "schedules.csv",
    "holidays.csv",
    "conversations.csv",
    "messages.csv",
    "events.csv",
    "engagements.csv",
    "ratings.csv",
    "agent_status.csv",
)


@dataclass(frozen=True)
class SampleSpec:
    """Knobs of the generator (the defaults describe a mid-sized chat-first team)."""

    conversations: int = 6000
    seed: int = 7
    start: str = "2026-01-05"  # a Monday
    days: int = 28
    agents: int = 10
    experts: int = 2
    chat_share: float = 0.55
    email_share: float = 0.30
    patience_mean_s: float = 180.0
    accept_delay_mean_s: float = 10.0
    chat_handle_mean_s: float = 600.0
    bot_share: float = 0.30
    reopen_share: float = 0.08
    csat_response_rate: float = 0.35


def _agents(spec: SampleSpec) -> pd.DataFrame:
    n = spec.agents
    ids = [f"agent_{i + 1:02d}" for i in range(n)]
    names = [
        "Ana García",
        "Luis Pérez",
        "Marta Ruiz",
        "Jorge Díaz",
        "Lucía Romero",
        "Pablo Torres",
        "Elena Navarro",
        "Diego Molina",
        "Sara Ortega",
        "Iván Castro",
        "Nuria Gil",
        "Raúl Vega",
        "Clara Ramos",
        "Óscar Soto",
        "Irene León",
        "Hugo Prieto",
        "Alba Méndez",
        "Marcos Cano",
    ]
    frame = pd.DataFrame(
        {
            "agent_id": ids,
            "name": [names[i % len(names)] for i in range(n)],
            "email": [f"{i}@example.com" for i in ids],
            "role": ["agent"] * n,
            "team": ["Chat" if i % 2 == 0 else "Tickets" for i in range(n)],
            "is_bot": ["false"] * n,
        }
    )
    bot = pd.DataFrame(
        {
            "agent_id": ["bot"],
            "name": ["Welcome bot"],
            "email": [""],
            "role": ["bot"],
            "team": [""],
            "is_bot": ["true"],
        }
    )
    return pd.concat([frame, bot], ignore_index=True)


def _shifts(spec: SampleSpec) -> list[list[tuple[float, float]]]:
    """Per agent, sorted (start, end) shift windows in seconds from the start (UTC)."""
    shifts: list[list[tuple[float, float]]] = []
    for a in range(spec.agents):
        early = (a // 2) % 2 == 0  # both teams have early and late shifts
        windows = []
        for d in range(spec.days):
            weekday = d % 7
            if weekday == 6:
                continue
            if weekday == 5 and a % 4 != 0:
                continue  # a small Saturday crew
            start_h, end_h = ((8, 16) if early else (12, 20)) if weekday < 5 else (10, 14)
            base = d * 86400 - LOCAL_UTC_OFFSET_H * 3600
            windows.append((base + start_h * 3600.0, base + end_h * 3600.0))
        shifts.append(windows)
    return shifts


def _arrivals(spec: SampleSpec, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival times (seconds from the start, UTC) with weekly and intraday shape."""
    day_w = np.array([WEEKLY[d % 7] for d in range(spec.days)])
    hour_w = INTRADAY / INTRADAY.sum()
    weights = (day_w[:, None] * hour_w[None, :]).ravel()
    cells = rng.choice(weights.size, size=spec.conversations, p=weights / weights.sum())
    local = cells * 3600.0 + rng.uniform(0, 3600, spec.conversations)
    return np.sort(np.round(local - LOCAL_UTC_OFFSET_H * 3600))


def _on_shift(windows: list[tuple[float, float]], t: float) -> float | None:
    """``t`` if the agent is on shift then, else the next shift start (None: no more)."""
    for start, end in windows:
        if t < end:
            return max(t, start)
    return None


def _simulate_chats(
    spec: SampleSpec,
    arrivals: np.ndarray,
    rng: np.random.Generator,
    shifts: list[list[tuple[float, float]]],
) -> dict[str, np.ndarray]:
    """Queue chats in arrival order onto agent slots; return per-chat outcome arrays."""
    n = arrivals.size
    patience = rng.exponential(spec.patience_mean_s, n)
    base_handle = rng.lognormal(np.log(spec.chat_handle_mean_s) - 0.18, 0.6, n)
    accept_delay = rng.exponential(spec.accept_delay_mean_s, n)
    chat_agents = [a for a in range(spec.agents) if a % 2 == 0]  # the Chat team
    capacity = {a: (6 if a < 2 * spec.experts else 3) for a in chat_agents}
    heap: list[tuple[float, int, int]] = []
    for a in chat_agents:
        first = _on_shift(shifts[a], 0.0)
        if first is not None:
            for s in range(capacity[a]):
                heapq.heappush(heap, (first, a, s))
    open_ends: dict[int, list[float]] = {a: [] for a in chat_agents}
    agent = np.full(n, -1)
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    load = np.zeros(n, dtype=int)
    for i in range(n):
        t = arrivals[i]
        while heap:
            free, a, s = heap[0]
            when = _on_shift(shifts[a], max(free, t))
            if when is None:
                heapq.heappop(heap)  # the agent has no shift left
                continue
            if when != max(free, t):
                heapq.heapreplace(heap, (when, a, s))
                continue
            break
        if not heap:
            continue
        free, a, s = heap[0]
        # A busy agent takes longer to pick up a new chat than an idle one.
        busy = sum(1 for e in open_ends[a] if e > max(free, t))
        begin = max(free, t) + accept_delay[i] * (1.0 + busy)
        if begin - t > patience[i]:
            continue  # the customer left before an agent picked the chat up
        ends = [e for e in open_ends[a] if e > begin]
        handle = base_handle[i] * (1.0 + 0.15 * len(ends))
        ends.append(begin + handle)
        open_ends[a] = ends
        heapq.heapreplace(heap, (begin + handle, a, s))
        agent[i], start[i], end[i], load[i] = a, begin, begin + handle, len(ends)
    return {"agent": agent, "start": start, "end": end, "patience": patience, "load": load}


def _ts(start: pd.Timestamp, seconds: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings ('...Z') for seconds after ``start``; NaN gives ''."""
    out = np.full(seconds.shape, "", dtype=object)
    ok = ~np.isnan(seconds)
    stamps = (start + pd.to_timedelta(np.round(seconds[ok]), unit="s")).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    out[ok] = np.asarray(stamps)
    return out


def _business_delay(
    created: np.ndarray, delay: np.ndarray, shifts_union: list[tuple[float, float]]
) -> np.ndarray:
    """Move a reply that falls outside staffed hours to the next opening plus a little."""
    opens = np.array([w[0] for w in shifts_union])
    closes = np.array([w[1] for w in shifts_union])
    t = created + delay
    idx = np.searchsorted(closes, t, side="right")
    idx = np.minimum(idx, len(opens) - 1)
    inside = t >= opens[idx]
    return np.where(inside, t, opens[idx] + (delay % 1800.0))


def generate(spec: SampleSpec) -> dict[str, pd.DataFrame]:
    """Build every flat file of the sample as DataFrames (strings, ready for CSV)."""
    rng = np.random.default_rng(spec.seed)
    start = pd.Timestamp(spec.start, tz="UTC")
    shifts = _shifts(spec)
    union = sorted({w for ws in shifts for w in ws})
    merged: list[tuple[float, float]] = []
    for s, e in union:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))

    arrivals = _arrivals(spec, rng)
    n = arrivals.size
    channel = rng.choice(
        ["chat", "email", "messaging"],
        size=n,
        p=[spec.chat_share, spec.email_share, 1 - spec.chat_share - spec.email_share],
    )
    ids = np.array([f"C{i + 1:07d}" for i in range(n)])
    is_chat = channel == "chat"
    chat_idx = np.flatnonzero(is_chat)
    sim = _simulate_chats(spec, arrivals[chat_idx], rng, shifts)

    agent_ids = np.array([f"agent_{i + 1:02d}" for i in range(spec.agents)])
    agent = np.full(n, "", dtype=object)
    accepted = np.full(n, np.nan)
    ended = np.full(n, np.nan)
    answered = np.zeros(n, dtype=bool)
    wait = np.full(n, np.nan)
    got = sim["agent"] >= 0
    agent[chat_idx[got]] = agent_ids[sim["agent"][got]]
    accepted[chat_idx[got]] = sim["start"][got]
    ended[chat_idx[got]] = sim["end"][got]
    answered[chat_idx[got]] = True
    wait[chat_idx] = np.where(got, sim["start"] - arrivals[chat_idx], np.nan)
    abandoned_at = np.full(n, np.nan)
    abandoned_at[chat_idx[~got]] = arrivals[chat_idx[~got]] + np.minimum(
        sim["patience"][~got], 3600
    )

    # Tickets (email, messaging): first reply in staffed hours, then resolution.
    tick = np.flatnonzero(~is_chat)
    delay = np.where(
        channel[tick] == "email",
        rng.lognormal(np.log(3 * 3600), 0.9, tick.size),
        rng.lognormal(np.log(20 * 60), 0.8, tick.size),
    )
    first_reply = _business_delay(arrivals[tick], delay, merged)
    ticket_team = np.arange(1, spec.agents, 2)  # the Tickets team
    ticket_agents = ticket_team[rng.integers(0, ticket_team.size, tick.size)]
    agent[tick] = agent_ids[ticket_agents]
    accepted[tick] = first_reply
    resolve_after = rng.lognormal(np.log(2 * 3600), 1.0, tick.size)
    ended[tick] = _business_delay(first_reply, resolve_after, merged)
    answered[tick] = True

    horizon = spec.days * 86400.0
    still_open = answered & (ended > horizon - 6 * 3600) & ~is_chat
    bot = rng.random(n) < np.where(channel == "email", 0.0, spec.bot_share)
    reopen = answered & ~is_chat & ~still_open & (rng.random(n) < spec.reopen_share)
    reopen_at = ended + rng.uniform(3600, 3 * 86400, n)
    reopen &= reopen_at < horizon - 3600
    second_resolve = _business_delay(reopen_at, rng.lognormal(np.log(3600), 0.7, n), merged)

    status = np.where(
        ~answered, "missed", np.where(still_open, "open", np.where(is_chat, "closed", "solved"))
    )
    priority = rng.choice(["low", "normal", "high", "urgent"], size=n, p=[0.2, 0.6, 0.15, 0.05])
    topics = np.array(["billing", "shipping", "returns", "account", "bug", "pricing"])
    topic = topics[rng.integers(0, topics.size, n)]
    conversations = pd.DataFrame(
        {
            "conversation_id": ids,
            "created_at": _ts(start, arrivals),
            "kind": np.where(is_chat, "chat", "ticket"),
            "channel": channel,
            "queue": np.where(
                is_chat, "Web chat", np.where(channel == "email", "Email", "WhatsApp")
            ),
            "team": np.where(is_chat, "Chat", "Tickets"),
            "agent": agent,
            "contact": np.array([f"cust_{i:06d}" for i in rng.integers(0, max(n // 2, 1), n)]),
            "initiated_by": "customer",
            "status": status,
            "priority": priority,
            "subject": np.char.add("Question about ", topic.astype(str)),
            "tags": topic,
        }
    )

    timeline = _Timeline(
        start=start,
        ids=ids,
        arrivals=arrivals,
        channel=channel,
        is_chat=is_chat,
        agent=agent,
        customer=conversations["contact"].to_numpy(dtype=object),
        accepted=accepted,
        ended=ended,
        answered=answered,
        bot=bot,
        still_open=still_open,
        abandoned_at=abandoned_at,
        reopen=reopen,
        reopen_at=reopen_at,
        second_resolve=second_resolve,
    )
    messages = _messages(timeline, rng)
    events = _events(timeline)
    engagements = pd.DataFrame(
        {
            "engagement_id": np.char.add(ids[chat_idx[got]].astype(str), "-e1"),
            "conversation_id": ids[chat_idx[got]],
            "agent": agent[chat_idx[got]],
            "started_at": _ts(start, accepted[chat_idx[got]]),
            "accepted_at": _ts(start, accepted[chat_idx[got]]),
            "first_message_at": _ts(start, accepted[chat_idx[got]] + 8),
            "ended_at": _ts(start, ended[chat_idx[got]]),
            "end_reason": "chat_end",
        }
    )
    # Ratings: offered after resolution, answered by some; worse the longer the wait.
    final_end = np.where(reopen, second_resolve, ended)
    rated = answered & ~still_open & (rng.random(n) < spec.csat_response_rate)
    p_good = np.clip(0.93 - np.nan_to_num(wait, nan=0.0) / 300.0 * 0.35, 0.3, 0.95)
    good = rng.random(n) < p_good
    score = np.where(good, rng.choice([4, 5], n, p=[0.35, 0.65]), rng.choice([1, 2, 3], n))
    ratings = pd.DataFrame(
        {
            "rating_id": np.char.add(ids[rated].astype(str), "-r"),
            "conversation_id": ids[rated],
            "rating": score[rated],
            "scale": "1-5",
            "offered_at": _ts(start, final_end[rated] + 60),
            "rated_at": _ts(start, final_end[rated] + rng.uniform(120, 7200, n)[rated]),
            "agent": agent[rated],
        }
    )
    return {
        "agents.csv": _agents(spec),
        "schedules.csv": _schedules(),
        "holidays.csv": pd.DataFrame(
            {"schedule_id": ["support_hours"], "date": ["2026-01-06"], "name": ["Epifanía"]}
        ),
        "conversations.csv": conversations,
        "messages.csv": messages,
        "events.csv": events,
        "engagements.csv": engagements,
        "ratings.csv": ratings,
        "agent_status.csv": _agent_status(spec, start, shifts, agent_ids),
    }


def _schedules() -> pd.DataFrame:
    rows = [
        ("support_hours", "Europe/Madrid", d, "08:00", "20:00")
        for d in ("mon", "tue", "wed", "thu", "fri")
    ]
    rows.append(("support_hours", "Europe/Madrid", "sat", "10:00", "14:00"))
    return pd.DataFrame(
        rows, columns=["schedule_id", "timezone", "day_of_week", "open_time", "close_time"]
    )


class _Rows:
    """Rows of one file, a few per conversation, added by mask and sorted by time at the end."""

    def __init__(self, start: pd.Timestamp, ids: np.ndarray, id_column: str, time_column: str):
        self.start, self.ids = start, ids
        self.id_column, self.time_column = id_column, time_column
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray, suffix: str, at: np.ndarray, **values: object) -> None:
        """One row per True in ``mask``; array values are per conversation, others constant."""
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        columns = {
            self.id_column: np.char.add(self.ids[idx].astype(str), suffix),
            "conversation_id": self.ids[idx],
            self.time_column: _ts(self.start, at[idx]),
        }
        for name, value in values.items():
            columns[name] = value[idx] if isinstance(value, np.ndarray) else value
        self.parts.append(pd.DataFrame({**columns, "_t": at[idx]}))

    def frame(self) -> pd.DataFrame:
        frame = pd.concat(self.parts, ignore_index=True)
        frame = frame.sort_values(["conversation_id", "_t"], kind="stable")
        return frame.drop(columns="_t").reset_index(drop=True)


@dataclass(frozen=True)
class _Timeline:
    """Per-conversation arrays (seconds from ``start``) the message and event files share."""

    start: pd.Timestamp
    ids: np.ndarray
    arrivals: np.ndarray
    channel: np.ndarray
    is_chat: np.ndarray
    agent: np.ndarray
    customer: np.ndarray
    accepted: np.ndarray
    ended: np.ndarray
    answered: np.ndarray
    bot: np.ndarray
    still_open: np.ndarray
    abandoned_at: np.ndarray
    reopen: np.ndarray
    reopen_at: np.ndarray
    second_resolve: np.ndarray


def _messages(t: _Timeline, rng: np.random.Generator) -> pd.DataFrame:
    """Customer opening message, bot greeting, agent replies, customer follow-ups."""
    n = t.ids.size
    rows = _Rows(t.start, t.ids, "message_id", "created_at")

    def add(mask, suffix, at, role, author, body, automation="none", visibility="public"):
        rows.add(
            mask, suffix, at, author_role=role, author=author, visibility=visibility,
            automation=automation, body=body,
        )  # fmt: skip

    add(np.ones(n, bool), "-m01", t.arrivals, "customer", t.customer, "Hola, necesito ayuda")
    greeting = "¡Hola! Un agente te atenderá enseguida."
    add(t.bot, "-m02", t.arrivals + 2, "bot", "bot", greeting, automation="greeting")
    first_agent = t.accepted + np.where(t.channel == "chat", 8, 0)
    hello = "Hola, soy tu agente. ¿En qué puedo ayudarte?"
    add(t.answered, "-m03", first_agent, "agent", t.agent, hello)
    mid = t.accepted + (t.ended - t.accepted) * 0.4
    add(t.answered, "-m04", mid, "customer", t.customer, "Gracias, os cuento el problema")
    internal = t.answered & (rng.random(n) < 0.1)
    add(internal, "-m05", mid + 30, "agent", t.agent, "Nota interna", visibility="internal")
    done = t.accepted + (t.ended - t.accepted) * 0.8
    add(t.answered, "-m06", done, "agent", t.agent, "Resuelto, ¡gracias!")
    add(t.reopen, "-m07", t.reopen_at, "customer", t.customer, "Vuelve a pasar")
    add(t.reopen, "-m08", t.second_resolve - 60, "agent", t.agent, "Corregido de nuevo")
    return rows.frame()


def _events(t: _Timeline) -> pd.DataFrame:
    """Queue, assignment, resolve and reopen events."""
    rows = _Rows(t.start, t.ids, "event_id", "occurred_at")

    def add(mask, suffix, at, etype, to_value=None, actor=None) -> None:
        rows.add(mask, suffix, at, event_type=etype, to_value=to_value, actor=actor)

    add(t.is_chat, "-e01", t.arrivals, "queue_enter", "Web chat")
    add(t.is_chat & t.answered, "-e02", t.accepted, "queue_exit", "accepted", t.agent)
    add(t.is_chat & ~t.answered, "-e03", t.abandoned_at, "abandon", "left_queue")
    add(t.answered, "-e04", t.accepted, "assignee", t.agent, t.agent)
    resolved = t.answered & ~t.still_open
    add(resolved, "-e05", t.ended, "resolve", "solved", t.agent)
    add(t.reopen, "-e06", t.reopen_at, "reopen", "open")
    add(t.reopen, "-e07", t.second_resolve, "resolve", "solved", t.agent)
    return rows.frame()


def _agent_status(spec, start, shifts, agent_ids) -> pd.DataFrame:
    rows = []
    for a, windows in enumerate(shifts):
        for s, e in windows:
            brk = s + (e - s) / 2
            rows.append((agent_ids[a], s, brk, "online"))
            rows.append((agent_ids[a], brk, brk + 1800, "break"))
            rows.append((agent_ids[a], brk + 1800, e, "online"))
    frame = pd.DataFrame(rows, columns=["agent", "s", "e", "status"])
    return pd.DataFrame(
        {
            "agent": frame["agent"],
            "started_at": _ts(start, frame["s"].to_numpy()),
            "ended_at": _ts(start, frame["e"].to_numpy()),
            "status": frame["status"],
            "channel": "chat",
        }
    )


def write_sample(spec: SampleSpec, out: Path) -> dict[str, int]:
    """Generate the sample and write one CSV per entity into ``out``; return row counts."""
    out.mkdir(parents=True, exist_ok=True)
    frames = generate(spec)
    counts = {}
    for name in FILES:
        frame = frames[name]
        frame.to_csv(out / name, index=False, lineterminator="\n")
        counts[name] = len(frame)
    return counts
