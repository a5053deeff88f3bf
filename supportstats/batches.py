"""Import batches: what one loaded, and taking it out again (``supportstats db drop-batch``).

Every warehouse row carries the ``batch_id`` of the import that last wrote it. Rows are
upserted by their natural key ``(source_system, source_id)``, so a later batch that loads the
same key takes the row over: *what batch N loaded* is the rows still stamped N. Dropping N
removes exactly those, in every table (conversations, messages, events, engagements, ratings,
status intervals, schedules, aggregates, its rejected and skipped rows, its import_batch row),
with two rules:

* rows N had replaced from earlier batches are not brought back (their earlier version is
  gone); import that earlier file again to have them back;
* reference rows (agents, teams, queues, contacts) N created that rows of other batches still
  name are kept and handed to the first batch naming them (``sql/batches/kept_references``),
  so no conversation is left naming an agent or queue that has no row.

The stored facts of the conversations the batch touched are recomputed in the same
transaction, so they equal a full rebuild afterwards. Dropped batches are logged in
``import_batch_dropped`` and their ids are never given to another import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from supportstats.errors import OptionError
from supportstats.sql import load_sql

# Tables whose rows other rows name by key: kept when other batches still name them.
REFERENCE_TABLES = {
    "agent": "agent_key",
    "team": "team_key",
    "queue": "queue_key",
    "contact": "contact_key",
}
# Tables with a batch_id column that are bookkeeping, handled apart from the data.
_BOOKKEEPING = ("import_batch", "import_batch_dropped", "fact_pending")
_KEPT = "_drop_kept"


@dataclass(frozen=True)
class TableChange:
    """One warehouse table: its rows before, those removed, and the batch's reference rows
    kept because rows of other batches name them."""

    table: str
    before: int
    removed: int
    kept: int = 0

    @property
    def after(self) -> int:
        return self.before - self.removed

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "before": self.before,
            "removed": self.removed,
            "after": self.after,
            "kept": self.kept,
        }


@dataclass
class BatchDrop:
    """What dropping some batches removes (or removed): the batches and, per table, the
    rows. ``facts_recomputed``: conversations whose stored facts were recomputed."""

    batches: list[dict[str, Any]]
    tables: list[TableChange]
    dry_run: bool = False
    facts_recomputed: int = 0
    per_batch: dict[int, dict[str, int]] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "batches": self.batches,
            "tables": [t.as_dict() for t in self.tables],
            "rows_removed": sum(t.removed for t in self.tables),
            "facts_recomputed": self.facts_recomputed,
        }


def batch_tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Warehouse tables whose rows carry a ``batch_id`` (bookkeeping tables aside)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT t.table_name FROM duckdb_tables() t JOIN duckdb_columns() c "
            "ON c.table_oid = t.table_oid WHERE NOT t.temporary AND t.schema_name = 'main' "
            "AND c.column_name = 'batch_id' ORDER BY t.table_name"
        ).fetchall()
        if r[0] not in _BOOKKEEPING
    ]


def describe(conn: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> list[dict[str, Any]]:
    """The import_batch rows of ``batch_ids``, in order; an unknown id is an OptionError."""
    rows = conn.execute(
        "SELECT batch_id, source_system, entity, file_name, rows_loaded, "
        "strftime(imported_at, '%Y-%m-%d %H:%M:%S') FROM import_batch "
        "WHERE list_contains($b, batch_id) ORDER BY batch_id",
        {"b": batch_ids},
    ).fetchall()
    found = {int(r[0]) for r in rows}
    missing = [b for b in batch_ids if b not in found]
    if missing:
        dropped = {
            int(r[0])
            for r in conn.execute(
                "SELECT batch_id FROM import_batch_dropped WHERE list_contains($b, batch_id)",
                {"b": missing},
            ).fetchall()
        }
        what = ", ".join(f"{b} (dropped earlier)" if b in dropped else str(b) for b in missing)
        raise OptionError(
            f"no import batch {what} in the warehouse",
            "list the batches with: supportstats db info",
        )
    return [
        {
            "batch_id": int(r[0]),
            "source": r[1],
            "entity": r[2],
            "file": r[3],
            "rows_loaded": int(r[4]),
            "imported_at": r[5],
        }
        for r in rows
    ]


def plan(conn: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> BatchDrop:
    """What dropping ``batch_ids`` would remove, table by table (changes nothing but a temp
    table, so it runs on a read-only connection too)."""
    batches = describe(conn, batch_ids)
    conn.execute(load_sql("batches/kept_references.sql"), {"batches": batch_ids})
    kept = dict(conn.execute(f"SELECT tbl, count(*) FROM {_KEPT} GROUP BY tbl").fetchall())
    changes: list[TableChange] = []
    per_batch: dict[int, dict[str, int]] = {b: {} for b in batch_ids}
    for table in [*batch_tables(conn), "import_batch"]:
        rows = conn.execute(
            f'SELECT batch_id, count(*) FROM "{table}" WHERE list_contains($b, batch_id) '
            "GROUP BY batch_id",
            {"b": batch_ids},
        ).fetchall()
        stamped = sum(int(n) for _, n in rows)
        if not stamped:
            continue
        before = int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0])
        keep = int(kept.get(table, 0))
        changes.append(TableChange(table, before, stamped - keep, keep))
        for batch, n in rows:
            per_batch[int(batch)][table] = int(n)
    return BatchDrop(batches, changes, per_batch=per_batch)


def apply(
    conn: duckdb.DuckDBPyConnection,
    batch_ids: list[int],
    *,
    note_as: int | None = None,
    replaced_by: int | None = None,
) -> BatchDrop:
    """Remove what ``batch_ids`` loaded, in the caller's transaction; return what went.

    The conversations whose stored facts change are noted in ``fact_pending`` under
    ``note_as`` (the import that replaces the batches, whose facts update reads them), or
    under each dropped batch's own id for :func:`stored.refresh <supportstats.metrics.stored.
    refresh>` of ``batch_ids`` afterwards. ``replaced_by`` is logged in import_batch_dropped.
    """
    from supportstats.metrics.stored import touched_sql

    done = plan(conn, batch_ids)
    touched = touched_sql()
    for batch in batch_ids:
        conn.execute(
            f"INSERT INTO fact_pending SELECT DISTINCT $note, conversation_key FROM ({touched}) "
            "WHERE conversation_key IS NOT NULL",
            {"batch_id": batch, "note": note_as if note_as is not None else batch},
        )
    for table, key in REFERENCE_TABLES.items():
        conn.execute(
            f'UPDATE "{table}" SET batch_id = k.batch_id FROM {_KEPT} k WHERE k.tbl = $t '
            f'AND "{table}".{key} = k.key AND list_contains($b, "{table}".batch_id)',
            {"t": table, "b": batch_ids},
        )
    for change in done.tables:
        if change.table != "import_batch":
            conn.execute(
                f'DELETE FROM "{change.table}" WHERE list_contains($b, batch_id)',
                {"b": batch_ids},
            )
    if note_as is not None:
        conn.execute("DELETE FROM fact_pending WHERE list_contains($b, batch_id)", {"b": batch_ids})
    for batch in batch_ids:
        conn.execute(
            "INSERT INTO import_batch_dropped SELECT batch_id, source_system, entity, "
            "file_name, sha256, rows_loaded, imported_at, now(), $by, $removed "
            "FROM import_batch WHERE batch_id = $b",
            {"b": batch, "by": replaced_by, "removed": json.dumps(done.per_batch[batch])},
        )
    conn.execute("DELETE FROM import_batch WHERE list_contains($b, batch_id)", {"b": batch_ids})
    conn.execute(f"DROP TABLE IF EXISTS temp.{_KEPT}")
    return done


def drop_batches(conn: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> BatchDrop:
    """Drop import batches ``batch_ids`` and bring the stored facts up to date, in one
    transaction of its own: a failure leaves the warehouse as it was."""
    from supportstats.metrics import stored

    ids = sorted(set(batch_ids))
    was_current = stored.is_current(conn)
    conn.execute("BEGIN TRANSACTION")
    try:
        done = apply(conn, ids)
        done.facts_recomputed = stored.refresh(conn, ids, was_current)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return done
