"""One row per conversation with its metrics: the export users ask vendors for most."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pandas as pd

from supportstats.metrics._groups import Scope, where
from supportstats.metrics._query import Query
from supportstats.metrics._sql import render
from supportstats.metrics.missed import MISSED
from supportstats.metrics.table import add_names
from supportstats.sql import used_params

# rows per batch of the streamed export: a few MB of pandas at a time
BATCH_ROWS = 100_000


def _sql(q: Query) -> str:
    scope = Scope(event_time="f.created_at", agent="f.assignee_agent_key")
    return render(
        "metrics/conversation",
        facts=q.facts(),
        ratings=q.ratings(),
        missed=MISSED[q.options.missed_rule],
        where=where(scope, q.options),
    )


def conversation_batches(q: Query, rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """The rows of :func:`conversations` in DataFrames of about ``rows`` rows each, streamed
    from DuckDB: a year of ten million conversations never sits in pandas at once."""
    sql = _sql(q)
    result = q.conn.execute(sql, used_params(sql, q.params()))
    chunks = max(1, rows // 2048)  # DuckDB hands out vectors of 2,048 rows
    first = True
    while True:
        with warnings.catch_warnings():  # see _sql.to_frame: pandas 3.1 warns on DuckDB's call
            warnings.filterwarnings(
                "ignore", message=r"The inplace keyword in DataFrame\.drop", category=Warning
            )
            batch = result.fetch_df_chunk(chunks)
        if batch.empty and not first:
            return
        first = False
        batch = add_names(q.conn, batch)
        batch.attrs["options"] = q.options.as_dict()
        yield batch
        if len(batch) < chunks * 2048:
            return


def conversations(q: Query) -> pd.DataFrame:
    """``source_system``, ``conversation_id`` and FRT, wait, resolution, reopens, CSAT, agent.

    Filters and the period apply (creation time); ``--by conversation`` in the CLI (which
    streams :func:`conversation_batches` instead).
    """
    out = pd.concat(list(conversation_batches(q)), ignore_index=True)
    out.attrs["options"] = q.options.as_dict()
    return out
