"""Exporting a warehouse as a Parquet lake: time, peak memory and size, against DuckDB's own
``EXPORT DATABASE`` of the same file (docs/scale.md, "Exporting").

For each warehouse given, in one run, each step a fresh process after ``os.sync()``:

* baseline: ``EXPORT DATABASE 'dir' (FORMAT parquet, COMPRESSION zstd)`` on a read-only
  connection: every table to one Parquet file each, no partitions, no manifest;
* ours: ``supportstats db export --format parquet DIR --overwrite`` (hive partitions by
  source and month, manifest, written to a temporary folder and renamed);
* reading it back: :func:`supportstats.lake.open_lake` and ``count(*)`` of every table,
  checked against the warehouse's row counts.

The warehouse must be current (schema version and stored facts): open an older one for
writing once, e.g. ``supportstats db rebuild-facts --db W``. The year-long warehouses of
``bench/facts_bench.py`` are the usual input. Usage::

    python bench/facts_bench.py --conversations 1000000 --repeat 1      # builds the warehouse
    python bench/lake_bench.py --db /tmp/supportstats-facts-bench/1000000_0/year.duckdb
    python bench/lake_bench.py --db W1 --db W2 --workdir /tmp/lakes
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CLI = str(Path(sys.executable).parent / "supportstats")

BASELINE = """
import sys, duckdb
c = duckdb.connect(sys.argv[1], read_only=True)
c.execute(f"EXPORT DATABASE '{sys.argv[2]}' (FORMAT parquet, COMPRESSION zstd)")
"""


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one fresh process."""
    os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def files(path: Path) -> int:
    return sum(1 for p in path.rglob("*.parquet"))


def check(db: Path) -> tuple[int, int]:
    """(conversations, rows in all tables) of a current warehouse; exits with a hint if it
    is not current."""
    from supportstats.db import open_warehouse
    from supportstats.errors import SupportStatsError
    from supportstats.metrics import stored

    try:
        with open_warehouse(db, read_only=True, wait=0) as conn:
            if not stored.is_current(conn):
                raise SystemExit(f"{db}: stored facts not current; run supportstats "
                                 f"db rebuild-facts --db {db} first")  # fmt: skip
            n = conn.execute("select count(*) from conversation").fetchall()[0][0]
            listed = conn.execute("select table_name from duckdb_tables()").fetchall()
            rows = sum(
                conn.execute(f'select count(*) from "{t}"').fetchall()[0][0] for (t,) in listed
            )
    except SupportStatsError as exc:
        raise SystemExit(f"{db}: {exc}") from None
    return n, rows


def read_back(lake: Path) -> tuple[float, int]:
    """Seconds to open the lake and count every table's rows; the rows counted."""
    from supportstats.lake import open_lake, read_manifest

    started = time.perf_counter()
    conn = open_lake(lake)
    manifest = read_manifest(lake)
    total = 0
    for name, table in manifest.tables.items():
        n = conn.execute(f'select count(*) from "{name}"').fetchall()[0][0]
        if n != table.rows:
            raise SystemExit(f"{lake}: {name} has {n} rows, the manifest says {table.rows}")
        total += n
    return time.perf_counter() - started, total


def line(label: str, seconds: float, peak_mb: float | None, nbytes: int | None, note: str = ""):
    peak = f"{peak_mb:7,.0f} MB peak" if peak_mb is not None else " " * 15
    shown = f"{nbytes / 1e6:9,.0f} MB on disk" if nbytes is not None else " " * 19
    print(f"  {label:<44} {seconds:7.1f} s {peak} {shown}  {note}", flush=True)


def bench(db: Path, work: Path) -> None:
    n, rows = check(db)
    print(f"{db}: {n:,} conversations, {rows:,} rows in all tables, warehouse file "
          f"{size(db) / 1e6:,.0f} MB", flush=True)  # fmt: skip
    work.mkdir(parents=True, exist_ok=True)
    baseline_dir, lake = work / "export_database", work / "lake"
    shutil.rmtree(baseline_dir, ignore_errors=True)
    t_base, peak_base = run([sys.executable, "-c", BASELINE, str(db), str(baseline_dir)])
    line("baseline: DuckDB EXPORT DATABASE (parquet)", t_base, peak_base, size(baseline_dir),
         f"{files(baseline_dir)} files")  # fmt: skip
    t, peak = run([CLI, "db", "export", "--format", "parquet", str(lake), "--overwrite",
                   "--db", str(db), "--wait", "0"])  # fmt: skip
    lake_bytes = size(lake)
    line("supportstats db export --format parquet", t, peak, lake_bytes,
         f"{files(lake)} files, {t / t_base:.2f}x baseline time, "
         f"{lake_bytes / size(db):.2f}x the warehouse file")  # fmt: skip
    seconds, counted = read_back(lake)
    line("open_lake + count(*) of every table", seconds, None, None, f"{counted:,} rows, as stored")
    shutil.rmtree(baseline_dir, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, action="append", required=True, help="A warehouse.")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/supportstats-lake-bench"))
    ap.add_argument("--keep", action="store_true", help="Keep the lakes (workdir/<name>/lake).")
    args = ap.parse_args()
    print(f"{os.cpu_count()} cores; fresh process per export, after os.sync()", flush=True)
    for db in args.db:
        work = args.workdir / db.parent.name
        bench(db, work)
        if not args.keep:
            shutil.rmtree(work / "lake", ignore_errors=True)


if __name__ == "__main__":
    main()
