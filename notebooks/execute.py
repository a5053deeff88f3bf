"""Run the notebooks top to bottom and save them with their outputs (``make notebooks``).

The committed notebooks carry the results of this run against the demo warehouse (the
committed sample, as ``supportstats demo`` builds it), so a code host or a static HTML export
shows the tables, the sentences that read them and the figures (PNG next to plotly's JSON)
without a kernel. Each notebook records a digest of its code cells' sources
(``metadata.supportstats.code_sha256``); tests/test_notebooks.py fails when a code cell changed
after the outputs were made, which says to run this again.

    python notebooks/execute.py                      # all, against .demo/supportstats.duckdb
    python notebooks/execute.py 04_chat_concurrency  # one (or more) by name
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# notebook 01 builds its own warehouse from the sample; the others read the demo warehouse
IMPORTS_ITS_OWN = {"01_import_and_inspect"}


def code_digest(book: nbformat.NotebookNode) -> str:
    """sha256 of the code cells' sources, in order: what the outputs were computed from."""
    sources = "\n\x00\n".join(c.source for c in book.cells if c.cell_type == "code")
    return hashlib.sha256(sources.encode("utf-8")).hexdigest()


def clear(book: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without outputs, execution counts or the recorded digest."""
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    book.metadata.pop("supportstats", None)
    return book


def run(book: nbformat.NotebookNode, cwd: Path, env: dict[str, str], timeout: int = 300) -> None:
    """Execute ``book`` in place in a kernel started in ``cwd`` with ``env`` added to the
    environment (the kernel inherits this process's)."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = NotebookClient(
            book, timeout=timeout, record_timing=False, resources={"metadata": {"path": str(cwd)}}
        )
        client.execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    parser.add_argument("--db", type=Path, default=REPO / ".demo" / "supportstats.duckdb",
                        help="the demo warehouse (built when missing)")  # fmt: skip
    args = parser.parse_args(argv)
    from supportstats.demo import build_demo_warehouse

    build_demo_warehouse(args.db.resolve())
    paths = sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        paths = [p for p in paths if p.stem in args.names or p.name in args.names]
    with tempfile.TemporaryDirectory(prefix="supportstats-notebooks-") as tmp:
        for path in paths:
            book = clear(nbformat.read(path, as_version=4))
            db = Path(tmp) / "notebook.duckdb" if path.stem in IMPORTS_ITS_OWN else args.db
            print(f"running {path.name} ...", file=sys.stderr)
            run(book, Path(tmp), {"SUPPORTSTATS_DB": str(db.resolve())})
            book.metadata["supportstats"] = {"code_sha256": code_digest(book)}
            nbformat.write(book, path)
            print(f"  {path.name}: {path.stat().st_size / 1024:.0f} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
