"""Pieces every command shares: the --db and --format options, output writers, error display.

Data goes to stdout (table, CSV or JSON); messages, progress and errors go to stderr, so
``supportstats metrics --format csv > out.csv`` stays clean.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from supportstats.config import ENV_DB
from supportstats.errors import Interrupted, SupportStatsError, is_duckdb_error
from supportstats.export import ENV_RAW_CSV, LIST_SEPARATOR, is_list, raw_from_env, to_csv
from supportstats.formatting import EMPTY, change, format_value
from supportstats.terminal import printable

if TYPE_CHECKING:
    import pandas as pd


class _Console(Console):
    """A rich Console that prints text as it is: never read as markup (``[/]``, ``[link=...]``)
    or emoji codes, control characters shown as escapes. Data, file paths and user input reach
    these prints; what they hold is never an instruction to the terminal."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        shown = (printable(o, lines=True) if isinstance(o, str) else o for o in objects)
        super().print(*shown, **kwargs)


stderr = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
# Piped output is not cut to 80 columns: scripts and logs get the whole table.
stdout = _Console(
    highlight=False,
    soft_wrap=True,
    markup=False,
    emoji=False,
    width=None if sys.stdout.isatty() else 200,
)

F = TypeVar("F", bound=Callable[..., Any])


class OutputFormat(str, Enum):
    """How a command prints its data."""

    table = "table"
    csv = "csv"
    json = "json"


DbOption = typer.Option(
    None,
    "--db",
    envvar=ENV_DB,
    help="DuckDB warehouse file (default: supportstats.duckdb in the working directory).",
    show_default=False,
)

WaitOption = typer.Option(
    None,
    "--wait",
    metavar="SECONDS",
    help="While an import writes the warehouse (or, for an import, while another command "
    "reads it), wait up to this long for it, then fail; 0 = fail at once. "
    "[default: $SUPPORTSTATS_WAIT, else 300]",
    show_default=False,
)

FormatOption = typer.Option(
    OutputFormat.table, "--format", "-f", help="table for people, csv or json for scripts."
)

RawCsvOption = typer.Option(
    False,
    "--raw-csv",
    envvar=ENV_RAW_CSV,
    help="CSV values exactly as stored. By default a text cell starting with = + - @ (a "
    "spreadsheet formula) gets a leading ' so opening the CSV runs nothing.",
)


def facts_progress() -> Callable[[str, int, int], None]:
    """A ``progress(what, step, steps)`` for building stored facts: one line per step on
    stderr, with the time the step before took (a large warehouse takes a minute)."""
    import time

    last = [time.perf_counter()]

    def report(what: str, step: int, steps: int) -> None:
        now = time.perf_counter()
        took = f" (previous step {now - last[0]:.1f} s)" if step > 1 else ""
        last[0] = now
        stderr.print(f"[{step}/{steps}] {what}...{took}")

    return report


def reports_errors(func: F) -> F:
    """Turn SupportStatsError into ``Error: ...``/``Hint: ...`` on stderr and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SupportStatsError as exc:
            print_error(exc)
            raise typer.Exit(code=exc.exit_code) from None
        except KeyboardInterrupt:
            print_error(interrupted())
            raise typer.Exit(code=130) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            known = _known_failure(exc)
            if known is None:
                raise
            print_error(known)
            raise typer.Exit(code=known.exit_code) from None

    return wrapper  # type: ignore[return-value]


def interrupted(what: str = "") -> Interrupted:
    """The error shown for Ctrl-C: every write is one transaction, so nothing half-done
    stays in the warehouse."""
    return Interrupted(
        f"interrupted{what}",
        "nothing half-done was kept: the warehouse is as it was before the interrupted step; "
        "run the command again",
    )


def is_interrupt(exc: BaseException) -> bool:
    """Ctrl-C as DuckDB reports it when it lands in a query (``RuntimeError: Query
    interrupted``), or as Python does."""
    if isinstance(exc, KeyboardInterrupt):
        return True
    name = type(exc).__name__
    return (isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted") or (
        name == "InterruptException" and is_duckdb_error(exc)
    )


def _known_failure(exc: Exception) -> SupportStatsError | None:
    """An exception no command caught that still has a plain meaning: Ctrl-C inside a query,
    a damaged warehouse or a full disk (DuckDB's errors, met in the middle of a query)."""
    if is_interrupt(exc):
        return interrupted()
    if "duckdb" not in sys.modules:
        return None
    from supportstats.db import warehouse_fault  # duckdb is loaded by now: no cost

    return warehouse_fault(exc)


def print_error(exc: SupportStatsError) -> None:
    """Print a user-facing error as two plain lines on stderr (a newline or an escape code in
    a file name or a value it quotes is shown escaped, never as a line or a colour)."""
    sys.stderr.write(f"Error: {printable(exc.message)}\n")
    if exc.hint:
        sys.stderr.write(f"Hint: {printable(exc.hint)}\n")
    sys.stderr.flush()


def _json_value(value: Any) -> Any:
    # pandas is imported where it is used, never at module level: --help must start fast
    # (the values reaching here come from a DataFrame, so pandas is loaded by then).
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or Infinity (an overloaded queue's wait is null)
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if is_list(value):  # a list column (tags) arrives as a numpy array: a JSON array
        return [_json_value(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts (NaN and NaT become null, times ISO 8601)."""
    cols = list(frame.columns)
    return [
        {c: _json_value(v) for c, v in zip(cols, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def emit_json(payload: Any) -> None:
    """Write JSON to stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")


def emit_frame(
    frame: pd.DataFrame,
    fmt: OutputFormat,
    *,
    title: str | None = None,
    single: bool = False,
    output: Path | None = None,
    raw_csv: bool | None = None,
) -> None:
    """Write a DataFrame as a table, CSV or JSON (to ``output`` when given, else stdout).

    With ``single`` the JSON is one object (the first row) instead of a list. CSV is
    spreadsheet-safe (:mod:`supportstats.export`) unless ``raw_csv`` (``None``: the
    ``SUPPORTSTATS_RAW_CSV`` environment variable decides).
    """

    if fmt is OutputFormat.json:
        rows = records(frame)
        payload: Any = (rows[0] if rows else {}) if single else rows
        text = json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"
    elif fmt is OutputFormat.csv:
        text = to_csv(frame, raw=raw_from_env() if raw_csv is None else raw_csv)
    else:
        if output is not None:
            text = frame.to_string(index=False) + "\n"
        else:
            stdout.print(rich_table(_readable(frame), title=title))
            return
    if output is not None:
        output.write_text(text, encoding="utf-8")
        stderr.print(f"Wrote {len(frame)} rows to {output}")
    else:
        sys.stdout.write(text)


def emit_batches(
    batches: Iterable[pd.DataFrame], fmt: OutputFormat, *, raw_csv: bool | None = None
) -> None:
    """Write DataFrames one after another as one CSV (one header) or one JSON list, to stdout,
    as they come: the whole result never has to fit in memory. CSV as in :func:`emit_frame`."""

    raw = raw_from_env() if raw_csv is None else raw_csv
    first = True
    if fmt is OutputFormat.json:
        sys.stdout.write("[")
    for frame in batches:
        if fmt is OutputFormat.json:
            for row in records(frame):
                sys.stdout.write("\n  " if first else ",\n  ")
                sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str))
                first = False
        else:
            sys.stdout.write(to_csv(frame, header=first, raw=raw))
            first = False
    if fmt is OutputFormat.json:
        sys.stdout.write("\n]\n" if not first else "]\n")


class Spool:
    """DataFrames written one by one to a temporary file, then read back one by one.

    A command streaming a large result spools it while the warehouse is open, closes the
    warehouse, then prints: an import waiting for the file never waits for the terminal, a
    pager or a slow pipe (DuckDB lets nobody write while anyone reads). Only one frame is in
    memory at a time; the file is gone when the spool is closed.
    """

    def __init__(self, frames: Iterable[pd.DataFrame]) -> None:
        import pickle
        import tempfile

        self._file = tempfile.TemporaryFile(prefix="supportstats-")
        try:
            for frame in frames:
                pickle.dump(frame, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            self._file.close()
            raise SupportStatsError(
                f"cannot write the result to a temporary file: {exc.strerror or exc}",
                f"free some disk space in {tempfile.gettempdir()}, or point TMPDIR elsewhere",
            ) from None

    def frames(self) -> Iterator[pd.DataFrame]:
        """The frames, in the order they were written."""
        import pickle

        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)  # our own file, written just now
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()


# A table wider than this many columns is shown turned, one line per column, when it has
# few rows (an agent report): squeezed into a terminal it would be unreadable.
WIDE_COLUMNS = 9
TURN_MAX_ROWS = 25


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a person should see it in a terminal: turned when wide and short, each
    value formatted by its column's name (:func:`_cell`) before turning."""
    if len(frame.columns) <= WIDE_COLUMNS or len(frame) > TURN_MAX_ROWS or frame.empty:
        return frame
    # Label the columns by the first readable column (agent, not agent_key).
    label = next((c for c in frame.columns if not str(c).endswith("_key")), frame.columns[0])
    labels = [_cell(v) for v in frame[label]]
    labels = [text if text != EMPTY else "(none)" for text in labels]
    body = frame.drop(columns=[c for c in frame.columns if c == label])
    body = body.apply(lambda col: col.map(lambda v, c=str(col.name): _cell(v, c))).T
    body.columns = labels
    return body.reset_index(names=str(label))


# Columns of a table of named metrics (one metric per row) whose unit is the row's metric.
METRIC_VALUE_COLUMNS = frozenset({"value", "target", "previous", "change"})


def _metric_cell(value: Any, column: str, metric: str) -> str:
    """A cell of a table of named metrics: value, target and previous in the metric's unit,
    the change with its sign (``+1.2 pts``, ``-38 s``); other columns by their own name."""
    if not metric or column not in METRIC_VALUE_COLUMNS:
        return _cell(value, column)
    if column == "change" and _json_value(value) is not None:
        return change(metric, _json_value(value))
    return _cell(value, metric)


def _cell(value: Any, column: str = "") -> str:
    """One value as people read it (:mod:`supportstats.formatting`): seconds in a ``*_s``
    column as ``4 min 12 s``, shares as ``91.9 %``, other numbers with at most 3 decimals,
    missing as ``—``. Text passes through as it is."""
    value = _json_value(value)
    if value is None:
        return EMPTY
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool) and column:
        return format_value(column, value)
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else f"{value:.3g}"
    return str(value)


def _text(value: str) -> Text:
    # A Text is never parsed as markup: a cell "[/]" or "[link=...]" is shown as typed.
    return Text(printable(value))


def rich_table(frame: pd.DataFrame, *, title: str | None = None) -> Table:
    """A rich Table of a DataFrame, numbers right-aligned; every cell, header and the title
    shown as plain text (data is never markup, control characters are escaped)."""
    import pandas as pd

    table = Table(title=_text(title) if title else None, title_justify="left", header_style="bold")
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(_text(str(col)), justify="right" if numeric else "left")
    names = [str(c) for c in frame.columns]
    # a table of named metrics (report scorecard): each row's numbers in that metric's unit
    by_metric = "metric" in names
    for row in frame.itertuples(index=False, name=None):
        metric = str(row[names.index("metric")]) if by_metric else ""
        table.add_row(*(_text(_metric_cell(v, c, metric)) for v, c in zip(row, names, strict=True)))
    return table


def key_values(pairs: Sequence[tuple[str, Any]], fmt: OutputFormat, title: str = "") -> None:
    """Print a small set of named values (one record) in the chosen format."""
    if fmt is OutputFormat.table:
        table = Table(
            title=_text(title) if title else None, title_justify="left", show_header=False
        )
        table.add_column("name", style="bold")
        table.add_column("value", justify="right")
        for name, value in pairs:
            table.add_row(_text(name), _text(_cell(value, name)))
        stdout.print(table)
    else:
        import pandas as pd

        emit_frame(pd.DataFrame([dict(pairs)]), fmt, single=True)
