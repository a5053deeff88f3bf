"""Rejects as the readers leave them, settled after an importer's load (ImportContext.load).

* **Broken JSON Lines.** A lenient second reading (``_read.second_attempt``) passes over each
  line that does not parse; here it becomes a reject with its physical line, its text and
  why (``_read.describe_broken_json``), counted in ``rows_read`` and ``rows_rejected``.
* **Physical line numbers.** The readers number a row by records (CSV) or by non-blank lines
  (JSON Lines); a user looks for the line an editor shows where the row starts. The two
  differ after a quoted value with line breaks, a blank line or a record that spans lines:
  then the batch's reject lines are mapped to physical lines (``_read.csv_units``,
  ``_read.text_lines``). A CSV file without such lines keeps its numbers (its line count
  tells, so the file is read once more only when a mapping is needed).
* **Lines that are not UTF-8** in a mixed file: DuckDB's reader rejects them with its own
  message and a "?" for each such byte; they get a reason that names the byte and how the
  value reads as cp1252, and their raw text with those bytes as ``\\xNN``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from supportstats.errors import InputFileError
from supportstats.importers._read import (
    _is_utf8,
    csv_units,
    describe_broken_json,
    describe_not_utf8,
    physical_lines,
    text_lines,
)
from supportstats.sql import load_sql, used_params

if TYPE_CHECKING:
    from supportstats.importers._pipeline import ImportContext

NOT_UTF8_REJECTS = load_sql("rejects/not_utf8_count.sql")


def settle_rejects(ctx: ImportContext) -> None:
    """Settle the batch's rejects after ``importer.load(ctx)`` (see the module docstring)."""
    if ctx.probe.file_kind == "jsonl":
        _settle_json_lines(ctx)
    elif ctx.probe.file_kind == "csv":
        _settle_csv(ctx)


def _run(ctx: ImportContext, name: str, **params: Any) -> list[tuple]:
    sql = load_sql(f"rejects/{name}.sql")
    return ctx.conn.execute(sql, used_params(sql, {"b": ctx.batch_id, **params})).fetchall()


# ------------------------------------------------------------------------- JSON Lines


def _settle_json_lines(ctx: ImportContext) -> None:
    broken: list[int] = []
    if ctx.probe.lenient_json:
        broken = [
            r[0]
            for r in _run(
                ctx,
                "broken_json_lines",
                path=str(ctx.read_path),
                compression="gzip" if ctx.compression == "gzip" else "none",
                max_object=max(ctx.json_max_object(), 1 << 20),
                record_cap=ctx.probe.record_cap,
            )
        ]
        nothing_read = not (
            ctx.rows_read or ctx.rows_loaded or ctx.rows_rejected or ctx.rows_skipped
        )
        if broken and nothing_read:
            raise InputFileError(
                f"{ctx.probe.path}: not JSON Lines: none of its lines parses as JSON "
                f"(line {broken[0]} is the first)",
                "check that the file holds one JSON object per line; a single JSON "
                "document should be named .json",
            )
    stored = [r[0] for r in _run(ctx, "stored_lines")]
    wanted = sorted(set(broken) | set(stored))
    if not wanted:
        return
    keep = set(broken)
    physical: dict[int, int] = {}
    texts: dict[int, bytes] = {}
    doc = 0
    number = 0
    pending = iter(wanted)
    target = next(pending)
    for number, line in enumerate(text_lines(ctx.read_path, ctx.compression), 1):
        if not line.strip():
            continue  # the readers skip blank lines
        doc += 1
        if doc == target:
            physical[doc] = number
            if doc in keep:
                texts[doc] = line
            target = next(pending, None)
            if target is None:
                break
    numbered = set(stored)
    moved = [(d, p) for d, p in physical.items() if d != p and d in numbered]
    if moved:
        _update(ctx, moved, by_line=True, unnumbered=False)
    if broken:
        described = [describe_broken_json(texts.get(d, b""), ctx.probe.record_cap) for d in broken]
        _run(
            ctx,
            "insert_lines",
            entity=ctx.entity or None,
            rows=broken,
            lines=[physical.get(d, d) for d in broken],
            raws=[raw for _reason, raw in described],
            reasons=[reason for reason, _raw in described],
        )
        ctx.broken_records(len(broken))


# ------------------------------------------------------------------------- CSV


def _settle_csv(ctx: ImportContext) -> None:
    rejects = _run(ctx, "csv_rejects")
    if not rejects:
        return
    header = 1 + ctx.csv_skip
    # Records read and the header: a file of one line per record has as many lines.
    remap = physical_lines(ctx.read_path, ctx.compression) != header + ctx.rows_read
    not_utf8 = {line for row, line, bad in rejects if bad and row is None}
    if not remap and not not_utf8:
        return
    rows = sorted({row for row, _line, _bad in rejects if row is not None})
    unnumbered = {line for row, line, _bad in rejects if row is None and line is not None}
    by_row: dict[int, tuple[int, int]] = {}
    by_line: dict[int, tuple[int, int]] = {}
    if remap:
        by_row, by_line = _csv_spans(ctx, rows, unnumbered, header)
    else:
        by_line = {line: (line, line) for line in not_utf8}
    texts = _line_texts(ctx, [by_line[line] for line in not_utf8 if line in by_line])
    row_updates = [(row, first) for row, (first, _last) in by_row.items()]
    line_updates = []
    for line, (first, last) in by_line.items():
        reason = raw = None
        if line in not_utf8:
            reason, raw = describe_not_utf8(_first_not_utf8(texts, first, last))
        line_updates.append((line, first, reason, raw))
    if row_updates:
        _update(ctx, row_updates, by_line=False, unnumbered=False)
    if line_updates:
        _update(ctx, line_updates, by_line=True, unnumbered=True)


def _csv_spans(
    ctx: ImportContext, rows: list[int], unnumbered: set[int], header: int
) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    """Physical (first, last) lines of the rows numbered ``rows`` (the reader's good rows
    in order) and of the reader's own line numbers ``unnumbered`` (the lines it set aside,
    counted as records and blank lines)."""
    by_row: dict[int, tuple[int, int]] = {}
    by_line: dict[int, tuple[int, int]] = {}
    pending = iter(rows)
    target = next(pending, None)
    last_line = max(unnumbered, default=0)
    good = 0
    units = csv_units(ctx.read_path, ctx.compression, ctx.probe.delimiter)
    for unit, (first, last, blank) in enumerate(units, 1):
        if unit in unnumbered:
            by_line[unit] = (first, last)
        elif unit > header and not blank:
            good += 1
            if good == target:
                by_row[good] = (first, last)
                target = next(pending, None)
        if target is None and unit >= last_line:
            break
    return by_row, by_line


def _line_texts(ctx: ImportContext, spans: Iterable[tuple[int, int]]) -> dict[int, bytes]:
    """The bytes of the physical lines the ``spans`` cover, by line number."""
    wanted = {n for first, last in spans for n in range(first, last + 1)}
    if not wanted:
        return {}
    end = max(wanted)
    texts: dict[int, bytes] = {}
    for number, line in enumerate(text_lines(ctx.read_path, ctx.compression), 1):
        if number in wanted:
            texts[number] = line
        if number >= end:
            break
    return texts


def _first_not_utf8(texts: dict[int, bytes], first: int, last: int) -> bytes:
    """The first line from ``first`` to ``last`` that is not UTF-8 (else the first)."""
    for number in range(first, last + 1):
        line = texts.get(number, b"")
        if not _is_utf8(line):
            return line
    return texts.get(first, b"")


def _update(ctx: ImportContext, updates: list[tuple], *, by_line: bool, unnumbered: bool) -> None:
    """Set reject lines from (key, line[, reason, raw]) tuples (``rejects/set_lines.sql``);
    the key is a row number, or with ``by_line`` the reader's line number."""
    keys = [u[0] for u in updates]
    lines = [u[1] for u in updates]
    reasons = [u[2] if len(u) > 2 else None for u in updates]
    raws = [u[3] if len(u) > 3 else None for u in updates]
    _run(
        ctx,
        "set_lines",
        keys=keys,
        lines=lines,
        reasons=reasons,
        raws=raws,
        by_line=by_line,
        unnumbered=unnumbered,
    )
