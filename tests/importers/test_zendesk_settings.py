"""Zendesk account settings: schedules, holidays, SLA policies, organizations (issue 15,
item 4), imported through the CLI without --source, and the business hours and SLA the
metrics take from them. Every expected number is computed by hand in the comments.

Fixtures (tests/data/zendesk, written from the API's documented shape):
  schedules.json      7001 "New York support" (Eastern Time (US & Canada)): Mon-Fri
                      09:00-17:00 and a night shift Sat 22:00 - Sun 06:00 (one interval,
                      minutes 9960-10440 from Sunday 00:00: it crosses midnight and the end
                      of the week); 7002 "Madrid office" (Madrid), Mon-Fri 09:00-17:00.
  schedules_7001_holidays.json  Good Friday 2026-04-03, Christmas 2026-12-24..26.
  sla_policies.json   1 "VIP by satisfaction" (tags include vip AND satisfaction_score is
                      good: the second cannot be read from an export), 2 "Incidents"
                      (type incident: urgent first reply 60 min business), 3 "Key account
                      77" (organization 77: normal first reply 480 min business, next reply
                      20 min calendar, total resolution 780 min business), 4 "Everyone
                      else" (no conditions: normal first reply 600 min business, high 240
                      min calendar, requester wait 1440 min: stored, not measured).
  tickets_sla.json    users, tickets 201-206 and their audits (agent 401 replies).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from supportstats.db import connect, migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "zendesk"
SETTINGS = ("schedules.json", "schedules_7001_holidays.json", "sla_policies.json")


def rows(db: Path, sql: str) -> list[tuple]:
    with connect(db) as conn:
        return conn.execute(sql).fetchall()


def imported(cli, db: Path, *files: str | Path) -> list[dict]:
    out = []
    for name in files:
        path = name if isinstance(name, Path) else DATA / name
        result = cli("import", path, "--db", db, "--format", "json")
        assert result.exit_code in (0, 1), result.output
        out.extend(json.loads(result.stdout))
    return out


@pytest.fixture
def settled(cli, db_path) -> Path:
    imported(cli, db_path, *SETTINGS, "organizations.json", "tickets_sla.json")
    return db_path


def test_settings_bodies_are_detected_and_counted(cli, db_path) -> None:
    # Today: "missing required columns conversation_id, created_at" (the generic format).
    got = imported(cli, db_path, *SETTINGS, "organizations.json")
    assert [(r["source"], r["rows_read"], r["rows_loaded"], r["rows_rejected"]) for r in got] == [
        ("zendesk", 2, 2, 0),
        ("zendesk", 2, 2, 0),
        ("zendesk", 4, 4, 0),
        ("zendesk", 3, 2, 1),  # the organization without an id
    ]
    entities = rows(db_path, "select entity from import_batch order by batch_id")
    assert [e for (e,) in entities] == [
        "schedule",
        "schedule_holiday",
        "sla_policy",
        "organization",
    ]
    assert rows(db_path, "select reason from import_reject") == [("organization has no id",)]


def test_schedule_rows_zone_intervals_default_and_holidays(cli, db_path) -> None:
    imported(cli, db_path, *SETTINGS)
    assert rows(db_path, "select schedule_key, name, timezone from schedule order by 1") == [
        ("zendesk:7001", "New York support", "America/New_York"),
        ("zendesk:7002", "Madrid office", "Europe/Madrid"),
    ]
    # minutes from Sunday 00:00 -> day of week and minutes from local midnight; the night
    # shift 9960-10440 is Saturday 22:00-24:00 and Sunday 00:00-06:00
    assert rows(
        db_path,
        "select day_of_week, open_minute, close_minute from schedule_interval "
        "where schedule_key = 'zendesk:7001' order by 1, 2",
    ) == [(0, 0, 360)] + [(d, 540, 1020) for d in range(1, 6)] + [(6, 1320, 1440)]
    # the default schedule (lowest id) is the account's for Zendesk tickets
    assert rows(db_path, "select schedule_key, scope, scope_key from schedule_assignment") == [
        ("zendesk:7001", "account", "zendesk")
    ]
    assert rows(
        db_path,
        "select schedule_key, start_date::varchar, end_date::varchar, name "
        "from schedule_holiday order by 2",
    ) == [
        ("zendesk:7001", "2026-04-03", "2026-04-03", "Good Friday"),
        ("zendesk:7001", "2026-12-24", "2026-12-26", "Christmas"),
    ]


def test_sla_policy_rows_and_targets(cli, db_path) -> None:
    imported(cli, db_path, "sla_policies.json")
    assert rows(db_path, "select policy_key, name, position from sla_policy order by 3") == [
        ("zendesk:9104", "VIP by satisfaction", 1),
        ("zendesk:9101", "Incidents", 2),
        ("zendesk:9102", "Key account 77", 3),
        ("zendesk:9103", "Everyone else", 4),
    ]
    targets = rows(
        db_path,
        "select metric, priority, target_s, business_hours, src_metric from sla_target "
        "where policy_key = 'zendesk:9102' order by 1",
    )
    assert targets == [
        ("first_response", "normal", 480 * 60.0, True, "first_reply_time"),
        ("next_reply", "normal", 20 * 60.0, False, "next_reply_time"),
        ("periodic_update_time", "normal", 120 * 60.0, False, "periodic_update_time"),
        ("resolution", "normal", 780 * 60.0, True, "total_resolution_time"),
    ]


def test_reimport_is_a_no_op_and_same_holidays_for_two_schedules_are_two_imports(
    cli, db_path, tmp_path
) -> None:
    first = imported(cli, db_path, *SETTINGS)
    again = imported(cli, db_path, *SETTINGS)
    assert [r["already_imported"] for r in again] == [True, True, True]
    assert [r["batch_id"] for r in again] == [r["batch_id"] for r in first]
    # Madrid's holidays file holds the same bytes as New York's: another schedule's rows
    other = tmp_path / "schedules_7002_holidays.json"
    other.write_bytes((DATA / "schedules_7001_holidays.json").read_bytes())
    (result,) = imported(cli, db_path, other)
    assert (result["already_imported"], result["rows_loaded"]) == (False, 2)
    assert rows(
        db_path, "select schedule_key, count(*) from schedule_holiday group by 1 order by 1"
    ) == [("zendesk:7001", 2), ("zendesk:7002", 2)]


def test_holidays_without_a_schedule_id_is_a_clean_error(cli, db_path, tmp_path) -> None:
    path = tmp_path / "holidays.json"
    path.write_bytes((DATA / "schedules_7001_holidays.json").read_bytes())
    result = cli("import", path, "--db", db_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"Error: {path}: Zendesk holidays, but no schedule")
    assert "schedules_<schedule id>_holidays.json" in lines[1]
    assert "Traceback" not in result.output


def test_airbyte_records_and_an_unknown_zone(cli, db_path) -> None:
    result = cli("import", DATA / "settings_airbyte.jsonl", "--db", db_path)
    assert result.exit_code == 1  # one schedule rejected
    assert (
        "settings_airbyte.jsonl line 2, column time_zone: time_zone 'Atlantis Standard Time' "
        "is not a Zendesk (ActiveSupport) or IANA time zone name" in result.stderr
    )
    assert rows(db_path, "select schedule_key, timezone from schedule") == [
        ("zendesk:7101", "Australia/Sydney")
    ]
    assert rows(db_path, "select policy_key from sla_policy") == [("zendesk:9201",)]
    assert rows(db_path, "select organization_key, name from organization") == [
        ("zendesk:79", "Airbyte Org")
    ]
    # Airbyte adds the schedule_id the API body lacks
    assert rows(db_path, "select schedule_key, name from schedule_holiday") == [
        ("zendesk:7101", "Australia Day")
    ]


def test_every_rails_zone_is_a_zone_duckdb_knows() -> None:
    from supportstats.importers._zones import RAILS_ZONES

    conn = duckdb.connect()
    known = {r[0] for r in conn.execute("select name from pg_timezone_names()").fetchall()}
    assert len(RAILS_ZONES) >= 150
    assert {z for z in RAILS_ZONES.values() if z not in known} == set()
    assert RAILS_ZONES["Pacific Time (US & Canada)"] == "America/Los_Angeles"


def _by_conversation(cli, db: Path, *options: str) -> dict[str, dict]:
    args = ["metrics", "--by", "conversation", "--db", db, "--format", "json"]
    for o in options:
        args += ["--option", o]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return {r["conversation_id"]: r for r in json.loads(result.stdout)}


def test_business_hours_from_the_vendor_schedule(settled, cli) -> None:
    got = _by_conversation(cli, settled, "clock=business")
    # 201, across the DST switch and midnight: created Sat 2026-03-07 21:00 EST (02:00Z),
    # replied Sun 07:00 EDT (11:00Z). Night shift Sat 22:00-24:00 EST = 2 h; Sun 00:00 EST
    # (05:00Z) to 06:00 EDT (10:00Z) = 5 real hours (clocks jump 02:00 -> 03:00): 7 h.
    # (The wall clock said 8 h; calendar 9 h.)
    assert got["201"]["first_response_s"] == 7 * 3600
    # 202, across a weekend: created Fri 2026-03-13 16:00 EDT, replied Mon 10:00:
    # Fri 1 h + night shift 8 h + Mon 1 h = 10 h; solved Mon 12:00: 1 + 8 + 3 = 12 h
    assert got["202"]["first_response_s"] == 10 * 3600
    assert got["202"]["resolution_s"] == 12 * 3600
    # 203, across a holiday: created Thu 2026-04-02 16:30 EDT, replied Mon 04-06 09:30:
    # Thu 0.5 h + Good Friday 0 + night shift 8 h + Mon 0.5 h = 9 h (17 h without it)
    assert got["203"]["first_response_s"] == 9 * 3600
    cal = _by_conversation(cli, settled)
    assert cal["201"]["first_response_s"] == 9 * 3600
    assert cal["202"]["first_response_s"] == (2 * 24 + 18) * 3600


def test_sla_from_the_vendor_policies(settled, cli) -> None:
    result = cli("metrics", "--sla", "--db", settled, "--format", "json")
    assert result.exit_code == 0, result.output
    got = {
        (r["metric"], r["sla_priority"], r["sla_policy"]): (
            r["target_s"], r["business_hours"], r["met"], r["breached"]
        )
        for r in json.loads(result.stdout)
    }  # fmt: skip
    assert got == {
        # 201 (high, no org, question) -> "Everyone else": 4 h calendar; 9 h -> breached
        ("first_response", "high", "Everyone else"): (14400.0, False, 0, 1),
        # 202 (org 77) -> "Key account 77": first reply 8 h business, 10 h -> breached;
        # next reply 20 min calendar, customer 11:00, reply 11:15 -> met;
        # total resolution 13 h business, 12 h -> met
        ("first_response", "normal", "Key account 77"): (28800.0, True, 0, 1),
        ("next_reply", "normal", "Key account 77"): (1200.0, False, 1, 0),
        ("resolution", "normal", "Key account 77"): (46800.0, True, 1, 0),
        # 203 -> "Everyone else" normal 10 h business: 9 h -> met (calendar 89 h would breach)
        ("first_response", "normal", "Everyone else"): (36000.0, True, 1, 0),
        # 205 (incident, urgent) -> "Incidents": 60 min business, 30 min -> met
        ("first_response", "urgent", "Incidents"): (3600.0, True, 1, 0),
    }
    # 204 (tag vip): policy 1 cannot be decided (satisfaction_score), so none is applied and
    # the user is told; 206 has no priority: Zendesk sets no target, neither do we
    assert "Warning: SLA policy 'VIP by satisfaction' was not applied to 1 conversation(s)" in (
        result.stderr
    )
    assert "condition 'satisfaction_score is good' cannot be evaluated" in result.stderr
    # the business clock changes nothing for targets that carry their own clock
    business = cli("metrics", "--sla", "--db", settled, "--format", "json", "--option",
                   "clock=business")  # fmt: skip
    key = json.dumps
    assert sorted(map(key, json.loads(business.stdout))) == sorted(
        map(key, json.loads(result.stdout))
    )


def test_policy_order_first_match_wins_and_condition_operators(settled, cli) -> None:
    # 205 is an incident of no organization: "Incidents" (position 2) before "Everyone
    # else" (4); a policy at position 0 for urgent tickets takes it over
    with connect(settled) as conn:
        conn.execute(
            "insert into sla_policy (policy_key, source_system, source_id, name, position, "
            "filter) values ('zendesk:1', 'zendesk', '1', 'Urgent first', 0, "
            """'{"all": [{"field": "priority", "operator": "greater_than", "value": "high"}],
                 "any": [{"field": "current_tags", "operator": "not_includes", "value": "x y"},
                         {"field": "via_id", "operator": "is", "value": 4}]}')"""
        )
        conn.execute(
            "insert into sla_target (policy_key, metric, priority, target_s, business_hours) "
            "values ('zendesk:1', 'first_response', 'urgent', 600, false)"
        )
    result = cli("metrics", "--sla", "--db", settled, "--format", "json")
    got = {(r["metric"], r["sla_priority"]): r for r in json.loads(result.stdout)}
    assert got[("first_response", "urgent")]["sla_policy"] == "Urgent first"
    # 30 min against 10 min -> breached
    assert (
        got[("first_response", "urgent")]["met"],
        got[("first_response", "urgent")]["breached"],
    ) == (0, 1)


def test_version_6_warehouse_gives_targets_their_policy_clock(db_path) -> None:
    from supportstats.sql import load_sql

    old = duckdb.connect(str(db_path))
    old.execute(
        "CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    for version, name in migrations()[:6]:
        old.execute(load_sql(name))
        old.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
    old.execute(
        "INSERT INTO sla_policy (policy_key, source_system, source_id, business_hours) "
        "VALUES ('g:p', 'g', 'p', true)"
    )
    old.execute(
        "INSERT INTO sla_target (policy_key, metric, priority, target_s) "
        "VALUES ('g:p', 'first_response', 'high', 60), ('g:q', 'resolution', NULL, 60)"
    )
    old.close()
    assert rows(db_path, "select policy_key, business_hours from sla_target order by 1") == [
        ("g:p", True),
        ("g:q", None),
    ]
    assert rows(db_path, "select position, filter from sla_policy") == [(None, None)]


def test_business_targets_without_a_schedule_stay_pending_with_a_warning(cli, db_path) -> None:
    imported(cli, db_path, "sla_policies.json", "tickets_sla.json")
    result = cli("metrics", "--sla", "--db", db_path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "in business hours but the warehouse has no schedule" in result.stderr
    got = {(r["metric"], r["sla_priority"]): r for r in json.loads(result.stdout)}
    # 205's 60 min business target: no value without a schedule (never 0 -> met)
    assert (
        got[("first_response", "urgent")]["met"],
        got[("first_response", "urgent")]["pending"],
    ) == (0, 1)
    # calendar targets are still judged: 201, 9 h against 4 h
    assert got[("first_response", "high")]["breached"] == 1
