"""What a person meets on a year of data: fresh-process reports over stored facts.

Builds a warehouse the way a user would: a year of conversations in the canonical flat format
(half chat, a quarter email, a quarter voice; chats and calls with an engagement each;
shortcut columns first_response_at and resolved_at; a 1-5 CSAT on every fifth), optionally
with messages, imported with ``supportstats import``. Then times, each as a fresh process
(the CLI starts one per command) and next to its floor measured in the same run:

* the import (with facts upkeep) against a bare DuckDB ``read_csv`` of the same files and
  against the same import with no stored facts to keep;
* ``supportstats report agents`` and ``report scorecard`` for one week and the whole year,
  against the bare per-agent query (count, median first response, mean engagement time) of
  the same period in a fresh Python process that imports only duckdb;
* importing one more day (3,000 conversations with messages): with facts upkeep and without;
* ``supportstats --help`` and ``report agents --help`` against importing typer and rich.

Each read runs ``--repeat`` times (default 3); the table shows the fastest and the peak RSS
of that process (``os.wait4``, the child's own). Usage::

    python bench/facts_bench.py --conversations 1000000
    python bench/facts_bench.py --conversations 10000000 --repeat 2
    python bench/facts_bench.py --conversations 100000 --messages 5   # a quick check
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLI = str(BIN / "supportstats")
YEAR = ("2024-01-01", "2024-12-31")
WEEK = ("2024-06-03", "2024-06-09")

FLOOR = """
import sys, duckdb
c = duckdb.connect(sys.argv[1], read_only=True)
rows = c.execute('''
    with conv as (
        select assignee_agent_key as agent, count(*) as conversations,
               median(epoch(first_response_at) - epoch(created_at)) as frt_median_s
        from conversation
        where created_at >= $start::timestamptz and created_at < $end::timestamptz
        group by 1
    ), eng as (
        select agent_key as agent, avg(epoch(ended_at) - epoch(started_at)) as handle_mean_s
        from engagement
        where started_at >= $start::timestamptz and started_at < $end::timestamptz
        group by 1
    )
    select * from conv full join eng using (agent)
''', {"start": sys.argv[2], "end": sys.argv[3]}).fetchall()
print(len(rows))
"""

# argv: warehouse, "facts" or "nofacts", files. With facts, as `supportstats import` does:
# each file in its own transaction, then one update of the facts for all of them. Without,
# the warehouse is opened without building them, and an import keeps facts only where they
# exist.
IMPORT = """
import sys
from supportstats.db import connect
from supportstats.importers import import_file
from supportstats.metrics import stored
facts = sys.argv[2] == "facts"
c = connect(sys.argv[1], build_facts=facts)
current = facts and stored.is_current(c)
batches = [import_file(c, path, keep_facts=False).batch_id for path in sys.argv[3:]]
if facts:
    stored.refresh(c, batches, current, own=True)
c.close()
"""

BARE_READ = """
import sys, duckdb
c = duckdb.connect(sys.argv[1])
for i, path in enumerate(sys.argv[2:]):
    c.execute(f"create table t{i} as select * from read_csv($p)", {"p": path})
"""


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one fresh process; its output is discarded."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def best(args: list[str], repeat: int) -> tuple[float, float]:
    runs = [run(args) for _ in range(repeat)]
    return min(runs)


def write_year(folder: Path, n: int, messages: int) -> list[Path]:
    """Conversations, engagements (and messages) of a year, in time order, as CSV files."""
    con = duckdb.connect()
    step = 365 * 86400 / n
    conv = folder / f"conversations_{n}.csv"
    con.execute(
        f"""copy (
        select 'c' || i as conversation_id,
            timestamptz '2024-01-01 00:00:00+00' + to_microseconds((i * {step} * 1e6)::bigint)
                as created_at,
            ['chat', 'chat', 'ticket', 'call'][1 + i % 4] as kind,
            ['chat', 'chat', 'email', 'voice'][1 + i % 4] as channel,
            ['Chat', 'Chat', 'Email', 'Phone'][1 + i % 4] as queue,
            'team_' || (i % 10) as team,
            'agent_' || (i % 500) as agent,
            'resolved' as status,
            timestamptz '2024-01-01 00:00:00+00' + to_microseconds((i * {step} * 1e6)::bigint)
                + to_seconds(20 + hash(i) % 600) as first_response_at,
            timestamptz '2024-01-01 00:00:00+00' + to_microseconds((i * {step} * 1e6)::bigint)
                + to_seconds(900 + hash(i) % 86400) as resolved_at,
            case when i % 5 = 0 then (1 + hash(i * 3) % 5)::varchar end as csat,
            case when i % 5 = 0 then '1-5' end as csat_scale
        from range({n}) t(i)
        ) to '{conv}' (header)"""
    )
    eng = folder / f"engagements_{n}.csv"
    con.execute(
        f"""copy (
        select 'g' || i as engagement_id, 'c' || i as conversation_id,
            'agent_' || (i % 500) as agent,
            t0 + interval 5 second as started_at, t0 + interval 20 second as accepted_at,
            t0 + to_seconds(300 + hash(i) % 900) as ended_at
        from (select i, timestamptz '2024-01-01 00:00:00+00'
                     + to_microseconds((i * {step} * 1e6)::bigint) as t0
              from range({n}) t(i) where i % 4 in (0, 1, 3))
        ) to '{eng}' (header)"""
    )
    files = [conv, eng]
    if messages:
        msg = folder / f"messages_{n}.csv"
        con.execute(
            f"""copy (
            select 'm' || i || '_' || k as message_id, 'c' || i as conversation_id,
                t0 + to_seconds(k * 60) as created_at,
                case when k % 2 = 0 then 'customer' else 'agent' end as author_role,
                case when k % 2 = 1 then 'agent_' || (i % 500) end as author
            from (select i, timestamptz '2024-01-01 00:00:00+00'
                         + to_microseconds((i * {step} * 1e6)::bigint) as t0
                  from range({n}) t(i)), range({messages}) r(k)
            ) to '{msg}' (header)"""
        )
        files.append(msg)
    return files


def write_day(folder: Path) -> list[Path]:
    """One more day: 3,000 conversations (2025-01-01) with three messages each."""
    con = duckdb.connect()
    conv, msg = folder / "day_conversations.csv", folder / "day_messages.csv"
    con.execute(
        f"""copy (
        select 'day' || i as conversation_id,
            timestamptz '2025-01-01 00:00:00+00' + to_seconds(i * 28) as created_at,
            ['chat', 'ticket'][1 + i % 2] as kind, ['chat', 'email'][1 + i % 2] as channel,
            'agent_' || (i % 500) as agent
        from range(3000) t(i)) to '{conv}' (header)"""
    )
    con.execute(
        f"""copy (
        select 'daym' || i || '_' || k as message_id, 'day' || i as conversation_id,
            timestamptz '2025-01-01 00:00:00+00' + to_seconds(i * 28 + k * 60) as created_at,
            case when k = 1 then 'agent' else 'customer' end as author_role,
            case when k = 1 then 'agent_' || (i % 500) end as author
        from range(3000) t(i), range(3) r(k)) to '{msg}' (header)"""
    )
    return [conv, msg]


def line(label: str, seconds: float, peak_mb: float, floor: float | None = None) -> None:
    ratio = f"{seconds / floor:6.1f}x floor" if floor else ""
    print(f"{label:<52} {seconds:7.2f} s  {peak_mb:7.0f} MB  {ratio}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conversations", type=int, default=1_000_000)
    ap.add_argument("--messages", type=int, default=0, help="Messages per conversation.")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/supportstats-facts-bench"))
    ap.add_argument("--reuse", action="store_true", help="Reuse the warehouse of a last run.")
    args = ap.parse_args()
    n = args.conversations
    work = args.workdir / f"{n}_{args.messages}"
    work.mkdir(parents=True, exist_ok=True)
    db = work / "year.duckdb"
    print(f"{n:,} conversations over 2024 ({args.messages} messages each), {os.cpu_count()} "
          f"cores, fresh process per line", flush=True)  # fmt: skip
    if not (args.reuse and db.exists()):
        files = write_year(work, n, args.messages)
        for p in (db, work / "bare.duckdb", work / "nofacts.duckdb"):
            p.unlink(missing_ok=True)
        os.sync()
        bare = run([sys.executable, "-c", BARE_READ, str(work / "bare.duckdb"), *map(str, files)])
        line("import floor: bare read_csv of the files", *bare)
        os.sync()
        plain = run([sys.executable, "-c", IMPORT, str(work / "nofacts.duckdb"), "nofacts",
                     *map(str, files)])  # fmt: skip
        line("import without stored facts", *plain, floor=bare[0])
        os.sync()
        ours = run([sys.executable, "-c", IMPORT, str(db), "facts", *map(str, files)])
        line("import keeping stored facts", *ours, floor=bare[0])
        print(f"  facts upkeep adds {ours[0] - plain[0]:.2f} s: import {ours[0] / bare[0]:.2f}x "
              f"bare with facts, {plain[0] / bare[0]:.2f}x without", flush=True)  # fmt: skip
        (work / "bare.duckdb").unlink()
        (work / "nofacts.duckdb").unlink()
    for label, (start, end) in (("one week", WEEK), ("whole year", YEAR)):
        end_excl = str(duckdb.sql(f"select date '{end}' + 1").fetchall()[0][0])
        floor = best([sys.executable, "-c", FLOOR, str(db), start, end_excl], args.repeat)
        line(f"floor: bare per-agent query, {label}", *floor)
        for cmd in (["report", "agents"], ["report", "scorecard"]):
            t = best([CLI, *cmd, "--db", str(db), "--from", start, "--to", end, "--format",
                      "csv"], args.repeat)  # fmt: skip
            line(f"supportstats {' '.join(cmd)}, {label}", *t, floor=floor[0])
    floor = best([sys.executable, "-c", "import typer, rich.console, rich.table"], args.repeat)
    line("floor: python importing typer and rich", *floor)
    for cmd in (["--help"], ["report", "agents", "--help"]):
        line(f"supportstats {' '.join(cmd)}", *best([CLI, *cmd], args.repeat), floor=floor[0])
    day = write_day(work)
    with_facts, without = work / "day_facts.duckdb", work / "day_nofacts.duckdb"
    shutil.copy(db, with_facts)
    shutil.copy(db, without)
    con = duckdb.connect(str(without))
    con.execute("drop table fact_state")
    con.close()
    os.sync()
    t_without = run([sys.executable, "-c", IMPORT, str(without), "nofacts", *map(str, day)])
    line("one more day (3,000 conversations), no stored facts", *t_without)
    os.sync()
    t_with = run([sys.executable, "-c", IMPORT, str(with_facts), "facts", *map(str, day)])
    line("one more day, facts kept", *t_with)
    print(f"  facts upkeep for one day adds {t_with[0] - t_without[0]:.2f} s", flush=True)
    with_facts.unlink()
    without.unlink()


if __name__ == "__main__":
    main()
