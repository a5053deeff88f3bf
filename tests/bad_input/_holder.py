"""Processes for the warehouse-in-use tests: one that holds a warehouse open with DuckDB
until told to let go, and a CLI command running in the background whose stderr can be
watched line by line.

DuckDB allows one process to write a file, or many to read it. A :class:`Holder` opened
for writing stands for an import in progress; opened read-only, for a report or the
dashboard reading. It holds the file deterministically (no sleeps): it prints ``holding``
once DuckDB has the lock and closes the connection when a line arrives on its stdin.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import duckdb

from tests.bad_input._corpus import REPO, Outcome

_HOLD = """
import sys
import duckdb
conn = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
print("holding", flush=True)
sys.stdin.readline()
conn.close()
"""

# A guard against a hung process, never an assertion on how long something took.
HANG_S = 300


class Holder:
    """``python -c HOLD db write|read``: keeps ``db`` open until :meth:`release`."""

    def __init__(self, db: Path, mode: str = "write") -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(db), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if line.strip() != "holding":
            self.proc.kill()
            raise AssertionError(f"the holder did not open {db}: {self.proc.stderr.read()}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def release(self) -> None:
        """Close the connection and end the process."""
        if self.proc.poll() is None and self.proc.stdin:
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
        self.proc.wait(timeout=HANG_S)

    def kill(self) -> None:
        """End the process as SIGKILL would end an import: no chance to clean up."""
        self.proc.kill()
        self.proc.wait(timeout=HANG_S)

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.release()


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of _corpus.run: no SUPPORTSTATS_DB, wide columns, no warnings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTSTATS_")}
    env.update({"PYTHONWARNINGS": "", "COLUMNS": "200", **(extra or {})})
    return env


class Running:
    """``python -m supportstats ARGS`` started in the background; stderr is collected line by
    line so a test can wait until the command says something (e.g. that it is waiting)."""

    def __init__(self, *args: str | Path, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "supportstats", *(str(a) for a in args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(env),
            cwd=REPO,
        )
        self._err: list[str] = []
        self._out: list[bytes] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read_err, daemon=True),
            threading.Thread(target=self._read_out, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            with self._changed:
                self._err.append(raw.decode("utf-8", "replace"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self._out.append(raw)

    @property
    def stderr(self) -> str:
        with self._changed:
            return "".join(self._err)

    def wait_for(self, needle: str) -> bool:
        """Block until stderr has a line containing ``needle`` (True) or the process ended
        without one (False)."""
        with self._changed:
            while True:
                if any(needle in line for line in self._err):
                    return True
                if not self._readers[0].is_alive():
                    return False
                if not self._changed.wait(timeout=HANG_S):
                    raise AssertionError(f"no {needle!r} on stderr: {''.join(self._err)}")

    def finish(self) -> Outcome:
        """Wait for the command to end; what the user saw."""
        code = self.proc.wait(timeout=HANG_S)
        for reader in self._readers:
            reader.join(timeout=HANG_S)
        return Outcome(code, b"".join(self._out).decode("utf-8", "replace"), self.stderr)


def wait_until_written(db: Path, proc: Running) -> None:
    """Block until some process holds ``db`` for writing (``proc``, an import that started):
    DuckDB then refuses a read-only open with its lock error."""
    while True:
        try:
            duckdb.connect(str(db), read_only=True).close()
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                return
            raise
        if proc.proc.poll() is not None:
            raise AssertionError(f"the import ended before it was seen writing: {proc.stderr}")
        threading.Event().wait(0.02)
