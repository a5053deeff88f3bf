"""Who holds a warehouse, and how long to wait for it.

DuckDB lets one process open a file for writing, or many open it read-only, never both. A
process that finds the file taken gets DuckDB's lock error, which names the holder's PID;
:func:`holder_from` turns it into a :class:`Holder` people can read ("supportstats import
bank.csv (pid 1234, since 14:05)", from ``/proc/PID/cmdline`` and ``/proc/PID/stat`` on
Linux). :mod:`supportstats.db` retries with a short poll for up to ``--wait`` seconds.

Nothing here writes a file: the lock DuckDB holds is the only record of who is in, so a killed
import leaves nothing stale behind (the kernel drops its lock with the process). Nothing here
opens the warehouse file either: DuckDB locks with ``fcntl``, and closing *any* descriptor of
the file in a process drops every ``fcntl`` lock that process holds on it.

Kept free of duckdb and pandas: the command line imports it to parse ``--wait``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from supportstats.config import DEFAULT_WAIT_S, ENV_WAIT
from supportstats.errors import OptionError

# DuckDB: 'Could not set lock on file "x.duckdb": Conflicting lock is held in
# /usr/bin/python3.11 (PID 1234). However, you would be able to open this database in
# read-only mode, ...' (the last sentence only when the holder reads).
_LOCK = re.compile(r"Could not set lock on file")
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")
_READ_ONLY_HINT = "read-only mode"
_INTERPRETER = re.compile(r"^(python|pypy)[\d.]*(\.exe)?$", re.IGNORECASE)
_COMMAND_CHARS = 100


@dataclass(frozen=True)
class Holder:
    """The process that has a warehouse open, as far as it can be known."""

    pid: int | None
    command: str  # "supportstats import bank.csv", or the program DuckDB named
    writing: bool  # open for writing (an import), else reading (a report, a dashboard)
    since: dt.datetime | None = None  # when the process started (local time), if known

    def describe(self) -> str:
        """``supportstats import bank.csv (pid 1234, since 14:05)``."""
        details = [f"pid {self.pid}"] if self.pid is not None else []
        if self.since is not None:
            same_day = self.since.date() == dt.datetime.now().date()
            details.append(
                "since " + self.since.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
            )
        return self.command + (f" ({', '.join(details)})" if details else "")

    @property
    def is_import(self) -> bool:
        """Whether the holder looks like ``supportstats import`` (for a friendlier notice)."""
        return self.writing and " import " in f" {self.command} "


def is_lock_error(message: str) -> bool:
    """Whether a DuckDB error says another process holds the file."""
    return bool(_LOCK.search(message))


def holder_from(message: str, *, read_only: bool) -> Holder:
    """The holder named in DuckDB's lock error (``read_only``: how we tried to open it).

    Opening read-only fails only while a writer holds the file; opening for writing fails
    against a writer or a reader, and DuckDB then adds that read-only would have worked.
    """
    writing = read_only or _READ_ONLY_HINT not in message
    match = _HOLDER.search(message)
    if not match:
        return Holder(None, "another process", writing)
    pid = int(match.group("pid"))
    argv = _cmdline(pid)
    command = _readable(argv) if argv else Path(match.group("program")).name or "a process"
    return Holder(pid, command, writing, _started(pid) if argv else None)


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # not Linux, or the process just ended
        return []
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def _readable(argv: list[str]) -> str:
    """``python -m supportstats import a.csv`` and ``/venv/bin/supportstats import a.csv``
    both read ``supportstats import a.csv``; ``python -c CODE x`` reads ``python -c … x``."""
    args = list(argv)
    if args and _INTERPRETER.match(Path(args[0]).name):
        interpreter = Path(args[0]).name
        args = args[1:]
        while args and args[0].startswith("-") and args[0] not in ("-m", "-c"):
            args = args[1:]  # -u, -X dev, -W ...: the interpreter's own flags
        if args[:1] == ["-m"]:
            args = args[1:]
        elif args[:1] == ["-c"]:
            args = [f"{interpreter} -c …", *args[2:]]
        elif not args:
            args = [interpreter]
    if args and "/" in args[0]:
        args[0] = Path(args[0]).name  # /venv/bin/supportstats, dashboards/streamlit_app.py
    # /tmp/exports/bank.csv reads bank.csv: the line names the files, it is not a log
    args = [Path(a).name if a.startswith("/") and len(a) > 1 else a for a in args]
    text = " ".join(args) or "a process"
    return text if len(text) <= _COMMAND_CHARS else text[: _COMMAND_CHARS - 1] + "…"


def _started(pid: int) -> dt.datetime | None:
    """When process ``pid`` started (Linux: /proc/PID/stat field 22 after boot)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        return dt.datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def wait_seconds(value: float | str | None = None) -> float:
    """How long to wait for a busy warehouse: ``value`` (``--wait``), else
    ``$SUPPORTSTATS_WAIT``, else 300 s. 0 fails at once; ``inf`` waits for as long as it
    takes."""
    origin = "--wait"
    if value is None or value == "":
        value = os.environ.get(ENV_WAIT) or None
        origin = ENV_WAIT
    if value is None:
        return DEFAULT_WAIT_S
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if math.isnan(seconds) or seconds < 0:
        shown = f"{origin}={value}" if origin == ENV_WAIT else f"--wait {value}"
        raise OptionError(
            f"{shown} is not a number of seconds (0 or more)",
            "e.g. --wait 60 to wait a minute for a busy warehouse, --wait 0 to fail at once",
        )
    return seconds


def waiting_message(path: str | Path, holder: Holder, wait: float) -> str:
    """What a command prints once per holder while it waits."""
    doing = "writing to" if holder.writing else "reading"
    limit = "for as long as it takes" if math.isinf(wait) else f"up to {wait:g} s"
    return (
        f"Warehouse {path} is busy: {holder.describe()} is {doing} it. Waiting {limit} "
        "(--wait SECONDS to change, 0 = fail at once)..."
    )


def busy_text(path: str | Path, holder: Holder, waited: float) -> tuple[str, str]:
    """(message, hint) of the error after waiting ``waited`` seconds in vain."""
    doing = "writing to" if holder.writing else "reading"
    after = f" (waited {waited:g} s)" if waited > 0 else ""
    message = f"warehouse {path} is busy: {holder.describe()} is {doing} it{after}"
    if holder.writing:
        hint = (
            "let it finish and run this again, or wait longer with --wait SECONDS "
            "(DuckDB lets one process write to a warehouse, or many read it, at a time)"
        )
    else:
        hint = (
            "an import waits for every reader to close the file: close that program "
            "(a dashboard or report reads only for a moment), or wait longer with "
            "--wait SECONDS"
        )
    return message, hint
