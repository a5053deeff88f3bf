"""Helpers shared by the vendor importers (Intercom, Freshdesk, LiveChat, Chatwoot, ...).

Built on :class:`~supportstats.importers._pipeline.ImportContext`; they cover what API-shaped
exports have in common and the generic pipeline does not: files that mix several record kinds
(streams), some of which are stored and some skipped (kept in the rejects table, marked as
skipped); tables that mix top-level records (counted in ``rows_read``) with rows derived from
them; list pages that wrap the records in an array; and the "this is another vendor's file"
error.

The module name starts with ``_``, so the importer registry does not take it for a source.
"""

from __future__ import annotations

from collections.abc import Sequence

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import ImportContext

__all__ = ["refuse_other_source", "reject_other_records", "stage_pages", "upsert_counted"]


def stage_pages(ctx: ImportContext, pages: Sequence[str], table: str = "stg_raw") -> str | None:
    """Stage the JSON file; if its documents are list pages, stage the pages' items instead.

    ``pages`` are JSON paths (e.g. ``'$.conversations'``) tried in order; the first that is an
    array in some document wins and the file is staged again with
    ``ctx.stage_json(table, records=path)`` (documents without that array are skipped, as the
    pipeline documents). Files of bare records are read once; page files twice, which is the
    price of deciding on the whole file rather than on its first megabyte. Returns the path
    used, or None when the records were staged as they are.
    """
    ctx.stage_json(table)
    for path in pages:
        if ctx.count(
            f"SELECT count(*) FROM {table} WHERE json_type(record, $p) = 'ARRAY'", {"p": path}
        ):
            ctx.stage_json(table, records=path)
            return path
    return None


def upsert_counted(ctx: ImportContext, target: str, staged: str, id_label: str) -> None:
    """Upsert ``staged``, counting only its ``_counted`` rows (top-level records) as the
    batch's: :meth:`~supportstats.importers._writer.Writer.upsert_counted`."""
    ctx.upsert_counted(target, staged, id_label)


def reject_other_records(ctx: ImportContext, classified: str, wanted: str) -> None:
    """Set aside the records of ``classified`` with ``kind = 'other'``, raw text kept.

    ``classified`` has ``_row, _line, record, _stream, kind``. A record of a named connector
    stream the importer does not read is **skipped** by rule: an Airbyte or Faros file holds
    every stream the connector synced, and most carry no support data (companies, roles,
    ticket fields, ...). A record of no known shape and no stream name is **rejected**: it
    may be a broken record or another file. Both stay in ``import_reject`` with a reason
    naming what the importer reads (``wanted``), and are counted (rows_skipped,
    rows_rejected).
    """
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_other AS SELECT _row, _line, "
        "'stream' AS _reject_column, CASE WHEN _stream IS NOT NULL THEN 'record of stream ''' "
        "|| _stream || ''' skipped: a connector file holds every stream it synced, and this "
        "importer reads ' || $wanted || '; kept here unchanged' ELSE 'record of unknown shape "
        "is not imported (this importer reads ' || $wanted || '); kept here unchanged' END "
        "AS _reject_reason, _stream IS NOT NULL AS _skipped, record AS _raw "
        f"FROM {classified} WHERE kind = 'other'",
        {"wanted": wanted},
    )
    ctx.set_aside("stg_other", "other")


def refuse_other_source(ctx: ImportContext, source: str, wanted: str) -> None:
    """Raise a one-line error: no ``wanted`` records, naming the source the file looks like.

    ``source`` is the calling importer's name, left out of the guess (the file was forced
    onto it with ``--source``, or it would not be loading it).
    """
    from supportstats.importers import sources  # the registry imports the importers

    scores = sorted(
        ((m.sniff(ctx.probe), name) for name, m in sources().items() if name != source),
        reverse=True,
    )
    guess = scores[0][1] if scores and scores[0][0] >= 0.5 else None
    looks = f"; it looks like a {guess} export" if guess else ""
    raise InputFileError(
        f"{ctx.probe.path}: no {wanted} found{looks}",
        f"import it with --source {guess}" if guess else "check that this is the right file",
    )
