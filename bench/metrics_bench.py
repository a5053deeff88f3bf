"""Benchmark of the metrics layer on synthetic data, with a plain-pandas baseline.

    python bench/metrics_bench.py                      # 10M conversations, ~50M messages
    python bench/metrics_bench.py --conversations 200000   # a quick check

Synthetic data is generated directly in DuckDB SQL (a file in --workdir), then the stored
facts are built once (``metrics.stored``; an import keeps them). Timed, each cold (fresh
read-only connection: stored facts are read, concurrency segments swept) and warm (same
connection again: cached temp tables are reused, as repeated calls in one process do):

* the agent report (supportstats.reports.agent_report),
* the hourly volume series (metrics by interval, interval_min=60),
* concurrency per agent for all engagements.

The baseline is the same agent report in plain pandas (FRT, resolution, CSAT, volume,
concurrency sweep per agent), on DataFrames already in memory (loading them is not timed):
only the columns it needs, strings on Arrow memory, low-cardinality strings as categories.
It runs in a child process under a memory limit (--pandas-mem-gb, default 70 % of the memory
available at start): when it does not fit, the output says so and it is measured again on
every 2nd, 4th, ... conversation (hash of the key), the largest sample that fits, in the same
run. Peak memory is the maximum resident set size of the process (the child's for pandas).
Goals: agent report < 2 s warm on 2 cores and >= 5x faster than pandas; concurrency for 10M
engagements < 5 s.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supportstats.db import connect  # noqa: E402
from supportstats.metrics import MetricOptions, Period, concurrency, metrics_table, query, stored  # noqa: E402
from supportstats.metrics._sql import used_params  # noqa: E402
from supportstats.metrics.concurrency import live_stretches, segment_totals  # noqa: E402
from supportstats.metrics.table import FAMILIES  # noqa: E402
from supportstats.reports import agent_report  # noqa: E402

GENERATE = """
-- conversations spread over 365 days, every 5th chat rated
insert into conversation (source_system, source_id, kind, channel, queue_key,
    team_key, assignee_agent_key, created_at, status_current, priority)
select 'b', 'c' || i, 'chat', 'chat', 'b:q' || (i % 5), 'b:t' || (i % 10),
    'b:a' || (i % $agents),
    timestamptz '2024-01-01 00:00:00+00' + to_seconds((hash(i) % (365 * 86400))::bigint),
    'resolved', case when i % 3 = 0 then 'high' else 'low' end
from range($n) t(i);

insert into message (conversation_key, source_system, source_id, created_at,
    author_role, author_agent_key, visibility, automation)
select 'b:c' || c.i, 'b', 'm' || c.i || '_' || k,
    c.created_at + to_seconds(case when k = 0 then 0 else k * 60 + hash(c.i * 7 + k) % 50 end),
    case when k % 2 = 0 then 'customer' else 'agent' end,
    case when k % 2 = 1 then 'b:a' || (c.i % $agents) end,
    'public', 'none'
from (select i, timestamptz '2024-01-01 00:00:00+00'
             + to_seconds((hash(i) % (365 * 86400))::bigint) as created_at
      from range($n) t(i)) c,
     range(5) r(k);

insert into conversation_event (conversation_key, source_system, source_id,
    occurred_at, event_type)
select 'b:c' || i, 'b', 'e' || i || kind,
    timestamptz '2024-01-01 00:00:00+00' + to_seconds((hash(i) % (365 * 86400))::bigint)
        + to_seconds(case kind when 'queue_enter' then 0 else 1800 + hash(i) % 3600 end),
    kind
from range($n) t(i), (values ('queue_enter'), ('resolve')) v(kind);

insert into engagement (engagement_key, conversation_key, source_system, source_id, agent_key,
    started_at, accepted_at, first_agent_message_at, ended_at)
select 'b:g' || i, 'b:c' || i, 'b', 'g' || i, 'b:a' || (i % $agents),
    t0 + interval 20 second, t0 + interval 40 second, t0 + interval 90 second,
    t0 + to_seconds(600 + hash(i) % 900)
from (select i, timestamptz '2024-01-01 00:00:00+00'
             + to_seconds((hash(i) % (365 * 86400))::bigint) as t0 from range($n) t(i));

insert into rating (conversation_key, source_system, source_id, rated_at, scale,
    raw_value, score_norm, is_positive, is_negative, agent_key_at_rating)
select 'b:c' || i, 'b', 'r' || i,
    timestamptz '2024-01-02 00:00:00+00' + to_seconds((hash(i) % (365 * 86400))::bigint),
    '1-5', (1 + hash(i) % 5)::varchar, (hash(i) % 5) / 4.0, hash(i) % 5 >= 3, hash(i) % 5 < 2,
    'b:a' || (i % $agents)
from range($n) t(i) where i % 5 = 0;
"""


FAMILIES_TIMED = [
    "volume", "missed", "first_response", "handle_time", "engagements", "resolution", "csat",
    "concurrency", "utilisation",
]  # fmt: skip


def frame_of(
    conn: duckdb.DuckDBPyConnection, sql: str, categories: tuple[str, ...] = ()
) -> pd.DataFrame:
    """A DataFrame backed by Arrow memory: strings as Arrow strings, not Python objects (50M
    message rows as object strings do not fit in 24 GB next to the warehouse); the columns in
    ``categories`` (a handful of distinct values) as pandas categoricals."""
    data = conn.sql(sql).arrow()
    table = data.read_all() if hasattr(data, "read_all") else data
    for name in categories:
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.dictionary_encode(table.column(name)))

    def mapper(t: pa.DataType) -> object:
        return None if pa.types.is_dictionary(t) else pd.ArrowDtype(t)

    return table.to_pandas(types_mapper=mapper)


def rss_mb() -> float:
    """Peak resident set size of this process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, results: list, repeat: int = 1) -> object:  # noqa: ANN001
    """Time ``fn``; with ``repeat`` > 1 (warm steps) the best of that many runs is kept and
    every run is printed (the machine is shared: the best run is the least disturbed)."""
    runs = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t0)
    dt = min(runs)
    results.append((label, dt, rss_mb()))
    note = "" if repeat == 1 else "   best of " + ", ".join(f"{r:.2f}" for r in runs)
    print(f"{label:<44} {dt:8.2f} s   peak RSS {rss_mb():8.0f} MB{note}", flush=True)
    return out


def generate(path: Path, n: int, agents: int) -> None:
    if path.exists():
        path.unlink()
    conn = connect(path)
    t0 = time.perf_counter()
    for stmt in GENERATE.split(";"):
        if stmt.strip():
            conn.execute(stmt, used_params(stmt, {"n": n, "agents": agents}))
    generated = time.perf_counter() - t0
    # rows written by hand, not by an import: the stored facts are built once, as opening an
    # older warehouse for writing (or `supportstats db rebuild-facts`) does
    t1 = time.perf_counter()
    stored.rebuild(conn)
    built = time.perf_counter() - t1
    conn.execute("checkpoint")
    counts = conn.execute(
        "select (select count(*) from conversation), (select count(*) from message), "
        "(select count(*) from engagement)"
    ).fetchall()[0]
    conn.close()
    print(
        f"generated {counts[0]:,} conversations, {counts[1]:,} messages, {counts[2]:,} "
        f"engagements in {generated:.1f} s; stored facts built in {built:.1f} s",
        flush=True,
    )


def pandas_agent_report(c: pd.DataFrame, m: pd.DataFrame, e: pd.DataFrame,
                        g: pd.DataFrame, r: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """The agent report in plain pandas: same definitions as the SQL (default options)."""
    reply = m[(m.author_role == "agent") & (m.visibility == "public") & (m.automation == "none")]
    first = reply.sort_values("created_at").drop_duplicates("conversation_key")
    frt = first.merge(c[["conversation_key", "created_at"]], on="conversation_key",
                      suffixes=("", "_c"))  # fmt: skip
    frt["frt_s"] = (frt.created_at - frt.created_at_c).dt.total_seconds()
    fr = frt.groupby("author_agent_key").frt_s.agg(
        first_response_median_s="median",
        first_response_p90_s=lambda s: s.quantile(0.9),
    )
    res = e[e.event_type == "resolve"].groupby("conversation_key").occurred_at.max()
    res = c.set_index("conversation_key").join(res, how="inner")
    res["resolution_s"] = (res.occurred_at - res.created_at).dt.total_seconds()
    rs = res.groupby("assignee_agent_key").resolution_s.agg(
        resolved="count", resolution_median_s="median"
    )
    vol = c.groupby("assignee_agent_key").size().rename("conversations")
    cs = r.groupby("agent_key_at_rating").agg(
        csat_responses=("is_positive", "size"), csat_positive=("is_positive", "sum")
    )
    cs["csat_score"] = cs.csat_positive / cs.csat_responses
    # concurrency sweep per agent
    ev = pd.concat([
        pd.DataFrame({"agent": g.agent_key, "t": g.started_at, "d": 1}),
        pd.DataFrame({"agent": g.agent_key, "t": g.ended_at, "d": -1}),
    ])  # fmt: skip
    ev = ev.groupby(["agent", "t"], sort=True).d.sum().reset_index()
    ev["c"] = ev.groupby("agent").d.cumsum()
    ev["dur"] = (ev.groupby("agent").t.shift(-1) - ev.t).dt.total_seconds()
    ev = ev[(ev.c > 0) & ev.dur.notna()]
    ev["cd"] = ev.c * ev.dur
    cc = ev.groupby("agent").agg(
        busy=("dur", "sum"), cd=("cd", "sum"), concurrency_max=("c", "max")
    )
    cc["concurrency_mean"] = cc.cd / cc.busy
    return (
        vol.to_frame()
        .join(fr).join(rs).join(cs[["csat_score", "csat_responses"]])
        .join(cc[["concurrency_mean", "concurrency_max"]])
    )  # fmt: skip


def hwm_mb() -> float:
    """Peak resident set size of this process image (VmHWM), MB. Unlike ru_maxrss it is not
    inherited from the parent across fork + exec, so it is right in a spawned child."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return rss_mb()


def available_gb() -> float:
    """MemAvailable of the machine, GB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024**2
    return 8.0


def _pandas_child(path: str, every: int, limit_gb: float, out) -> None:  # noqa: ANN001
    """Child process: load the frames (sample of every ``every``-th conversation), time the
    pandas agent report, send back (load s, report s, peak RSS MB, result)."""
    limit = int(limit_gb * 1024**3)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    try:
        conn = duckdb.connect(path, read_only=True)
        conn.execute("set threads = 2; set memory_limit = '2GB'; set enable_progress_bar = false")
        keep = "" if every == 1 else f" where hash(conversation_key) % {every} = 0"
        t0 = time.perf_counter()
        c = frame_of(
            conn, "select conversation_key, created_at, assignee_agent_key from conversation" + keep
        )
        m = frame_of(
            conn,
            "select conversation_key, created_at, author_role, author_agent_key, "
            "visibility, automation from message" + keep,
            categories=("author_role", "author_agent_key", "visibility", "automation"),
        )
        e = frame_of(
            conn,
            "select conversation_key, occurred_at, event_type from conversation_event" + keep,
            categories=("event_type",),
        )
        g = frame_of(conn, "select agent_key, started_at, ended_at from engagement" + keep)
        r = frame_of(conn, "select agent_key_at_rating, is_positive from rating" + keep)
        conn.close()
        load = time.perf_counter() - t0
        gc.collect()
        t0 = time.perf_counter()
        base = pandas_agent_report(c, m, e, g, r)
        dt = time.perf_counter() - t0
        out.send(("ok", load, dt, hwm_mb(), base))
    except (MemoryError, duckdb.OutOfMemoryException, pa.ArrowMemoryError):
        out.send(("memory", 0.0, 0.0, hwm_mb(), None))
    out.close()


def pandas_baseline(path: Path, n: int, limit_gb: float) -> tuple[int, float, float, object]:
    """Run the pandas baseline at full size, else on the largest sample that fits.

    Returns (conversations, seconds, peak RSS MB of the child, result frame)."""
    ctx = mp.get_context("spawn")
    every = 1
    while every <= 64:
        size = n // every
        recv, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_pandas_child, args=(str(path), every, limit_gb, send))
        child.start()
        send.close()
        try:
            status, load, dt, rss, base = recv.recv()
        except EOFError:  # killed (out of memory) before it could answer
            status, load, dt, rss, base = ("died", 0.0, 0.0, 0.0, None)
        child.join()
        if status == "ok":
            print(f"(pandas: loaded frames for ~{size:,} conversations in {load:.1f} s, "
                  "not timed)", flush=True)  # fmt: skip
            return size, dt, rss, base
        print(
            f"pandas baseline does NOT fit at ~{size:,} conversations within {limit_gb:.1f} GB "
            f"({status}); trying 1 in {every * 2} conversations",
            flush=True,
        )
        every *= 2
    return 0, float("nan"), 0.0, None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conversations", type=int, default=10_000_000)
    ap.add_argument("--agents", type=int, default=500)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/supportstats-bench"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reuse", action="store_true", help="Reuse the generated database.")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument(
        "--pandas-mem-gb",
        type=float,
        default=None,
        help="Memory limit of the pandas baseline (default 70%% of the memory available).",
    )
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"bench_{args.conversations}.duckdb"
    if not (args.reuse and path.exists()):
        generate(path, args.conversations, args.agents)
    results: list = []
    options = MetricOptions()
    period = Period.from_dates("2024-01-01", "2024-12-31")
    hourly = MetricOptions(interval_min=60)

    def fresh() -> duckdb.DuckDBPyConnection:
        conn = connect(path, read_only=True)
        conn.execute(f"set threads = {args.threads}")
        return conn

    conn = fresh()
    report = timed(
        "agent report, cold (builds facts)", lambda: agent_report(conn, options, period), results
    )
    timed("agent report, warm", lambda: agent_report(conn, options, period), results, 3)
    timed("hourly volume series, warm", lambda: metrics_table(
        query(conn, hourly, period, by=["interval"]), families=["volume"]), results, 3)  # fmt: skip
    conn.close()
    conn = fresh()
    timed("hourly volume series, cold", lambda: metrics_table(
        query(conn, hourly, period, by=["interval"]), families=["volume"]), results)  # fmt: skip
    conn.close()
    conn = fresh()
    timed("concurrency per agent, cold (stretches+sweep)", lambda: concurrency(
        query(conn, options, period, by=["agent"])).df(), results)  # fmt: skip
    conn.close()
    conn = fresh()
    qc = query(conn, options, period, by=["agent"])
    timed("  of which reading the live stretches", lambda: live_stretches(qc), results)
    timed("  of which the sweep and per-agent sums", lambda: segment_totals(qc), results)
    timed("  of which the aggregate per agent", lambda: concurrency(qc).df(), results)
    timed("concurrency per agent, warm", lambda: concurrency(
        query(conn, options, period, by=["agent"])).df(), results, 3)  # fmt: skip
    conn.close()
    conn = fresh()
    q = query(conn, options, period, by=["agent"])
    agent_report(conn, options, period)
    for name in FAMILIES_TIMED:
        timed(f"  warm family {name}", lambda n=name: FAMILIES[n](q).df(), results)
    conn.close()
    if not args.skip_pandas:
        limit = args.pandas_mem_gb or round(0.7 * available_gb(), 1)
        size, p, prss, base = pandas_baseline(path, args.conversations, limit)
        results.append(("pandas agent report (baseline)", p, prss))
        print(f"{'pandas agent report (baseline)':<44} {p:8.2f} s   peak RSS {prss:8.0f} MB "
              f"(child process, {size:,} conversations)", flush=True)  # fmt: skip
        times = {label: t for label, t, _ in results}
        warm, cold = times["agent report, warm"], times["agent report, cold (builds facts)"]
        if size == args.conversations and base is not None:
            ours = report.set_index("agent_key")
            check = base.join(
                ours[["conversations", "first_response_median_s"]].add_suffix("_ours")
            )
            same = np.allclose(check["conversations"], check["conversations_ours"]) and np.allclose(
                check["first_response_median_s"].astype("float64"),
                check["first_response_median_s_ours"].astype("float64"),
                equal_nan=True,
            )
            print(f"pandas and supportstats agree on conversations and FRT median: {same}")
            print(f"speed-up vs pandas at {size:,} conversations: warm {p / warm:.1f}x, "
                  f"cold {p / cold:.1f}x")  # fmt: skip
        elif base is not None:
            print(
                f"pandas fits only at {size:,} conversations: it takes {p:.2f} s there; "
                f"supportstats on {args.conversations:,} takes {warm:.2f} s warm, "
                f"{cold:.2f} s cold. Ratio (a lower bound, pandas would be slower at full "
                f"size): warm {p / warm:.1f}x, cold {p / cold:.1f}x"
            )
        else:
            print("pandas baseline did not fit at any sample size")
    print(f"peak RSS of the benchmark process: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
