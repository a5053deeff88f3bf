"""The agent metrics on local Spark (2 cores) from an exported lake, next to DuckDB on the same
data, in one run, with peak memory; and Spark's time at two sizes (does it scale linearly?).
Figures: docs/scale.md, "Spark figures"; the engine: docs/spark.md.

For each size (a warehouse and its lake, written by ``supportstats db export``), each step a
fresh process; timed is the metrics table grouped by agent (every family: what the agent
report reads), all dates, default options:

* DuckDB on the warehouse (the baseline: ``metrics_table(query(conn, by=["agent"]))``);
* Spark ``local[2]`` on the lake (``spark_query``): the session start, then the table, read
  from the lake's stored facts as DuckDB reads its own;
* the two tables are compared cell by cell (supportstats.spark.compare): a figure for wrong
  numbers would mean nothing.

Peak memory is the largest resident set of the process and its children (the JVM) sampled
every 0.2 s. The year-long warehouses of ``bench/facts_bench.py`` exported by
``bench/lake_bench.py`` are the usual input::

    python bench/spark_bench.py --size /tmp/supportstats-lake-bench/1000000 \\
        --size /tmp/supportstats-lake-bench/10000000

(each --size is a folder holding year.duckdb and lake/). The box is shared: run it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHILD = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
engine, db, lake, out = sys.argv[1:5]
started = time.perf_counter()
from supportstats.metrics import metrics_table, query
if engine == "duckdb":
    import duckdb
    conn = duckdb.connect(db, read_only=True)
    ready = time.perf_counter()
    frame = metrics_table(query(conn, by=["agent"]))
else:
    from supportstats.spark.engine import spark_query, spark_session
    spark = spark_session("local[2]")
    spark.sql("select 1").collect()
    ready = time.perf_counter()
    frame = metrics_table(spark_query(lake, by=["agent"], spark=spark))
done = time.perf_counter()
frame.to_pickle(out)
print(json.dumps({"start_s": ready - started, "table_s": done - ready, "rows": len(frame)}))
"""


def tree_rss_mb(pid: int) -> float:
    """Resident MB of ``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(engine: str, folder: Path, out: Path) -> dict:
    """One fresh process: its figures, wall seconds and peak MB of its process tree."""
    os.sync()
    args = [sys.executable, "-c", CHILD, engine, str(folder / "year.duckdb"),
            str(folder / "lake"), str(out)]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} on {folder} failed:\n{stderr.decode()[-3000:]}")
    figures = json.loads(stdout.decode().strip().splitlines()[-1])
    return {**figures, "wall_s": wall, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--size",
        action="append",
        type=Path,
        required=True,
        help="folder with year.duckdb and lake/ (repeat, smallest first)",
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/supportstats-spark-bench"))
    args = parser.parse_args()  # fmt: skip
    import pandas as pd

    from supportstats.lake import read_manifest
    from supportstats.metrics.table import COUNTS
    from supportstats.spark.compare import differences

    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for folder in args.size:
        n = read_manifest(folder / "lake").tables["conversation"].rows
        duck = run("duckdb", folder, args.workdir / "duckdb.pkl")
        spark = run("spark", folder, args.workdir / "spark.pkl")
        diff = differences(
            pd.read_pickle(args.workdir / "duckdb.pkl"),
            pd.read_pickle(args.workdir / "spark.pkl"),
            ["agent_key"],
            sorted(COUNTS),
        )
        same = "same values" if not diff else f"{len(diff)} DIFFERENCES, e.g. {diff[0]}"
        print(f"{n:>11,} conversations, {duck['rows']} agents: {same}", flush=True)
        for name, f in (("DuckDB (warehouse)", duck), ("Spark local[2] (lake)", spark)):
            print(
                f"  {name:<24} table {f['table_s']:7.1f} s   start {f['start_s']:5.1f} s   "
                f"process {f['wall_s']:7.1f} s   peak {f['peak_mb']:7.0f} MB",
                flush=True,
            )
        rows.append((n, duck, spark))
    if len(rows) > 1:
        (n0, d0, s0), (n1, d1, s1) = rows[0], rows[-1]
        print(f"Spark table time x{s1['table_s'] / s0['table_s']:.1f} for x{n1 / n0:.0f} the data "
              f"(DuckDB x{d1['table_s'] / d0['table_s']:.1f})")  # fmt: skip
    for n, d, s in rows:
        print(f"{n:>11,}: Spark takes {s['table_s'] / d['table_s']:.1f}x DuckDB's time for the "
              f"table, {s['peak_mb'] / max(d['peak_mb'], 1):.1f}x its peak memory")  # fmt: skip


if __name__ == "__main__":
    main()
