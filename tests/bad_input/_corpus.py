"""Run one bad-input case through the real CLI, in a fresh process, and check what a user meets.

Every case of the bad-input corpus (issue 14) asserts the same things: the exit code, exactly
one ``Error:`` line and one ``Hint:`` line on stderr (for a failure), no Python traceback, and
the warehouse's row counts unchanged or exactly as expected.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]

# Canonical tables whose counts a failed command must leave as they were.
COUNTED = ("conversation", "message", "agent", "import_batch", "import_reject")


@dataclass
class Outcome:
    """What a user saw: exit code, stdout, stderr."""

    code: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"Outcome(code={self.code}, stderr={self.stderr[-2000:]!r})"


def run(
    *args: str | Path,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    input: bytes | None = None,
    cwd: Path | None = None,
) -> Outcome:
    """``python -m supportstats ARGS`` in a fresh process, as a user runs it."""
    full_env = {k: v for k, v in os.environ.items() if k != "SUPPORTSTATS_DB"}
    full_env.update({"PYTHONWARNINGS": "", "COLUMNS": "200", **(env or {})})
    done = subprocess.run(
        [sys.executable, "-m", "supportstats", *(str(a) for a in args)],
        capture_output=True,
        timeout=timeout,
        env=full_env,
        input=input,
        cwd=cwd or REPO,
    )
    return Outcome(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def assert_clean_error(outcome: Outcome, code: int, *, contains: str = "") -> None:
    """A failure in the house style: exit ``code``, one Error: and one Hint: line, no
    traceback; ``contains`` (case-insensitive) appears in the error text."""
    assert outcome.code == code, outcome
    assert_no_traceback(outcome)
    lines = outcome.stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    hints = [line for line in lines if line.startswith("Hint: ")]
    assert len(errors) == 1, outcome
    assert len(hints) == 1, outcome
    if contains:
        assert contains.lower() in outcome.stderr.lower(), outcome


def assert_no_traceback(outcome: Outcome) -> None:
    """No Python traceback or warning text reached the user."""
    for text in (outcome.stderr, outcome.stdout):
        assert "Traceback (most recent call last)" not in text, outcome
        assert "Warning:" not in text, outcome


def counts(db: Path) -> dict[str, int]:
    """Row counts of the canonical tables (empty when the warehouse does not exist)."""
    if not db.exists():
        return {}
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
    finally:
        conn.close()


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of ``sql`` on warehouse ``db``, opened read-only and closed again."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(sql, params or []).fetchall()
    finally:
        conn.close()


def sample_warehouse(folder: Path, conversations: int, seed: int) -> Path:
    """A warehouse made by the real CLI from a small seeded sample written into ``folder``."""
    from supportstats.sample import FILES, SampleSpec, write_sample

    spec = SampleSpec(conversations=conversations, days=7, agents=4, seed=seed)
    write_sample(spec, folder / "csv")
    db = folder / "built.duckdb"
    done = run("import", *(folder / "csv" / name for name in FILES), "--db", db)
    assert done.code == 0, done
    return db
