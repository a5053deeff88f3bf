"""Vendor report numbers (``source_aggregate``): keyed by what they count, so a newer file of
the same report and period replaces the older numbers instead of adding to them (issue 15,
item 5).

A row is one number of one report: its key is (source_system, report, grain, dimension,
period_start, period_end, metric, business_hours), the dimension being ``dim_source_id`` or,
when the report gives no id, ``dim_name``. NULLs compare equal (a LiveChat summary has no
dimension and no period). Writing a file's numbers deletes the stored rows of the same keys
first, in the import's transaction, as every other entity's upsert does; two rows of one file
with one key are a reject (a report has one number per dimension, period and metric).

The module name starts with ``_``, so the importer registry does not take it for a source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportstats.importers._pipeline import ImportContext

__all__ = ["AGGREGATE_KEY", "upsert_aggregates"]

# The key, as SQL over a row aliased {t}; the dimension is dim_source_id, else dim_name.
_KEY = (
    "{t}source_system",
    "{t}report",
    "{t}grain",
    "coalesce({t}dim_source_id, {t}dim_name)",
    "{t}period_start",
    "{t}period_end",
    "{t}metric",
    "{t}business_hours",
)
AGGREGATE_KEY = tuple(part.format(t="") for part in _KEY)
_COLUMNS = (
    "batch_id, source_system, report, grain, dim_source_id, dim_name, period_start, "
    "period_end, metric, value, unit, business_hours, raw"
)


def same_key(a: str, b: str) -> str:
    """SQL: rows ``a`` and ``b`` (aliases) have the same aggregate key (NULLs equal)."""
    return " AND ".join(
        f"{part.format(t=a + '.')} IS NOT DISTINCT FROM {part.format(t=b + '.')}" for part in _KEY
    )


def upsert_aggregates(ctx: ImportContext, staged: str, unit: str = "_row") -> tuple[int, int]:
    """Write the good rows of ``staged`` to source_aggregate, replacing stored rows with the
    same key; return (units written, units rejected).

    ``staged`` has source_aggregate's columns and ``_row``, ``_line``, ``_reject_column``,
    ``_reject_reason`` (rows already rejected by the importer are left alone), optionally
    ``_raw`` (the reject's text). ``unit`` is the SQL naming what the importer counts in
    ``rows_read`` (one CSV row or report entry gives several numbers): a unit holding a
    number whose key an earlier unit of the file already gave is rejected whole, once, with
    the reason; the first is kept. Replaced rows of earlier batches are told in ``ctx.notes``.
    """
    key = ", ".join(AGGREGATE_KEY)
    # Most files repeat no key: a hash count says so, and spares the sort that finds them.
    repeats = ctx.count(
        f"SELECT count(*) - count(DISTINCT ({key})) FROM {staged} WHERE _reject_reason IS NULL"
    )
    ctx.execute(
        "CREATE OR REPLACE TEMP TABLE stg_agg_dup AS "
        "SELECT _u, min(first_row) AS first_row, any_value(grain) AS grain, "
        "any_value(coalesce(dim_name, dim_source_id)) AS dim, any_value(period_start) AS ps, "
        "any_value(period_end) AS pe FROM (SELECT *, "
        f"row_number() OVER (PARTITION BY {key} ORDER BY _row, rowid) AS _n, "
        f"first_value(_row) OVER (PARTITION BY {key} ORDER BY _row, rowid) AS first_row "
        f"FROM (SELECT *, rowid, {unit} AS _u FROM {staged} WHERE _reject_reason IS NULL "
        "AND $repeats > 0)) WHERE _n > 1 GROUP BY _u",
        {"repeats": repeats},
    )
    rejected = ctx.count("SELECT count(*) FROM stg_agg_dup")
    if rejected:
        ctx.execute(
            f"UPDATE {staged} SET _reject_column = 'dimension', _reject_reason = "
            "CASE WHEN d.dim IS NULL THEN 'the ' || coalesce(d.grain, 'report') || ' total' "
            "ELSE coalesce(d.grain, 'dimension') || ' ' || ss_quote(d.dim) END "
            "|| ' appears twice' || CASE WHEN d.ps IS NULL THEN '' ELSE ' for the period ' "
            "|| strftime(d.ps AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') || ' .. ' || "
            "coalesce(strftime(d.pe AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M'), '') || ' UTC' END "
            "|| ' (first at row ' || d.first_row || '): a report has one number per "
            "dimension, period and metric; the first was kept' "
            f"FROM stg_agg_dup d WHERE {unit} = d._u AND {staged}._reject_reason IS NULL"
        )
        from supportstats.importers._writer import REJECT_COLUMNS

        raw = "_raw" if "_raw" in ctx.probe_columns(staged) else "raw"
        ctx.execute(
            f"INSERT INTO import_reject ({REJECT_COLUMNS}) SELECT $b, 'source_aggregate', "
            f"min(_row), min(_line), 'dimension', any_value({raw})::VARCHAR, "
            f"any_value(_reject_reason), false FROM {staged} "
            f"WHERE {unit} IN (SELECT _u FROM stg_agg_dup) GROUP BY {unit}",
            {"b": ctx.batch_id},
        )
    if ctx.count(
        "SELECT count(*) FROM (SELECT 1 FROM source_aggregate WHERE source_system = $ss LIMIT 1)",
        {"ss": ctx.source_system},
    ):
        ctx.execute(
            "CREATE OR REPLACE TEMP TABLE stg_agg_old AS SELECT o.rowid AS rid, o.batch_id "
            "FROM source_aggregate o WHERE o.source_system = $ss AND EXISTS (SELECT 1 FROM "
            f"{staged} n WHERE n._reject_reason IS NULL AND {same_key('o', 'n')})",
            {"ss": ctx.source_system},
        )
        for batch, n in ctx.conn.execute(
            "SELECT batch_id, count(*) FROM stg_agg_old GROUP BY 1 ORDER BY 1"
        ).fetchall():
            ctx.notes.append(
                f"replaced {n:,} aggregate numbers of batch {batch} (same report, dimension, "
                "period and metric: this file's numbers are the newer ones)"
            )
        ctx.execute(
            "DELETE FROM source_aggregate WHERE rowid IN (SELECT rid FROM stg_agg_old)",
            label="replacing earlier aggregates",
        )
    ctx.execute(
        f"INSERT INTO source_aggregate ({_COLUMNS}) SELECT {_COLUMNS} FROM {staged} "
        "WHERE _reject_reason IS NULL",
        label="writing aggregates",
    )
    written = ctx.count(f"SELECT count(DISTINCT {unit}) FROM {staged} WHERE _reject_reason IS NULL")
    return written, rejected
