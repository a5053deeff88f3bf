"""The writer: every count, reject, skip, duplicate check and upsert of an import.

An importer (a source module) reads its file and types it with staging SQL; what becomes of
the staged rows is decided here, the same way for every source: rows with a
``_reject_reason`` go to ``import_reject`` (those with ``_skipped`` marked as left out by a
rule of the source), the second and later rows sharing a key are rejected, implausible times
are rejected, and the good rows replace the warehouse rows with the same key.

The writer owns the batch's counts (``rows_read = rows_loaded + rows_rejected +
rows_skipped``): importers never set them. They say what the file held through the methods
here (:meth:`Writer.records_read` when the unit of the batch is not one staged CSV row, which
the reader counts itself), and every upsert with ``main=True`` counts its rows.
:class:`Writer` is a base of :class:`~supportstats.importers._pipeline.ImportContext`, which
adds the reading; the test ``tests/importers/test_layers.py`` keeps counting here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from supportstats.importers._aggregate import upsert_aggregates
from supportstats.importers._plausible import TimeCheck, time_check

if TYPE_CHECKING:
    import duckdb

    from supportstats.importers._pipeline import ImportOptions

# import_reject's columns, as every insert names them.
REJECT_COLUMNS = "batch_id, entity, row_number, line_number, column_name, raw, reason, skipped"

# Warehouse tables whose rarely-set columns live in a side table keyed like them (schema
# migration 002): upsert() writes a staged row's side columns there when any is set.
SIDE_TABLE = {"conversation": "conversation_source"}

KEY_COLUMN = {
    "conversation": "conversation_key",
    "conversation_source": "conversation_key",
    "message": "message_key",
    "conversation_event": "event_key",
    "engagement": "engagement_key",
    "rating": "rating_key",
    "agent_status_interval": "status_key",
    "agent": "agent_key",
    "team": "team_key",
    "queue": "queue_key",
    "contact": "contact_key",
    "schedule": "schedule_key",
    "sla_policy": "policy_key",
    "organization": "organization_key",
}


@dataclass
class Counts:
    """A batch's row counts; they balance: read = loaded + rejected + skipped."""

    read: int = 0
    loaded: int = 0
    rejected: int = 0
    # rows a documented rule of the source leaves out (staged with _skipped = true)
    skipped: int = 0


class Writer:
    """Rejects, skips, duplicate checks, upserts and the counts of one file's import.

    A base class: :class:`~supportstats.importers._pipeline.ImportContext` provides the
    connection, the batch, the options and the reading (``execute``, ``count``,
    ``probe_columns``, ``_number_rows``, the streamed read for rejected rows' raw text).
    """

    conn: duckdb.DuckDBPyConnection
    batch_id: int
    options: ImportOptions
    entity: str
    time_bounds: dict[str, Any]
    _counts: Counts
    _line_fix: bool
    _stream: tuple[str, dict[str, Any]]
    _stream_table: str
    _numbered_stream: tuple[str, dict[str, Any]] | None

    # -------------------------------------------------------------- the counts
    @property
    def rows_read(self) -> int:
        """Records of the file (the batch's unit: CSV rows, top-level JSON records)."""
        return self._counts.read

    @property
    def rows_loaded(self) -> int:
        return self._counts.loaded

    @property
    def rows_rejected(self) -> int:
        return self._counts.rejected

    @property
    def rows_skipped(self) -> int:
        return self._counts.skipped

    def reset_counts(self) -> None:
        """Nothing counted yet (a new import, or another reading of the same file)."""
        self._counts = Counts()

    def records_read(self, count: int) -> None:
        """The file holds ``count`` records of the batch's unit (a JSON export's top-level
        records, a report's entries). A staged CSV file is counted by the reader."""
        self._counts.read = int(count)

    def records_loaded(self, count: int) -> None:
        """``count`` records written straight into their table (the single-pass load)."""
        self._counts.loaded += int(count)

    def more_records_read(self, count: int) -> None:
        """``count`` more records of the file (another kind, read after the first)."""
        self._counts.read += int(count)

    def broken_records(self, count: int) -> None:
        """``count`` records the reader could not take, already in import_reject."""
        self._counts.read += int(count)
        self._counts.rejected += int(count)

    def not_records(self, count: int) -> None:
        """``count`` lines the reader set aside as malformed are no records (a report's
        footer): no longer counted read or rejected (their import_reject rows are gone)."""
        self._counts.read -= int(count)
        self._counts.rejected -= int(count)

    def set_aside(self, staged: str, entity: str, *, counted: bool = True) -> None:
        """Reject (or skip by rule) the flagged rows of ``staged``; ``counted``: they are the
        batch's own rows (else rows of another entity the file also holds)."""
        rejected = self.reject_rows(staged, entity)
        if counted:
            self._counts.rejected += rejected
            self._counts.skipped += self.skipped_rows(staged)

    def count_loaded(self, staged: str) -> None:
        """Count the good rows of ``staged`` loaded (an importer's own insert wrote them)."""
        self._counts.loaded += self.count(
            f"SELECT count(*) FROM {staged} WHERE _reject_reason IS NULL"
        )

    def aggregate_entries(self, loaded: int, repeated: int) -> None:
        """Report entries: ``loaded`` written, ``repeated`` rejected as repeating another's
        numbers (importers._aggregate)."""
        self._counts.loaded += int(loaded)
        self._counts.rejected += int(repeated)

    def upsert_counted(self, target: str, staged: str, id_label: str) -> None:
        """Upsert ``staged`` and count its ``_counted`` rows (top-level records) as
        loaded/rejected/skipped.

        A table may mix top-level records (counted in ``rows_read``) with rows derived from
        them (parts embedded in a conversation, threads of a chat): only the former feed the
        batch's counts, so ``rows_read = loaded + rejected + skipped`` holds. Repeated keys,
        also among rows unnested from one record, are rejected by :meth:`upsert`.
        """
        self.upsert(target, staged, main=False, id_label=id_label)
        self._counts.loaded += self.count(
            f"SELECT count(*) FROM {staged} WHERE _counted AND _reject_reason IS NULL"
        )
        set_aside = self.count(
            f"SELECT count(*) FROM {staged} WHERE _counted AND _reject_reason IS NOT NULL"
        )
        skipped = 0
        if "_skipped" in self.probe_columns(staged):  # left out by a rule of the source
            skipped = self.count(
                f"SELECT count(*) FROM {staged} WHERE _counted AND _reject_reason IS NOT NULL "
                "AND coalesce(_skipped, false)"
            )
        self._counts.rejected += set_aside - skipped
        self._counts.skipped += skipped

    # ------------------------------------------------------ malformed CSV lines
    def finish_csv(self) -> int:
        """Record the CSV reader's malformed lines as rejects; return how many there were.

        Line numbers of later rows shift by the malformed lines before them; the correction
        is applied to the rejects only (the only place line numbers are kept).
        """
        bad = self.count("SELECT count(DISTINCT line) FROM stg_csv_errors")
        if not bad:
            return 0
        self.execute(
            "CREATE OR REPLACE TEMP TABLE stg_bad_lines AS SELECT line - 1 - row_number() "
            "OVER (ORDER BY line) AS before FROM (SELECT DISTINCT line FROM stg_csv_errors)"
        )
        self._line_fix = True
        self.execute(
            f"INSERT INTO import_reject ({REJECT_COLUMNS}) "
            "SELECT $batch_id, $entity, NULL, line, column_name, csv_line, "
            "lower(error_type) || ': ' || error_message, false "
            "FROM (SELECT DISTINCT ON (line) * FROM stg_csv_errors ORDER BY line)",
            {"batch_id": self.batch_id, "entity": self.entity or None},
        )
        self._counts.rejected += bad
        return bad

    # ---------------------------------------------------------- rejects, upserts
    def reject_rows(self, staged: str, entity: str, raw_table: str = "stg_raw") -> int:
        """Copy rows of ``staged`` whose ``_reject_reason`` is set into import_reject; return
        how many were rejected (defects).

        Rows with ``_skipped`` true are left out by a documented rule of the source: they go
        to import_reject too, marked skipped, with the rule as their reason, and are counted
        apart (:meth:`skipped_rows`). The raw text is the staged row's ``_raw`` column when it
        has one, else the input row of ``raw_table`` with the same ``_row`` (a JSON record, or
        a CSV row as JSON).
        """
        set_aside = self.count(f"SELECT count(*) FROM {staged} WHERE _reject_reason IS NOT NULL")
        if not set_aside:
            return 0
        skip = self._skip_flag(staged, "s.")
        self._number_rows(staged, "_reject_reason IS NOT NULL")
        if raw_table == self._stream_table and not self.probe_columns(raw_table):
            # Streamed files are re-read only here, for the rejected rows' raw text.
            read_sql, read_params = self._numbered_stream or self._stream
            self.execute(
                f"CREATE OR REPLACE TEMP TABLE {raw_table} AS SELECT * FROM ({read_sql}) "
                f"WHERE _row IN (SELECT _row FROM {staged} WHERE _reject_reason IS NOT NULL)",
                read_params,
            )
        if "_raw" in self.probe_columns(staged):
            raw_sql = (
                "SELECT s._row, s._line, s._reject_column, s._raw::VARCHAR AS raw, "
                f"s._reject_reason, {skip} AS _skip FROM {staged} s"
            )
        elif "record" in self.probe_columns(raw_table):
            raw_sql = (
                f"SELECT s._row, s._line, s._reject_column, r.record::VARCHAR AS raw, "
                f"s._reject_reason, {skip} AS _skip FROM {staged} s "
                f"LEFT JOIN {raw_table} r USING (_row)"
            )
        else:
            raw_sql = (
                f"SELECT s._row, s._line, s._reject_column, r.raw, s._reject_reason, {skip} AS "
                f"_skip FROM {staged} s LEFT JOIN (SELECT _row, to_json(struct_pack(*COLUMNS("
                "lambda c: c NOT IN ('_row', '_line', '_extra'))))::VARCHAR AS raw "
                # only the set-aside rows as JSON, not the whole file (0.6 s per 333k rows)
                f"FROM {raw_table} WHERE _row IN (SELECT _row FROM {staged} "
                "WHERE _reject_reason IS NOT NULL)) r USING (_row)"
            )
        line = (
            "_row + 1 + (SELECT count(*) FROM stg_bad_lines b WHERE b.before < _row)"
            if self._line_fix
            else "_line"
        )
        self.execute(
            f"INSERT INTO import_reject ({REJECT_COLUMNS}) SELECT $batch_id, $entity, _row, "
            f"{line}, _reject_column, raw, _reject_reason, _skip FROM ({raw_sql}) "
            "WHERE _reject_reason IS NOT NULL",
            {"batch_id": self.batch_id, "entity": entity},
        )
        return set_aside - self.skipped_rows(staged)

    def _skip_flag(self, staged: str, alias: str = "") -> str:
        """SQL for "this row of ``staged`` is skipped by a rule" (false without ``_skipped``)."""
        if "_skipped" in self.probe_columns(staged):
            return f"coalesce({alias}_skipped, false)"
        return "false"

    def skipped_rows(self, staged: str) -> int:
        """Rows of ``staged`` a documented rule of the source leaves out (``_skipped``)."""
        skip = self._skip_flag(staged)
        if skip == "false":
            return 0
        return self.count(
            f"SELECT count(*) FROM {staged} WHERE _reject_reason IS NOT NULL AND {skip}"
        )

    def _time_check(self, target: str, staged: str) -> TimeCheck | None:
        """The plausibility check of ``target``'s times that ``staged`` holds (None: none, or
        --keep-implausible)."""
        if self.options.keep_implausible:
            return None
        return time_check(target, self.probe_columns(staged))

    def reject_implausible(self, staged: str, target: str) -> None:
        """Reject the rows of ``staged`` whose times ``target`` cannot hold: outside the
        plausible range, or a span of the row running backwards (importers._plausible).

        One pass over the staged table's time columns; rows already rejected keep their
        reason.
        """
        check = self._time_check(target, staged)
        if check is None:
            return
        self.execute(
            f"UPDATE {staged} SET _reject_column = {check.column}, _reject_reason = "
            f"{check.reason} WHERE _reject_reason IS NULL AND {check.bad}",
            self.time_bounds,
            label=f"checking {target} times",
        )

    def mark_duplicates(self, staged: str, key: str, id_label: str) -> None:
        """Reject the second and later rows that share ``key`` within one file."""
        dupes = self.count(
            f"SELECT count(*) - count(DISTINCT {key}) FROM {staged} WHERE _reject_reason IS NULL"
        )
        if not dupes:
            return
        self._number_rows(staged, "true")
        # Rows unnested from one record share its _row, so rows are told apart by rowid;
        # the first in file order (then position within the record) is kept.
        self.execute(
            f"UPDATE {staged} SET _reject_column = $label, _reject_reason = "
            "'duplicate ' || $label || ' ' || s.dup_id || CASE WHEN s.first_row = s.this_row "
            "THEN ' in the same record' ELSE ' (first seen at row ' || s.first_row || ')' END "
            "|| '; the first was kept' FROM (SELECT rowid AS rid, _row AS this_row, "
            f"row_number() OVER (PARTITION BY {key} ORDER BY _row, rowid) AS n, "
            f"min(_row) OVER (PARTITION BY {key}) AS first_row, "
            f"split_part({key}, ':', -1) AS dup_id FROM {staged} "
            f"WHERE _reject_reason IS NULL) s WHERE {staged}.rowid = s.rid AND s.n > 1",
            {"label": id_label},
        )

    def _note_replaced(
        self, target: str, rows_sql: str, params: dict[str, Any] | None = None
    ) -> None:
        """Record the conversations of the rows about to be replaced (``rows_sql``: ``FROM
        target WHERE ...``) in ``fact_pending``: a replaced message, event, engagement or
        rating may come back under another conversation, whose facts change as well as the
        new one's (metrics.stored reads them at the upkeep)."""
        if target == "conversation" or "conversation_key" not in self._stored_columns(target):
            return
        self.conn.execute(
            f"INSERT INTO fact_pending SELECT DISTINCT $batch_id, conversation_key {rows_sql}",
            {**(params or {}), "batch_id": self.batch_id},
        )

    def _stored_columns(self, table: str) -> list[str]:
        """The columns of warehouse table ``table`` a row is written with, in table order
        (computed columns such as ``conversation.conversation_key`` are never written)."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $t "
                "AND table_schema = 'main' AND coalesce(is_generated, 'NEVER') = 'NEVER' "
                "ORDER BY ordinal_position",
                {"t": table},
            ).fetchall()
        ]

    def _shared_columns(self, target: str, staged: str) -> str:
        """The stored columns of warehouse table ``target`` that ``staged`` has."""
        have = set(self.probe_columns(staged))
        return ", ".join(c for c in self._stored_columns(target) if c in have)

    def _stored_key(self, target: str, key: str) -> str:
        """What to match ``target`` rows on: ``key``, or the stored columns a computed key is
        made of (matching on those skips building the key string for every row of a large
        table: 1.1 s against 1.5 s over 50M messages)."""
        if key in self._stored_columns(target):
            return key
        return "(source_system, source_id)"

    def _side_values(self, side: str, staged: str) -> list[str]:
        """The value columns of side table ``side`` that ``staged`` has (key and batch aside)."""
        shared = self._shared_columns(side, staged).split(", ")
        return [c for c in shared if c and c not in (KEY_COLUMN.get(side), "batch_id")]

    def _upsert_side(self, side: str, staged: str, key: str) -> None:
        """Replace the side rows of the good ``staged`` keys by those with any value set."""
        if self._has_rows(side):
            self.execute(
                f"DELETE FROM {side} WHERE {key} IN (SELECT {key} FROM {staged} "
                "WHERE _reject_reason IS NULL)"
            )
        values = self._side_values(side, staged)
        if not values:
            return
        cols = self._shared_columns(side, staged)
        any_set = " OR ".join(f"{c} IS NOT NULL" for c in values)
        self.execute(
            f"INSERT INTO {side} ({cols}) SELECT {cols} FROM {staged} "
            f"WHERE _reject_reason IS NULL AND ({any_set})"
        )

    def _markable(
        self, target: str, staged: str, key: str | None, dedupe: bool
    ) -> tuple[str, bool]:
        """What to load ``target`` from, and whether it is known clean (no row to set aside).

        A staged table is marked in place. A staged temp view (rows derived from rows already
        loaded: a call's events) is written as it is when no row has a reason, an implausible
        time or a repeated key, which saves writing a copy of every row (2 s per 1.6M call
        events); otherwise its rows are copied into a table that can be marked.
        """
        if not self.count(
            "SELECT count(*) FROM duckdb_views() WHERE view_name = $v AND temporary",
            {"v": staged},
        ):
            return staged, False
        check = self._time_check(target, staged)
        flagged = "_reject_reason IS NOT NULL" + (f" OR {check.bad}" if check else "")
        marked = self.count(
            f"SELECT count(*) FROM (SELECT 1 FROM {staged} WHERE {flagged} LIMIT 1)",
            self.time_bounds if check else None,
        )
        if not marked and key and dedupe:
            marked = self.count(f"SELECT count(*) - count(DISTINCT {key}) FROM {staged}")
        if not marked:
            return staged, True
        self.execute(f"CREATE OR REPLACE TEMP TABLE {staged}_t AS SELECT * FROM {staged}")
        return f"{staged}_t", False

    def _has_rows(self, table: str) -> bool:
        return bool(self.count(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)"))

    def upsert(
        self, target: str, staged: str, *, main: bool, id_label: str = "id", dedupe: bool = True
    ) -> int:
        """Load the good rows of ``staged`` into ``target`` (replacing same-key rows).

        With ``main`` the counts feed the batch summary (rows_loaded / rows_rejected).
        Returns the number of rows written.
        """
        if target == "source_aggregate":  # keyed by report, dimension, period and metric
            rejected = self.reject_rows(staged, target)
            written, repeated = upsert_aggregates(self, staged)
            if main:
                self.entity = self.entity or target
                self._counts.loaded += written
                self._counts.rejected += rejected + repeated
                self._counts.skipped += self.skipped_rows(staged)
            return written
        key = KEY_COLUMN.get(target)
        staged, clean = self._markable(target, staged, key, dedupe)
        if not clean:
            self.reject_implausible(staged, target)
        if key and dedupe:
            self.mark_duplicates(staged, key, id_label)
        rejected = self.reject_rows(staged, target)
        cols = self._shared_columns(target, staged)
        # Replacing needs a join against the whole file; skip it when nothing could match.
        if key and self._has_rows(target):
            match = self._stored_key(target, key)
            replaced = (
                f"FROM {target} WHERE {match} IN (SELECT {match} FROM {staged} "
                "WHERE _reject_reason IS NULL)"
            )
            self._note_replaced(target, replaced)
            self.execute(f"DELETE {replaced}", label=f"replacing earlier {target} rows")
        with self.unordered_writes():
            # an INSERT's result is the number of rows it wrote: no second pass to count them
            done = self.execute(
                f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {staged} "
                "WHERE _reject_reason IS NULL",
                label=f"writing {target}",
            )
            written = int(done.fetchall()[0][0])
        side = SIDE_TABLE.get(target)
        if side and key:
            self._upsert_side(side, staged, key)
        if main:
            self.entity = self.entity or target
            self._counts.loaded += written
            self._counts.rejected += rejected
            self._counts.skipped += self.skipped_rows(staged)
        return written
