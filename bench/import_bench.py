"""Import benchmark: supportstats' generic import against DuckDB's bare read and pandas.

For each size it writes a conversations CSV (and a messages CSV, five per conversation),
then runs, each in a fresh process so peak memory is that case's alone (and after
``os.sync()``, so no case pays for writing back the files of the one before):

* ``bare``: DuckDB ``CREATE TABLE AS SELECT * FROM read_csv(...)`` (the ceiling);
* ``pandas``: ``pandas.read_csv`` then a DuckDB insert of the DataFrame;
* ``supportstats``: ``import_file`` (type checks, rejects, dedup, upsert, batch bookkeeping).

It prints rows/s, seconds, peak RSS and the ratios. Usage::

    python bench/import_bench.py                 # 1M and 10M conversations (takes minutes)
    python bench/import_bench.py --rows 200000   # a quick check
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

CASES = {
    "bare": """
import duckdb, sys
c = duckdb.connect(sys.argv[2])
c.execute("CREATE TABLE t AS SELECT * FROM read_csv($p)", {"p": sys.argv[1]})
rows = c.execute("SELECT count(*) FROM t").fetchall()[0][0]
""",
    "pandas": """
import duckdb, pandas as pd, sys
frame = pd.read_csv(sys.argv[1])
c = duckdb.connect(sys.argv[2])
c.execute("CREATE TABLE t AS SELECT * FROM frame")
rows = c.execute("SELECT count(*) FROM t").fetchall()[0][0]
""",
    "supportstats": """
import sys
from supportstats.db import connect
from supportstats.importers import import_file
c = connect(sys.argv[2])
rows = import_file(c, sys.argv[1]).rows_loaded
""",
}
TIMER = """
import json, resource, sys, time
t0 = time.perf_counter()
{body}
seconds = time.perf_counter() - t0
print(json.dumps({{"seconds": seconds, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def write_files(rows: int, folder: Path) -> tuple[Path, Path, Path]:
    """Write three files for ``rows`` conversations (DuckDB SQL): conversations with the
    shortcut columns (first_response_at, resolved_at, csat: each becomes a message, event or
    rating row too), the same without them, and messages (five per conversation)."""
    conv, msgs = folder / f"conversations_{rows}.csv", folder / f"messages_{rows}.csv"
    plain = folder / f"conversations_plain_{rows}.csv"
    con = duckdb.connect()
    con.execute(
        f"""COPY (
        SELECT 'C' || i AS conversation_id,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i * 2) AS created_at,
               ['chat', 'email', 'messaging'][1 + i % 3] AS channel,
               ['Web chat', 'Email', 'WhatsApp'][1 + i % 3] AS queue,
               ['Chat', 'Tickets'][1 + i % 2] AS team,
               'agent_' || (i % 97) AS agent,
               'cust_' || (i * 7919 % 1000003) AS contact,
               ['solved', 'closed', 'open'][1 + i % 3] AS status,
               ['low', 'normal', 'high'][1 + i % 3] AS priority,
               'Question about order ' || (i % 10007) AS subject,
               ['billing', 'shipping', 'returns'][1 + i % 3] AS tags,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i * 2 + 30 + i % 600)
                   AS first_response_at,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i * 2 + 3600 + i % 7200)
                   AS resolved_at,
               CASE WHEN i % 4 = 0 THEN (1 + i % 5)::VARCHAR END AS csat
        FROM range({int(rows)}) r(i)
        ) TO '{conv}' (HEADER, DELIMITER ',')"""
    )
    con.execute(
        f"""COPY (SELECT * EXCLUDE (first_response_at, resolved_at, csat)
        FROM read_csv('{conv}', all_varchar = true)) TO '{plain}' (HEADER, DELIMITER ',')"""
    )
    con.execute(
        f"""COPY (
        SELECT 'C' || i || '-m' || k AS message_id, 'C' || i AS conversation_id,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i * 2 + k * 40) AS created_at,
               CASE WHEN k % 2 = 0 THEN 'customer' ELSE 'agent' END AS author_role,
               CASE WHEN k % 2 = 0 THEN 'cust_' || i ELSE 'agent_' || (i % 97) END AS author,
               'public' AS visibility, 'none' AS automation,
               'Message number ' || k || ' of a conversation' AS body
        FROM range({int(rows)}) r(i), range(5) m(k)
        ) TO '{msgs}' (HEADER, DELIMITER ',')"""
    )
    return conv, plain, msgs


def run_case(case: str, path: Path, folder: Path) -> dict[str, float]:
    db = folder / f"{case}_{path.stem}.duckdb"
    db.unlink(missing_ok=True)
    code = TIMER.format(body=CASES[case])
    # Each case starts with the earlier writes (the CSV files, the last case's warehouse) on
    # disk: otherwise their write-back competes with this case's own and the order of the
    # cases decides part of the result.
    os.sync()
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), str(db)], capture_output=True, text=True
    )
    db.unlink(missing_ok=True)
    if done.returncode != 0:
        raise SystemExit(f"{case} failed on {path}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", default="1000000,10000000", help="Comma-separated conversation counts."
    )
    parser.add_argument("--skip-pandas", action="store_true", help="Skip the pandas baseline.")
    parser.add_argument(
        "--no-messages", action="store_true", help="Only the conversations files (faster)."
    )
    parser.add_argument("--keep", type=Path, help="Folder to write (and keep) the CSV files in.")
    args = parser.parse_args()
    sizes = [int(x) for x in args.rows.split(",")]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="supportstats-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{'file':<28}{'case':<14}{'rows':>12}{'seconds':>10}{'rows/s':>14}{'peak MB':>10}"
        f"{'x bare':>9}"
    )
    for rows in sizes:
        t0 = time.perf_counter()
        files = write_files(rows, folder)
        print(
            f"# wrote {rows:,} conversations + {5 * rows:,} messages in "
            f"{time.perf_counter() - t0:.1f} s "
            f"({sum(f.stat().st_size for f in files) / 1e9:.2f} GB)"
        )
        for path in files:
            if args.no_messages and path.name.startswith("messages"):
                continue
            cases = [c for c in CASES if not (args.skip_pandas and c == "pandas")]
            results = {case: run_case(case, path, folder) for case in cases}
            bare = results["bare"]["seconds"]
            for case, r in results.items():
                print(
                    f"{path.name:<28}{case:<14}{r['rows']:>12,}{r['seconds']:>10.2f}"
                    f"{r['rows'] / r['seconds']:>14,.0f}{r['peak_mb']:>10,.0f}"
                    f"{r['seconds'] / bare:>9.2f}"
                )
            if "pandas" in results:
                ours, pandas_s = results["supportstats"]["seconds"], results["pandas"]["seconds"]
                print(f"# supportstats vs pandas route: {pandas_s / ours:.2f}x faster")
        if not args.keep:
            for path in files:
                path.unlink()


if __name__ == "__main__":
    main()
