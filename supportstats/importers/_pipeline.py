"""The import pipeline every source shares: probe, identity, one transaction, rejects and skips.

An importer module only knows its source's shape. It reads the file with
:meth:`ImportContext.stage_csv` or :meth:`ImportContext.stage_json` (or their streamed forms),
stages its models (``sql/staging/<source>__<entity>.sql``, one SELECT each:
:meth:`ImportContext.stage`) into temp tables shaped like the canonical tables plus ``_row``,
``_line``, ``_reject_column``, ``_reject_reason`` and ``_raw`` (and ``_skipped`` when a
documented rule of the source leaves rows out), and hands each to
:meth:`ImportContext.upsert`. The pipeline does the rest: batch bookkeeping, rejected and
skipped rows, the ``rows_read = rows_loaded + rows_rejected + rows_skipped`` check, upsert by
key, and commit or roll back.

The identity of an import is the file's content (sha256) and the options that change its
rows (:func:`option_changes`): the same file with the same options is a no-op; with other
options (or ``--replace``) it is imported again and the earlier batches of that content are
dropped in the same transaction (:mod:`supportstats.batches`), so its rows are in the
warehouse once.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

import duckdb

from supportstats.db import memory_budget, memory_limit, restore_memory_limit, setting_bytes
from supportstats.errors import InputFileError, SupportStatsError
from supportstats.importers._agents import resolve_agents, resolve_queues
from supportstats.importers._models import (
    macro_statements,
    model_name,
    model_select,
    staged_table,
)
from supportstats.importers._plausible import bounds as time_bounds
from supportstats.importers._read import (
    FileProbe,
    could_be_cp1252,
    late_encoding,
    prepared_copy,
    second_attempt,
    sha256_of,
)
from supportstats.importers._rejects import NOT_UTF8_REJECTS, settle_rejects
from supportstats.importers._writer import KEY_COLUMN, SIDE_TABLE, Writer
from supportstats.privacy import Pseudonymisation, describe_setting
from supportstats.privacy import apply as pseudonymise_batch
from supportstats.privacy import check_warehouse as check_pseudonymisation
from supportstats.sql import load_sql, split_statements, used_params
from supportstats.timezones import check_timezone

ProgressSink = Callable[[float, str], None]
"""Called with (fraction done 0..1, label) while a long statement runs."""

# maximum_object_size of JSON reads (the reader's buffers are about twice as large): the
# most for a whole document, and the first try for one line of a JSON Lines file.
JSON_MAX_OBJECT = 1 << 30
JSON_LINE_MAX_OBJECT = 64 << 20

# memory_limit an importer may ask for while it loads a big file (ImportContext.memory_budget):
# past it temp tables spill to disk, so the process stays well inside a laptop's memory.
IMPORT_MEMORY_LIMIT = "3GB"


# error() text that stops a single-pass load at a row it cannot take
# (ImportContext.load_in_one_pass).
SINGLE_PASS_STOP = "supportstats: this row needs the staged import"


# Files above this size get a progress bar; below it the bar would only flicker.
PROGRESS_MIN_BYTES = 4 << 20


@dataclass(frozen=True)
class ImportOptions:
    """What the user said about the files (CLI flags / API arguments).

    Every option is part of the identity of an import (it may change the rows a file gives)
    except those in :data:`NOT_IDENTITY`; an option added here joins it by default.
    """

    source: str | None = None
    entity: str | None = None
    timezone: str | None = None  # None: the source's own zone, else UTC
    mapping: Path | None = None
    keep_extra: bool = False
    strict: bool = False
    source_system: str | None = None
    # import again even with the same options, dropping the earlier batches of the content
    replace: bool = False
    # keyed pseudonyms for people, their words dropped unless kept (supportstats.privacy)
    pseudonymise: Pseudonymisation | None = None
    # load times outside the plausible range and spans that run backwards (importers._plausible)
    keep_implausible: bool = False

    def __post_init__(self) -> None:
        # checked when built, so a library caller hears of a bad zone before any file is read
        check_timezone(self.timezone)

    def as_json(self, **identity: Any) -> str:
        """The options as recorded in import_batch.options, with ``identity`` (what they
        resolved to: the importer, the mapping file's sha256). A pseudonymisation is
        recorded by its fingerprint, never its key."""
        data = self.identity()
        data["mapping"] = str(self.mapping) if self.mapping else None
        return json.dumps({**data, **identity})

    def identity(self) -> dict[str, Any]:
        """The options as plain values (the pseudonymisation key replaced by its id)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.pseudonymise is not None:
            data["pseudonymise"] = self.pseudonymise.fingerprint()
        return data


# Options that decide whether or how often a file is imported, never which rows it gives.
NOT_IDENTITY = frozenset({"strict", "replace"})
# Options whose default the importer resolves (recorded in import_batch): given explicitly,
# they match an earlier import that resolved to the same value.
_RESOLVED = {"timezone": "assumed_timezone", "entity": "entity", "source_system": "source_system"}


@dataclass
class ImportResult:
    """The summary of one file's import (``--format json`` prints :meth:`summary`)."""

    batch_id: int | None
    source: str
    file: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    entity: str = ""
    # the file was imported before with the same options: nothing changed
    skipped: bool = False
    seconds: float = 0.0
    first_reject: dict[str, Any] | None = field(default=None, repr=False)
    rows_skipped: int = 0
    # earlier batches of the same content this import dropped (--replace, or other options)
    replaced: list[int] = field(default_factory=list)
    # what differed from the earlier import ("timezone: default -> Europe/Madrid")
    changed: list[str] = field(default_factory=list)
    # earlier batches of the same content that loaded another entity: kept
    also_imported_as: list[tuple[int, str]] = field(default_factory=list)
    # what the import did to rows of earlier batches, or could not do (ImportContext.notes)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "source": self.source,
            "file": self.file,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "already_imported": self.skipped,
            "replaced_batches": list(self.replaced),
        }


class Importer(Protocol):
    """What a source module provides (see importers/generic.py for the reference one)."""

    SOURCE: str
    DESCRIPTION: str

    def sniff(self, probe: FileProbe) -> float:
        """Confidence 0..1 that the probed file is this source's export."""

    def load(self, ctx: ImportContext) -> None:
        """Stage, type and upsert the file through ``ctx``; the writer counts the rows (a file
        whose records are not staged CSV rows says how many through ``ctx.records_read``)."""


class ImportContext(Writer):
    """One file's import in progress, inside one open transaction: the reading (probe,
    encodings, CSV/JSON staging, streaming) here, the rejects, upserts and counts in
    :class:`~supportstats.importers._writer.Writer`."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        probe: FileProbe,
        batch_id: int,
        options: ImportOptions,
        source_system: str,
        workdir: Path,
        progress: ProgressSink | None = None,
    ) -> None:
        self.conn = conn
        self.probe = probe
        self.batch_id = batch_id
        self.options = options
        self.source_system = source_system
        self.workdir = workdir
        self.progress = progress if probe.size >= PROGRESS_MIN_BYTES else None
        self.entity = ""
        self.reset_counts()
        self._read_path: Path | None = None
        # Zone of naive times; an importer whose source has a known zone sets it when the
        # user gave none. Recorded in import_batch.assumed_timezone.
        self.timezone = options.timezone or "UTC"
        self._line_fix = False
        self._stream: tuple[str, dict[str, Any]] = ("", {})
        self._stream_table = ""
        # For a streamed JSON file: the read's maximum_object_size (None: by file size);
        # False: the stream is a CSV file.
        self._stream_json_max: int | None | bool = False
        # A streamed CSV read without row numbers: the read that numbers rows (for re-reading
        # rejected rows), and the staged table whose rowids give the numbers on demand.
        self._numbered_stream: tuple[str, dict[str, Any]] | None = None
        self._rows_by_rowid = ""
        self._restore: dict[str, str] = {}
        # lines before a CSV file's header (stage_csv skip): its reject lines count them
        self.csv_skip = 0
        # the plausible range of times (importers._plausible), fixed when the import starts
        self.time_bounds = time_bounds()
        # sentences for the user: earlier rows this import replaced or re-pointed, agents it
        # could not resolve (ImportResult.notes)
        self.notes: list[str] = []

    def load(self, importer: Importer) -> None:
        """``importer.load(self)``; again from a fresh transaction while another reading of
        the file can take what the last could not; then the rejects are settled (physical
        line numbers, broken JSON lines: importers._rejects.settle_rejects).

        Other readings (importers._read.second_attempt, late_encoding), each at most once: a
        CSV file with mixed line endings from a copy with LF throughout, JSON Lines with a
        broken or overlong line leniently, and a file with bytes that are not UTF-8 past an
        ASCII first megabyte, and no UTF-8 text at all, as cp1252.
        """
        while True:
            try:
                importer.load(self)
                # the rejects are counted only when they could mean a cp1252 file
                not_utf8 = (
                    self.count(NOT_UTF8_REJECTS, {"b": self.batch_id})
                    if could_be_cp1252(self.probe)
                    else 0
                )
                again = late_encoding(self.probe, not_utf8)
            except (duckdb.Error, SupportStatsError) as exc:
                again = second_attempt(self.probe, exc)
                if again is None:
                    raise
            if again is None:
                break
            self._begin_again()
            self.__init__(  # type: ignore[misc]
                self.conn, again, self.batch_id, self.options, self.source_system,
                self.workdir, self.progress,
            )  # fmt: skip
        settle_rejects(self)

    # ----------------------------------------------------------------- reading
    @property
    def read_path(self) -> Path:
        """The path DuckDB should read: the file, or a UTF-8 copy of it (another encoding,
        mixed line endings: _read.prepared_copy)."""
        if self._read_path is None:
            self._read_path = prepared_copy(self.probe, self.workdir) or self.probe.path
        return self._read_path

    def use_read_path(self, path: Path) -> None:
        """Read ``path`` instead of the file (an importer's cleaned copy, e.g. in workdir).

        The batch keeps the original file's name and sha256.
        """
        self._read_path = path

    @property
    def compression(self) -> str:
        if self.read_path != self.probe.path:
            return "none"
        return self.probe.compression

    def params(self, **extra: Any) -> dict[str, Any]:
        """Parameters every staging SQL file may use, plus ``extra``."""
        base = {
            "batch_id": self.batch_id,
            "source_system": self.source_system,
            "tz": self.timezone,
        }
        base.update(extra)
        return base

    def execute(
        self, sql: str, params: dict[str, Any] | list[Any] | None = None, label: str = ""
    ) -> duckdb.DuckDBPyConnection:
        """Run one statement, reporting DuckDB's query progress for large files; return the
        connection holding its result (an INSERT's is the number of rows it wrote)."""
        if self.progress is None:
            return self.conn.execute(sql, params if params is not None else [])
        with _progress_thread(self.conn, self.progress, label or "importing"):
            return self.conn.execute(sql, params if params is not None else [])

    def run_sql(self, name: str, label: str = "", **extra: Any) -> None:
        """Run each statement of ``sql/<name>`` with the :meth:`params` it names."""
        values = self.params(**extra)
        for statement in split_statements(load_sql(name)):
            self.execute(statement, used_params(statement, values), label=label)

    @contextmanager
    def memory_budget(self, limit: str = IMPORT_MEMORY_LIMIT) -> Iterator[None]:
        """Lower DuckDB's ``memory_limit`` to ``limit`` while the block runs (never raise it).

        Temp tables and big operators then spill to the temp directory instead of growing
        with the file; the setting in force before is restored afterwards.
        """
        # import_file restores the limit after a rollback too (a failed transaction refuses it)
        with memory_budget(self.conn, limit):
            yield

    @contextmanager
    def unordered_writes(self) -> Iterator[None]:
        """Let DuckDB write rows in any order while the block runs.

        Warehouse tables have no row order (every reader groups or sorts), and an INSERT that
        need not keep its input's order runs on every thread; temp tables whose rowids stand
        for row numbers are written outside such a block.
        """
        with self._set_for_block("preserve_insertion_order", "false"):
            yield

    def _setting(self, name: str) -> str:
        """A DuckDB setting's value as DuckDB prints it."""
        return str(self.conn.execute("SELECT current_setting($n)", {"n": name}).fetchall()[0][0])

    @contextmanager
    def _set_for_block(self, name: str, value_sql: str) -> Iterator[None]:
        """``SET name = value_sql`` while the block runs, then the value before it again."""
        before = self._setting(name)
        self.conn.execute(f"SET {name} = {value_sql}")
        try:
            yield
        finally:
            self._restore[name] = before
            try:
                self.restore_settings()
            except duckdb.Error:
                pass  # an aborted transaction: import_file restores after the rollback

    def restore_settings(self) -> None:
        """Put back settings an importer changed (:meth:`memory_budget`,
        :meth:`unordered_writes`)."""
        while self._restore:
            name, value = next(iter(self._restore.items()))
            # The default comes back exactly by RESET; another value as DuckDB printed it.
            self.conn.execute(f"RESET {name}")
            if self._setting(name) != value:
                setting = value if value in ("True", "False") else f"'{setting_bytes(value)}B'"
                self.conn.execute(f"SET {name} = {setting}")
            del self._restore[name]

    def probe_columns(self, table: str) -> list[str]:
        """Column names of a (temp) table, in order."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $t "
                "ORDER BY ordinal_position",
                {"t": table},
            ).fetchall()
        ]

    def count(self, sql: str, params: dict[str, Any] | None = None) -> int:
        return int(self.conn.execute(sql, params or {}).fetchall()[0][0])

    def _min_rowid(self, table: str) -> int:
        # Rows written inside a transaction get rowids from a large offset: subtract it.
        return self.count(f"SELECT coalesce(min(rowid), 0) FROM {table}")

    def _read_csv_sql(self, extra_select: str, skip: int = 0) -> tuple[str, dict[str, Any]]:
        p = self.probe
        sql = (
            f"SELECT *{extra_select} FROM read_csv("
            "$path, delim = $delim, header = true, all_varchar = true, quote = '\"', "
            "escape = '\"', compression = $compression, strict_mode = true, "
            "null_padding = false, store_rejects = true, rejects_table = 'stg_csv_errors', "
            "rejects_scan = 'stg_csv_scans', max_line_size = 10000000, auto_detect = false, "
            "columns = $columns, skip = $skip)"
        )
        return sql, {
            "skip": skip,
            "path": str(self.read_path),
            "delim": p.delimiter,
            "compression": "gzip" if self.compression == "gzip" else "none",
        }

    def stage_csv(
        self,
        table: str = "stg_raw",
        names: list[str] | None = None,
        extra_select: str = "",
        extra_params: dict[str, Any] | None = None,
        skip: int = 0,
    ) -> int:
        """Read the CSV into temp view ``table`` (all text) with ``_row`` and ``_line``.

        ``extra_select`` adds columns to the read (e.g. ``, NULL::VARCHAR AS queue``) so no
        second copy of the data is needed; ``skip`` lines before the header are ignored
        (report CSVs that start with a title or period line). Malformed lines (too many or
        too few fields, bad quoting) go straight to the rejects with DuckDB's line number;
        the returned count includes them.
        """
        sql, params = self._read_csv_sql(extra_select, skip)
        params["columns"] = {n: "VARCHAR" for n in (names or self.probe.header)}
        self.csv_skip = skip
        self.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_t AS {sql}",
            {**params, **(extra_params or {})},
            label=f"reading {self.probe.name}",
        )
        # Rows written inside a transaction get rowids from a large offset: subtract it.
        base = int(self._min_rowid(f"{table}_t"))
        row = f"(rowid - {base} + 1)"
        self.execute(
            f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT *, {row} AS _row, "
            f"{row} + {1 + int(skip)} AS _line FROM {table}_t"
        )
        self.records_read(self.count(f"SELECT count(*) FROM {table}_t") + self.finish_csv())
        return self.rows_read

    def stream_csv(
        self,
        table: str = "stg_raw",
        names: list[str] | None = None,
        extra_select: str = "",
        extra_params: dict[str, Any] | None = None,
        row_numbers: bool = True,
    ) -> None:
        """Like :meth:`stage_csv` but as a lazy view over the file: no copy is made.

        The file is read once, by the first statement that selects from ``table`` (staging
        SQL building a typed table from it). Call :meth:`finish_csv` after that statement to
        record malformed lines; ``rows_read`` is then the typed table's rows plus those.

        ``row_numbers=False`` reads ``_row`` and ``_line`` as NULL, for staging SQL that needs
        them only for rejected and duplicate rows: numbering every row in the read (a window
        over the whole file) costs about a third of the import. Call :meth:`rows_by_rowid`
        with the staged table afterwards; the numbers are then filled in from its rowids (file
        order) for the rows that need them.
        """
        numbered, params = self._read_csv_sql(
            extra_select + ", row_number() OVER () AS _row, row_number() OVER () + 1 AS _line"
        )
        params["columns"] = {n: "VARCHAR" for n in (names or self.probe.header)}
        params.update(extra_params or {})
        self._numbered_stream = (numbered, params)
        unnumbered = ", NULL::BIGINT AS _row, NULL::BIGINT AS _line"
        sql = numbered if row_numbers else self._read_csv_sql(extra_select + unnumbered)[0]
        self._stream = (sql, params)
        self._stream_table = table
        self._stream_json_max = False

    def stage(self, model: str, label: str = "", *, view: bool = False, **extra: Any) -> str:
        """Materialise staging model ``sql/staging/<model>.sql`` (one SELECT) as the temp
        table named like the model; return that name for the writer (``ctx.upsert(target,
        ctx.stage("zendesk__tickets"), ...)``) and for the models that read it.

        The model's parameters are :meth:`params` and ``extra``. A model reading ``FROM
        stg_raw AS r`` reads a streamed file (:meth:`stream_csv`, :meth:`stream_json`)
        directly. ``view`` makes a view instead (a model read once: by the next model, or by
        the writer, which writes a clean view straight to its table and copies it to a table
        only when some row must be marked). Raises SupportStatsError naming the file when it
        is not one SELECT.
        """
        table = staged_table(model)
        kind = "VIEW" if view else "TABLE"
        self._run_staging(
            f"CREATE OR REPLACE TEMP {kind} {table} AS {model_select(model)}", label, extra
        )
        return table

    def release(self, *models: str) -> None:
        """Drop the staged tables of ``models`` that no later model reads (a big file's
        records once typed), so the import holds one copy of them."""
        for model in models:
            self.execute(f"DROP TABLE IF EXISTS {staged_table(model)}")

    def define_macros(self, name: str) -> None:
        """Create the temp macros of macro file ``sql/staging/<name>.sql`` (CREATE MACRO
        statements only; _models.macro_statements)."""
        for statement in macro_statements(name):
            self.execute(statement)

    def staged_from_stream(self, sql_name: str, label: str = "", **extra: Any) -> None:
        """Run a staging SQL file whose ``FROM stg_raw`` reads the streamed CSV directly
        (files of several statements not yet split into models; :meth:`stage` otherwise)."""
        for statement in split_statements(load_sql(sql_name)):
            self._run_staging(statement, label, extra)

    def _run_staging(self, statement: str, label: str, extra: dict[str, Any]) -> None:
        """Run one staging statement, reading the streamed file where it says ``FROM
        <stream table> AS r`` (a JSON line too long for the first buffers: once more)."""
        values = {**self.params(**extra), **self._stream[1]}
        reads = bool(self._stream_table) and f"FROM {self._stream_table} AS r" in statement
        statement_sql = self._from_stream(statement) if reads else statement
        if not (reads and self._stream_json_max is not False):
            self.execute(statement_sql, used_params(statement_sql, values), label=label)
            return
        try:
            self.execute(statement_sql, used_params(statement_sql, values), label=label)
        except duckdb.Error as exc:
            if "maximum_object_size" in str(exc) and self._stream_json_max:
                # A JSON line longer than the buffers: once more with the largest limit.
                self._stream_json_max = JSON_MAX_OBJECT
                self._stream = self._json_stream_sql()
                values = {**self.params(**extra), **self._stream[1]}
                statement_sql = self._from_stream(statement)
                try:
                    self.execute(statement_sql, used_params(statement_sql, values), label=label)
                except duckdb.Error as again:
                    raise self._json_error(again) from None
            else:
                raise self._json_error(exc) from None

    def load_in_one_pass(self, sql_name: str, target: str, label: str = "", **extra: Any) -> bool:
        """Load the streamed CSV straight into ``target``: one read, one write, no staged copy.

        ``sql_name`` is a staging model (``generic__conversation``: one SELECT over the
        stream) or a file of a single ``CREATE OR REPLACE TEMP TABLE <staged> AS SELECT``;
        only before anything else was written in the transaction. The
        insert stops at the first row with a ``_reject_reason``, and rows sharing a key are
        counted after it; either way the transaction is rolled back and begun again and False
        tells the importer to load the file the staged way, which reports those rows one by
        one. Malformed lines do not stop it: the reader sets them aside for :meth:`finish_csv`.
        Writing the staged copy and reading it back is about half the time of a big import,
        and most large files have no bad rows at all.
        """
        if self._stream_json_max is not False:
            return False
        statements = split_statements(load_sql(f"staging/{model_name(sql_name)}.sql"))
        shape = re.match(r"CREATE OR REPLACE TEMP TABLE (\w+) AS\s", statements[0])
        key = KEY_COLUMN[target]
        if len(statements) != 1:
            return False
        # a model (one SELECT) is staged under its own name; an older file names its table
        staged = shape.group(1) if shape else staged_table(sql_name)
        select = self._from_stream(statements[0][shape.end() :] if shape else statements[0])
        values = {**self.params(**extra), **self._stream[1], "stop": SINGLE_PASS_STOP}
        # An empty table shaped like the staged one says which target columns it fills.
        shaped = f"{staged}_shape"
        probe_sql = f"CREATE OR REPLACE TEMP TABLE {shaped} AS SELECT * FROM ({select}) LIMIT 0"
        self.execute(probe_sql, used_params(probe_sql, values))
        cols = self._shared_columns(target, shaped)
        side = SIDE_TABLE.get(target)
        if side and self._side_values(side, shaped):
            return False
        had_rows = self._has_rows(target)
        # A row with an implausible time stops the load too: the staged way rejects it.
        check = self._time_check(target, shaped)
        if check is not None:
            values.update(self.time_bounds)
        insert = (
            f"INSERT INTO {target} ({cols}) SELECT {cols} FROM ({select}) WHERE "
            f"CASE WHEN _reject_reason IS NOT NULL{' OR ' + check.bad if check else ''} "
            "THEN error($stop) ELSE true END"
        )
        try:
            with self.unordered_writes():
                done = self.execute(insert, used_params(insert, values), label=label)
                loaded = int(done.fetchall()[0][0])
        except duckdb.Error as exc:
            if SINGLE_PASS_STOP not in str(exc):
                raise
            self._begin_again()
            return False
        if _hashes_repeat(self.conn, target, self.batch_id):
            self._begin_again()
            return False
        if had_rows:
            match = self._stored_key(target, key)
            replaced = (
                f"FROM {target} WHERE batch_id <> $b AND {match} IN "
                f"(SELECT {match} FROM {target} WHERE batch_id = $b)"
            )
            self._note_replaced(target, replaced, {"b": self.batch_id})
            self.execute(
                f"DELETE {replaced}", {"b": self.batch_id}, label=f"replacing earlier {target} rows"
            )
        if side and self._has_rows(side):
            self.execute(
                f"DELETE FROM {side} WHERE {key} IN (SELECT {key} FROM {target} "
                "WHERE batch_id = $b)",
                {"b": self.batch_id},
            )
        malformed = self.finish_csv()
        self.entity = self.entity or target
        self.records_read(int(loaded) + malformed)
        self.records_loaded(int(loaded))
        return True

    def _begin_again(self) -> None:
        """Roll the file's transaction back and open a fresh one (nothing of it is kept)."""
        self.conn.execute("ROLLBACK")
        self.restore_settings()
        self.conn.execute("BEGIN TRANSACTION")

    def _from_stream(self, statement: str) -> str:
        """``statement`` reading the streamed file where it says ``FROM <table> AS r``."""
        return statement.replace(
            f"FROM {self._stream_table} AS r", f"FROM ({self._stream[0]}) AS r"
        )

    def _json_read(self, max_object: int | None = None) -> tuple[str, dict[str, Any]]:
        """``read_json_objects`` of the file: (sql, params) giving ``_doc, doc``."""
        gzip = self.compression == "gzip"
        if max_object is None or self.probe.lenient_json:
            max_object = self.json_max_object()
        sql = (
            "SELECT row_number() OVER () AS _doc, json AS doc FROM read_json_objects($path, "
            "format = $fmt, compression = $compression, maximum_object_size = $max_object)"
        )
        params: dict[str, Any] = {}
        if self.probe.lenient_json:
            # A second reading (ImportContext.load): a line that does not parse, or longer
            # than the record cap, is passed over (numbered, so later lines keep theirs) and
            # becomes a reject afterwards.
            sql = f"SELECT * FROM ({sql[:-1]}, ignore_errors = true)) WHERE doc IS NOT NULL"
            if self.probe.record_cap is not None:
                sql += " AND strlen(doc::VARCHAR) <= $record_cap"
                params["record_cap"] = self.probe.record_cap
        return sql, {
            "path": str(self.read_path),
            "fmt": "newline_delimited" if self.probe.file_kind == "jsonl" else "auto",
            "compression": "gzip" if gzip else "none",
            "max_object": max(int(max_object), 1 << 20),
            **params,
        }

    def json_max_object(self) -> int:
        """maximum_object_size that reads any value of the file: no larger than the file
        needs, as the reader allocates buffers of about twice this size (a JSON value
        cannot be longer than the uncompressed file)."""
        path = self.read_path
        size = _gzip_uncompressed_size(path) if self.compression == "gzip" else path.stat().st_size
        return min(JSON_MAX_OBJECT, size + 16)

    def _json_error(self, exc: duckdb.Error) -> InputFileError:
        return InputFileError(
            f"{self.probe.path}: not valid JSON ({_first_line(exc)})",
            "the file may be truncated or not JSON; export it again or check the end of the file",
        )

    def stream_json(self, table: str = "stg_raw") -> None:
        """Like :meth:`stage_json` without ``records``, but lazy: no copy of the file is made.

        Staging SQL run with :meth:`staged_from_stream` reads the file where it says
        ``FROM <table> AS r``; the rows are ``_row`` (top-level value), ``_line`` (JSON Lines),
        ``record`` (Airbyte / Faros wrappers removed) and ``_stream``. JSON Lines are read with
        64 MiB buffers (a longer line is retried with the 1 GiB limit); errors reading the file
        are reported as "not valid JSON".
        """
        lines = self.probe.file_kind == "jsonl"
        self._stream_json_max = JSON_LINE_MAX_OBJECT if lines else None
        self._stream_table = table
        self._stream = self._json_stream_sql()

    def _json_stream_sql(self) -> tuple[str, dict[str, Any]]:
        read_sql, params = self._json_read(self._stream_json_max)
        # One parse of each value finds the wrappers; Airbyte wraps records as
        # {"stream", "data"}, Faros wraps those once more.
        sql = (
            "SELECT _doc AS _row, CASE WHEN $lines THEN _doc END AS _line, "
            "CASE WHEN json_type(w.record.data) = 'OBJECT' THEN w.record.data "
            "WHEN json_type(w.data) = 'OBJECT' AND json_type(w.stream) = 'VARCHAR' THEN w.data "
            "ELSE doc END AS record, "
            "coalesce(w.record.stream ->> '$', w.stream ->> '$') AS _stream "
            'FROM (SELECT _doc, doc, json_transform(doc, \'{"record": {"data": "JSON", '
            '"stream": "JSON"}, "data": "JSON", "stream": "JSON"}\') AS w '
            f"FROM ({read_sql}))"
        )
        return sql, {**params, "lines": self.probe.file_kind == "jsonl"}

    def rows_by_rowid(self, staged: str) -> None:
        """``staged`` was built from a stream read without row numbers (see :meth:`stream_csv`),
        in file order: its rowids give ``_row`` and ``_line`` when rows are rejected."""
        self._rows_by_rowid = staged

    def _number_rows(self, staged: str, where: str) -> None:
        """Fill ``_row`` and ``_line`` of the ``staged`` rows matching ``where`` from rowids."""
        if staged != self._rows_by_rowid:
            return
        # Rows written inside a transaction get rowids from a large offset: subtract it.
        base = self._min_rowid(staged)
        self.execute(
            f"UPDATE {staged} SET _row = rowid - {base} + 1, _line = rowid - {base} + 2 "
            f"WHERE {where}"
        )

    def stage_json(self, table: str = "stg_raw", *, records: str | None = None) -> int:
        """Read JSON / JSON Lines into temp ``table(_row, _line, record JSON)``.

        ``records`` is a JSON path (e.g. ``'$.tickets'``) to an array of records inside each
        top-level value; without it every top-level value (or array item) is one record.
        Unwraps Airbyte (``{"stream", "data"}``) and Faros (``{"record": {...}}``) lines.
        """
        read_sql, read_params = self._json_read()
        try:
            self.execute(
                f"CREATE OR REPLACE TEMP TABLE {table}_doc AS {read_sql}",
                read_params,
                label=f"reading {self.probe.name}",
            )
        except duckdb.Error as exc:
            raise self._json_error(exc) from None
        if records:
            self.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT row_number() OVER "
                "(ORDER BY _doc, i) AS _row, NULL::BIGINT AS _line, item AS record, "
                "NULL::VARCHAR AS _stream FROM (SELECT _doc, "
                "unnest(range(CAST(json_array_length(doc, $p) AS BIGINT))) AS i, "
                f"unnest(json_extract(doc, $p || '[*]')::JSON[]) AS item FROM {table}_doc "
                "WHERE json_type(doc, $p) = 'ARRAY')",
                {"p": records},
            )
        else:
            # Airbyte wraps records as {"stream","data"}; Faros wraps those once more.
            self.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT _doc AS _row, "
                "CASE WHEN $lines THEN _doc END AS _line, "
                "CASE WHEN json_type(doc, '$.record.data') = 'OBJECT' THEN doc -> '$.record.data' "
                "WHEN json_type(doc, '$.data') = 'OBJECT' AND json_type(doc, '$.stream') = "
                "'VARCHAR' THEN doc -> '$.data' ELSE doc END AS record, "
                "coalesce(doc ->> '$.record.stream', doc ->> '$.stream') AS _stream "
                f"FROM {table}_doc",
                {"lines": self.probe.file_kind == "jsonl"},
            )
        self.execute(f"DROP TABLE {table}_doc")
        return self.count(f"SELECT count(*) FROM {table}")


def _hashes_repeat(conn: duckdb.DuckDBPyConnection, table: str, batch_id: int) -> bool:
    """Whether two of the batch's rows in ``table`` share a hash of their key.

    Distinct hashes prove distinct keys; equal ones (a duplicate, or at 10M keys a
    3-in-a-million chance of a collision) send the file the staged way, which is exact. The
    key is hashed as (source_system, source_id), the parts it is computed from: within one
    batch source_system is a constant. Sorting the 8-byte hashes in numpy takes half the
    time of DuckDB's ``count(DISTINCT ...)`` (0.4 s against 0.9 s for 10M rows; fetched whole,
    as an Arrow reader would first import pyarrow, 0.25 s).
    """
    (hashes,) = (
        conn.execute(
            f"SELECT hash(source_system, source_id) AS h FROM {table} WHERE batch_id = $b",
            {"b": batch_id},
        )
        .fetchnumpy()
        .values()
    )
    hashes.sort()
    return bool((hashes[1:] == hashes[:-1]).any())


def _gzip_uncompressed_size(path: Path) -> int:
    """A gzip file's uncompressed size from its trailer (exact below 4 GiB; else unknown)."""
    with path.open("rb") as handle:
        handle.seek(-4, 2)
        size = int.from_bytes(handle.read(4), "little")
    compressed = path.stat().st_size
    # The trailer keeps the size modulo 4 GiB: a smaller figure than the file means wrap-around.
    return size if size >= compressed // 2 else JSON_MAX_OBJECT


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200]


@contextmanager
def _progress_thread(
    conn: duckdb.DuckDBPyConnection, sink: ProgressSink, label: str
) -> Iterator[None]:
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            try:
                fraction = conn.query_progress()
            except duckdb.Error:
                continue
            if fraction is not None and fraction >= 0:
                sink(min(float(fraction) / 100.0, 1.0), label)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        sink(1.0, label)


def _next_batch_id(conn: duckdb.DuckDBPyConnection) -> int:
    """One more than any batch id used so far: a dropped batch's id is never given again."""
    return int(
        conn.execute(
            "SELECT coalesce(greatest((SELECT max(batch_id) FROM import_batch), "
            "(SELECT max(batch_id) FROM import_batch_dropped)), 0) + 1"
        ).fetchall()[0][0]
    )


class _Sha256:
    """A file's sha256, computed now or on a thread (hashlib and file reads release the GIL)."""

    def __init__(self, path: Path, background: bool) -> None:
        self._path = path
        self._digest: str | None = None
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        else:
            self._run()

    def _run(self) -> None:
        try:
            self._digest = sha256_of(self._path, stop=self._stop)
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def result(self) -> str:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._digest is not None, "result() after cancel()"
        return self._digest

    def cancel(self) -> None:
        """Stop reading the file (the import failed); a finished digest is kept."""
        self._stop.set()


def _size_seen(conn: duckdb.DuckDBPyConnection, size: int) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM import_batch WHERE file_bytes = $s", {"s": size}
        ).fetchall()[0][0]
    )


@dataclass(frozen=True)
class EarlierImport:
    """A batch that loaded the same content (sha256) as the file being imported."""

    batch_id: int
    source_system: str
    entity: str | None
    assumed_timezone: str | None
    options: dict[str, Any]
    rows: tuple[int, int, int, int]  # read, loaded, rejected, skipped


def _earlier_imports(conn: duckdb.DuckDBPyConnection, sha: str) -> list[EarlierImport]:
    rows = conn.execute(
        "SELECT batch_id, source_system, entity, assumed_timezone, options, rows_read, "
        "rows_loaded, rows_rejected, coalesce(rows_skipped, 0) FROM import_batch "
        "WHERE sha256 = $sha ORDER BY batch_id",
        {"sha": sha},
    ).fetchall()
    out = []
    for r in rows:
        try:
            options = json.loads(r[4]) if r[4] else {}
        except ValueError:
            options = {}
        out.append(
            EarlierImport(
                int(r[0]), r[1], r[2], r[3], options if isinstance(options, dict) else {},
                (int(r[5]), int(r[6]), int(r[7]), int(r[8])),
            )
        )  # fmt: skip
    return out


def _mapping_sha(options: ImportOptions) -> str | None:
    """sha256 of the mapping file (its content, not its name, shapes the rows)."""
    if options.mapping is None:
        return None
    try:
        return sha256_of(Path(options.mapping))
    except OSError:
        return None  # the generic importer says what is wrong with it


def option_changes(
    earlier: EarlierImport, options: ImportOptions, importer: str, mapping_sha: str | None
) -> list[str]:
    """What differs between an earlier import of the same content and this one, among the
    options that change rows (``["--timezone: default (UTC) -> Europe/Madrid"]``); empty
    when they are the same import.

    An option left out matches an earlier import that left it out too; given, it matches an
    earlier import that gave it or resolved to the same value (``--timezone UTC`` after a
    generic import that assumed UTC). The source is compared as the importer used, the
    mapping file by content.
    """
    old = earlier.options
    defaults = ImportOptions()
    changes: list[str] = []
    for name, value in options.identity().items():
        if name in NOT_IDENTITY:
            continue
        flag = "--" + name.replace("_", "-")
        if name == "mapping":
            if "mapping_sha256" in old:
                same = old.get("mapping_sha256") == mapping_sha
            else:  # recorded by an earlier version: by name
                same = old.get("mapping") == (str(value) if value else None)
            if not same:
                was = old.get("mapping") or "none"
                changes.append(f"{flag}: {was} -> {value or 'none'} (other content)")
            continue
        if name == "pseudonymise":
            if old.get(name) != value:
                changes.append(f"{flag}: {describe_setting(old.get(name))} -> "
                               f"{describe_setting(value)}")  # fmt: skip
            continue
        if name == "source":
            was = old.get("importer") or old.get("source")
            now = importer if "importer" in old else value
            if was != now:
                changes.append(f"{flag}: {was or 'detected'} -> {now or 'detected'}")
            continue
        was = old.get(name, getattr(defaults, name))
        if name in _RESOLVED:
            resolved = getattr(earlier, _RESOLVED[name])
            same = was is None if value is None else value in (was, resolved)
            shown = f"{was}" if was is not None else f"default ({resolved})"
        else:
            same = was == value
            shown = f"{was}"
        if not same:
            changes.append(f"{flag}: {shown} -> {'default' if value is None else value}")
    return changes


def import_file(
    conn: duckdb.DuckDBPyConnection,
    file_probe: FileProbe,
    importer: Importer,
    options: ImportOptions,
    progress: ProgressSink | None = None,
    keep_facts: bool = True,
) -> ImportResult:
    """Import one probed file with ``importer`` in one transaction; return its summary.

    :func:`supportstats.importers.import_file` chooses the importer (its detection rule, or
    ``options.source``) and calls this.

    The identity of an import is the file's content (sha256) and the options that change its
    rows (:func:`option_changes`). The same file with the same options changes nothing and
    returns a result with ``skipped=True``. The same content with other options, or with
    ``options.replace``, is imported again as a new batch, and the earlier batches of that
    content (those that loaded the same entity) are dropped in the same transaction
    (:mod:`supportstats.batches`): its rows are in the warehouse once, as the new options
    make them (``result.replaced``).

    Any failure rolls the warehouse back to where it was. The stored facts of the
    conversations the file touched are recomputed in the same transaction;
    ``keep_facts=False`` leaves them stale (readers then compute on demand) for one
    ``metrics.stored.refresh`` after several files.
    """
    from supportstats.batches import apply as drop_batches
    from supportstats.metrics.stored import is_current as facts_current
    from supportstats.metrics.stored import refresh as refresh_facts

    started = time.perf_counter()
    path = file_probe.path
    # An importer may read part of an import's identity from the file's name: the same bytes
    # under another name can be other rows (a Zendesk holidays file names its schedule), so
    # an earlier import of them under another identity is another import, neither a no-op
    # nor replaced (``file_identity(probe) -> dict``, recorded in import_batch.options).
    identify = getattr(importer, "file_identity", None)
    file_id: dict[str, Any] = identify(file_probe) if identify else {}
    # The same bytes have the same size: only a file the size of an earlier one can be a
    # re-import, and needs its sha256 before anything else. Any other file is hashed on a
    # second thread while DuckDB reads it (about 5 % of a big import).
    seen_size = _size_seen(conn, file_probe.size)
    digest = _Sha256(path, background=not seen_size)
    mapping_sha = _mapping_sha(options)
    earlier = _earlier_imports(conn, digest.result()) if seen_size else []
    earlier = [e for e in earlier if all(e.options.get(k) == v for k, v in file_id.items())]
    changes = {
        e.batch_id: option_changes(e, options, importer.SOURCE, mapping_sha) for e in earlier
    }
    same = next((e for e in earlier if not changes[e.batch_id]), None)
    if same is not None and not options.replace:
        read, loaded, rejected, skipped = same.rows
        return ImportResult(
            same.batch_id,
            importer.SOURCE,
            str(path),
            read,
            loaded,
            rejected,
            entity=same.entity or "",
            skipped=True,
            seconds=time.perf_counter() - started,
            rows_skipped=skipped,
        )
    check_pseudonymisation(conn, options.pseudonymise, "this warehouse")
    source_system = options.source_system or importer.SOURCE
    for statement in macro_statements("_macros"):
        conn.execute(statement)
    facts_were_current = keep_facts and facts_current(conn)
    limit = memory_limit(conn)  # a failed facts update cannot restore it before the rollback
    conn.execute("BEGIN TRANSACTION")
    ctx: ImportContext | None = None
    replaced: list[int] = []
    try:
        with tempfile.TemporaryDirectory(prefix="supportstats-") as tmp:
            batch_id = _next_batch_id(conn)
            ctx = ImportContext(
                conn, file_probe, batch_id, options, source_system, Path(tmp), progress
            )
            # Every import spills to disk past the budget instead of growing with the file.
            with ctx.memory_budget():
                try:
                    ctx.load(importer)
                except duckdb.Error as exc:
                    unreadable = _unreadable(path, importer.SOURCE, exc)
                    if unreadable is exc:
                        raise
                    raise unreadable from None
                # agents, teams and queues the rows name: new keys only (a write upsert does not do)
                ctx.run_sql("load/_references.sql", label="registering agents and teams")
                if options.pseudonymise is not None:
                    if progress:
                        progress(0.97, "pseudonymising")
                    pseudonymise_batch(conn, batch_id, options.pseudonymise, importer.SOURCE)
                # after the pseudonyms, so pseudonymised agents match alike
                resolve_agents(ctx)
                resolve_queues(ctx)
            if ctx.rows_read != ctx.rows_loaded + ctx.rows_rejected + ctx.rows_skipped:
                raise SupportStatsError(
                    f"{path}: internal count mismatch: read {ctx.rows_read}, loaded "
                    f"{ctx.rows_loaded}, rejected {ctx.rows_rejected}, skipped "
                    f"{ctx.rows_skipped}",
                    "nothing was imported; please report this with the file's shape",
                )
            if options.strict and ctx.rows_rejected:
                first = first_reject(conn, batch_id)
                raise InputFileError(
                    f"{path}: {ctx.rows_rejected} of {ctx.rows_read} rows would be rejected "
                    f"({describe_reject(path, first)}); nothing was imported (--strict)",
                    "fix those rows, or import without --strict to load the good rows and "
                    "keep the bad ones in the rejects table",
                )
            # The earlier imports of this content are dropped after the load (a single-pass
            # load may roll back and begin again): what the new batch rewrote is its own by
            # now, and the rest (keys the new options changed, rows now rejected) goes.
            replaced = [e.batch_id for e in earlier if (e.entity or "") in ("", ctx.entity)]
            if replaced:
                if progress:
                    progress(0.98, "dropping the earlier import of this file")
                drop_batches(conn, replaced, note_as=batch_id, replaced_by=batch_id)
            conn.execute(
                "INSERT INTO import_batch (batch_id, source_system, file_kind, entity, "
                "file_name, sha256, file_bytes, rows_read, rows_loaded, rows_rejected, "
                "rows_skipped, assumed_timezone, options, imported_at) VALUES ($batch_id, "
                "$source, $kind, $entity, $file, $sha, $bytes, $read, $loaded, $rejected, "
                "$skipped, $tz, $options, now())",
                {
                    "batch_id": batch_id,
                    "source": ctx.source_system,
                    "kind": file_probe.file_kind,
                    "entity": ctx.entity,
                    "file": str(path),
                    "sha": digest.result(),
                    "bytes": file_probe.size,
                    "read": ctx.rows_read,
                    "loaded": ctx.rows_loaded,
                    "rejected": ctx.rows_rejected,
                    "skipped": ctx.rows_skipped,
                    "tz": ctx.timezone,
                    "options": options.as_json(
                        importer=importer.SOURCE, mapping_sha256=mapping_sha, **file_id
                    ),
                },
            )
            if keep_facts:  # the stored facts change with the rows, in the same transaction
                if progress:
                    progress(0.99, "updating stored facts")
                try:
                    refresh_facts(conn, batch_id, facts_were_current)
                except duckdb.Error as exc:  # not the file's fault: say what failed
                    raise SupportStatsError(
                        f"{path}: updating the stored facts failed ({_first_line(exc)}); "
                        "nothing was imported",
                        "run supportstats db check, or supportstats db rebuild-facts, and "
                        "import the file again; report this if it happens again",
                    ) from None
            _drop_temp_tables(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        digest.cancel()
        if ctx is not None:
            ctx.restore_settings()
        restore_memory_limit(conn, limit)
    assert ctx is not None
    result = ImportResult(
        batch_id,
        ctx.source_system,
        str(path),
        ctx.rows_read,
        ctx.rows_loaded,
        ctx.rows_rejected,
        entity=ctx.entity,
        seconds=time.perf_counter() - started,
        rows_skipped=ctx.rows_skipped,
        replaced=replaced,
        changed=changes[replaced[-1]] if replaced else [],
        also_imported_as=[
            (e.batch_id, e.entity or "") for e in earlier if e.batch_id not in replaced
        ],
        notes=ctx.notes,
    )
    if ctx.rows_rejected:
        result.first_reject = first_reject(conn, batch_id)
    return result


def _unreadable(path: Path, source: str, exc: duckdb.Error) -> Exception:
    """What a DuckDB error met while reading and staging the user's file means: the file is
    not the export it was taken for (an InputFileError naming the source, suggesting
    --source), unless the warehouse failed (a full disk, a damaged file): that error is kept
    with its own message (the CLI reports it as a warehouse fault)."""
    from supportstats.db import warehouse_fault

    if warehouse_fault(exc) is not None or isinstance(exc, duckdb.OutOfMemoryException):
        return exc
    return InputFileError(
        f"{path}: cannot be read as a {source} export ({_first_line(exc)})",
        "check the file's format; force the source with --source NAME if it was "
        "detected wrongly (supportstats import --help lists the sources)",
    )


def _drop_temp_tables(conn: duckdb.DuckDBPyConnection) -> None:
    for (name,) in conn.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal"
    ).fetchall():
        conn.execute(f'DROP VIEW IF EXISTS temp."{name}"')
    for (name,) in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary"
    ).fetchall():
        conn.execute(f'DROP TABLE IF EXISTS temp."{name}"')


def first_reject(conn: duckdb.DuckDBPyConnection, batch_id: int) -> dict[str, Any] | None:
    """The earliest rejected row of a batch, as a dict (None when there is none); skipped
    rows are no rejects."""
    frame = conn.execute(
        "SELECT row_number, line_number, column_name, reason FROM import_reject "
        "WHERE batch_id = $b AND NOT coalesce(skipped, false) "
        "ORDER BY coalesce(line_number, row_number) LIMIT 1",
        {"b": batch_id},
    ).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def describe_reject(path: Path | str, reject: dict[str, Any] | None) -> str:
    """'file.csv line 4, column created_at: reason' for one reject row."""
    if not reject:
        return ""
    where = [str(path)]
    line = reject.get("line_number")
    row = reject.get("row_number")
    if line is not None and line == line:
        where.append(f"line {int(line)}")
    elif row is not None and row == row:
        where.append(f"record {int(row)}")
    column = reject.get("column_name")
    if column:
        where.append(f"column {column}")
    return (
        " ".join(where[:1])
        + (" " + ", ".join(where[1:]) if len(where) > 1 else "")
        + (f": {reject.get('reason')}")
    )
