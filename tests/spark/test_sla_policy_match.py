"""Vendor SLA policy conditions (sql/views/sla_policy_match.sql) at their edges, by hand, on
DuckDB and on Spark over the exported lake: a number as a condition's value, JSON null and a
missing list, a level outside the known ones, tags with blanks and a NULL tag, a via_id,
policies without a usable list of conditions, and a condition that cannot be evaluated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportstats.metrics import MetricOptions, query
from supportstats.metrics.sla import notes, policy_match

POLICIES = [
    # key, position, filter
    ("p1", 1, {"all": [{"field": "priority", "operator": "less_than", "value": "high"}],
               "any": []}),
    ("p2", 2, {"all": [{"field": "organization_id", "operator": "is", "value": 77}]}),
    ("p3", 3, {"all": [{"field": "brand_id", "operator": "is", "value": None}],
               "any": [{"field": "current_tags", "operator": "includes", "value": " b  vip "},
                       {"field": "via_id", "operator": "is", "value": 4}]}),
    ("p4", 4, {"all": "not a list", "any": {}}),
]  # fmt: skip
CONVERSATIONS = [
    # id, priority, custom attributes, tags, via channel
    ("c1", "low", None, None, "web"),
    ("c2", "critical", None, None, "web"),
    ("c3", "high", {"organization_id": 77}, None, "web"),
    ("c4", "urgent", {"organization_id": "78"}, ["x", None, "vip"], "web"),
    ("c5", None, {"brand_id": "b1"}, [None], "email"),
    ("c6", "urgent", None, None, "email"),
    ("c7", "urgent", None, [None, "a"], "web"),
]
EXPECTED = [
    # low < high
    ("z:c1", "z:p1", None, None),
    # critical is no level of Zendesk's: unknown, and p1 comes first
    ("z:c2", None, "z:p1", ["priority less_than high"]),
    # the number 77 is the organization's id "77"
    ("z:c3", "z:p2", None, None),
    # no brand is brand null; the tag vip (of " b  vip ") is there
    ("z:c4", "z:p3", None, None),
    # no priority is not less than high, a brand is not null: p4 has no conditions
    ("z:c5", "z:p4", None, None),
    # via_id 4 is email
    ("z:c6", "z:p3", None, None),
    # a NULL tag matches nothing
    ("z:c7", "z:p4", None, None),
]


def _warehouse(path: Path) -> None:
    from supportstats.db import open_warehouse

    with open_warehouse(path) as conn:
        for key, position, condition in POLICIES:
            conn.execute(
                "insert into sla_policy (policy_key, source_system, source_id, name, position, "
                "filter) values ($k, 'z', $id, $id, $pos, $f)",
                {"k": f"z:{key}", "id": key, "pos": position, "f": json.dumps(condition)},
            )
        for cid, priority, custom, tags, via in CONVERSATIONS:
            conn.execute(
                "insert into conversation (source_system, source_id, created_at, priority, "
                "status_current, tags, raw) values ('z', $id, '2026-03-02 10:00+00', $p, "
                "'open', $tags, $raw)",
                {"id": cid, "p": priority, "tags": tags,
                 "raw": json.dumps({"via": {"channel": via}})},
            )  # fmt: skip
            if custom is not None:
                conn.execute(
                    "insert into conversation_source (conversation_key, custom_attributes) "
                    "values ($k, $c)",
                    {"k": f"z:{cid}", "c": json.dumps(custom)},
                )


def _matches(q) -> list[tuple]:
    rows = q.conn.execute(f'select * from "{policy_match(q)}" order by 1').fetchall()
    return [(*r[:3], list(r[3]) if r[3] is not None else None) for r in rows]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("policies") / "w.duckdb"
    _warehouse(path)
    return path


def test_conditions_on_duckdb(warehouse):
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        q = query(conn, MetricOptions.parse([]))
        assert _matches(q) == EXPECTED
        assert notes(q) == [
            "SLA policy 'p1' was not applied to 1 conversation(s): its condition 'priority "
            "less_than high' cannot be evaluated from the export, and the policy comes before "
            "any that matches them; they have no SLA target"
        ]


@pytest.mark.spark
def test_conditions_on_spark(warehouse, spark, tmp_path):
    """The same rows and the same warning from the lake on Spark."""
    import duckdb

    from supportstats.lake import export_lake
    from supportstats.spark.engine import spark_query

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        export_lake(conn, tmp_path / "lake")
        want = notes(query(conn, MetricOptions.parse([])))
    q = spark_query(tmp_path / "lake", MetricOptions.parse([]), spark=spark)
    try:
        assert _matches(q) == EXPECTED
        assert notes(q) == want
    finally:
        q.conn.close()
