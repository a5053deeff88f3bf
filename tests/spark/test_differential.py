"""Differential test of the Spark engine: every metric family (``metrics_table``) grouped by
agent, team, channel, day and interval, with default and non-default options, gives the same
values on DuckDB (the warehouse) and on local PySpark (its exported lake): counts exactly,
everything else within 1e-9 relative. Any difference fails, with the cells that differ.

Cases (each a whole metrics table, every family): the demo warehouse by agent and by team and
day (stored facts), by channel and interval with every fact computed on Spark, by agent with
fifteen non-default options; the 200k warehouse by agent, and by team and interval with the
non-default options. (The ungrouped table, and the demo by channel and interval with stored
facts, passed as well when run by hand; they are left out to keep the suite's Spark time down.)

Data (built once per test run, conftest.py): the demo warehouse, and a 200,000-conversation
synthetic warehouse (supportstats.sample, 40 agents, 28 days). With the default options the
Spark side reads the lake's stored facts, as the DuckDB side does; with other options, or
stored_facts=False, Spark computes every fact from the canonical tables with the translated
views.
"""

from __future__ import annotations

import duckdb
import pytest

from supportstats.metrics import MetricOptions, metrics_table, query
from supportstats.metrics._groups import columns
from supportstats.metrics.table import COUNTS
from supportstats.spark.compare import differences

pytestmark = [pytest.mark.spark, pytest.mark.slow]

# options that change the facts themselves (so Spark computes them) and how families combine
OTHER = MetricOptions.parse(
    [
        "frt_start=first_customer_message",
        "bot_replies=include",
        "resolution_end=first",
        "reopen_window_h=24",
        "cohort=event",
        "attribution=current_assignee",
        "wait_abandoned=include",
        "csat_formula=mean",
        "csat_ratings=all",
        "interval_min=30",
        "concurrency_start=accept",
        "concurrency_k=3",
        "utilisation_denominator=logged_in",
        "deflection=bot_reply",
        "missed_rule=in_queue",
    ]
)


def check(db, lake, spark, by, options=None, stored_facts=None) -> None:
    from supportstats.spark.engine import spark_query

    options = options or MetricOptions()
    with duckdb.connect(str(db), read_only=True) as conn:
        expected = metrics_table(query(conn, options, by=by))
    q = spark_query(lake, options, by=by, spark=spark, stored_facts=stored_facts)
    actual = metrics_table(q)
    assert len(expected) > 0
    found = differences(expected, actual, columns(q.by), sorted(COUNTS))
    assert not found, "\n".join(found[:20])


@pytest.mark.parametrize("by", [["agent"], ["team", "day"]], ids=lambda b: "+".join(b))
def test_demo_default_options(demo_lake, spark, by):
    """Stored facts read on both sides."""
    db, lake = demo_lake
    check(db, lake, spark, by)


def test_demo_facts_computed_on_spark(demo_lake, spark):
    """Default options, but every fact computed on Spark from the canonical tables (the
    translated views), grouped by channel and interval."""
    db, lake = demo_lake
    check(db, lake, spark, ["channel", "interval"], stored_facts=False)


def test_demo_other_options_by_agent(demo_lake, spark):
    db, lake = demo_lake
    check(db, lake, spark, ["agent"], OTHER)


def test_synthetic_200k_by_agent(synthetic_lake, spark):
    db, lake = synthetic_lake
    check(db, lake, spark, ["agent"])


def test_synthetic_200k_by_team_and_interval_other_options(synthetic_lake, spark):
    db, lake = synthetic_lake
    check(db, lake, spark, ["team", "interval"], OTHER)


def test_options_spark_cannot_run_are_named(demo_lake, spark):
    from supportstats.spark.engine import spark_query
    from supportstats.spark.rewrites import NotOnSpark

    _, lake = demo_lake
    for typed, name in (("clock=business", "clock"), ("timezone=Europe/Madrid", "timezone")):
        with pytest.raises(NotOnSpark, match=name):
            spark_query(lake, MetricOptions.parse([typed]), spark=spark)
