"""Vendor import benchmark: Zendesk tickets (with metric_sets) and Zendesk Chat chats.

Generates N synthetic records of each (JSON Lines of API pages, 1,000 records a page, by
``supportstats.importers.samples.zendesk_samples``), then in a fresh subprocess each:

* baseline: DuckDB's bare ``read_json`` of the same file into a table (pages as rows);
* supportstats: ``import_file`` into a new warehouse (staging, typing, rejects, upsert).

Prints seconds, records/s, the subprocess's peak RSS (``resource.getrusage``) and the import's
time as a multiple of the bare read, so the figures compare within one run on one machine.
Files already in ``--workdir`` with the right record count are reused (generating 1M chats
takes minutes).

    python bench/vendor_import_bench.py --rows 1000000 --workdir /tmp/vendor-bench
    python bench/vendor_import_bench.py --rows 20000     # quick run
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, path, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
t0 = time.perf_counter()
if mode == "baseline":
    import duckdb
    con = duckdb.connect(db)
    con.execute("CREATE TABLE t AS SELECT * FROM read_json($p, format = 'newline_delimited', "
                "maximum_object_size = 1073741824)", {"p": str(path)})
    n = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
else:
    from supportstats.db import connect
    from supportstats.importers import import_file
    con = connect(Path(db))
    r = import_file(con, path)
    assert r.rows_read == r.rows_loaded, (r.rows_read, r.rows_loaded, r.rows_rejected)
    n = r.rows_loaded
con.close()
secs = time.perf_counter() - t0
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": secs, "rows": n, "peak_mb": peak_kb / 1024}))
"""


def run(mode: str, path: Path, workdir: Path) -> dict:
    """Run one measurement in a fresh interpreter (peak memory is per process)."""
    db = workdir / f"{mode}-{path.stem}.duckdb"
    db.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(db)],
        capture_output=True,
        text=True,
    )
    db.unlink(missing_ok=True)
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or [f"exit code {out.returncode}"])[-1]
        return {"error": f"exit code {out.returncode}: {tail}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="tickets and chats each")
    parser.add_argument("--workdir", type=Path, default=None, help="where files go (tmp)")
    args = parser.parse_args()

    from supportstats.importers.samples.zendesk_samples import (
        write_chat_pages,
        write_ticket_pages,
    )

    with tempfile.TemporaryDirectory(prefix="vendor-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        cases = [
            ("zendesk tickets (metric_sets)", workdir / "tickets.jsonl", write_ticket_pages),
            ("zendesk_chat chats (history)", workdir / "chats.jsonl", write_chat_pages),
        ]
        print(
            f"{'case':32} {'run':12} {'records':>10} {'seconds':>8} {'records/s':>11} "
            f"{'peak MB':>8} {'file MB':>8} {'x bare':>7}",
            flush=True,
        )
        for label, path, writer in cases:
            path = path.with_name(f"{path.stem}-{args.rows}{path.suffix}")
            t0 = time.perf_counter()
            if not path.exists():
                writer(path, args.rows)
            gen = time.perf_counter() - t0
            size = path.stat().st_size / 2**20
            bare = None
            for mode in ("baseline", "import"):
                r = run(mode, path, workdir)
                if "error" in r:
                    print(f"{label:32} {mode:12} failed: {r['error'][:200]}", flush=True)
                    continue
                shown = args.rows if mode == "baseline" else r["rows"]
                bare = r["seconds"] if mode == "baseline" else bare
                ratio = f"{r['seconds'] / bare:>7.2f}" if bare else f"{'':>7}"
                print(
                    f"{label:32} {mode:12} {shown:>10,} {r['seconds']:>8.1f} "
                    f"{shown / r['seconds']:>11,.0f} {r['peak_mb']:>8.0f} {size:>8.0f} {ratio}",
                    flush=True,
                )
            print(f"{'':32} {'(generate)':12} {args.rows:>10,} {gen:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
