-- Zendesk Support account settings -> schedule (+ schedule_interval, the default schedule as
-- a schedule_assignment of scope account), schedule_holiday, sla_policy (+ sla_target) and
-- organization. Records come from stg_zd_item (API pages, single-object bodies, Airbyte
-- records, bare records); zd_zone(rails, iana) maps ActiveSupport zone names.
-- $zd_schedule_id: the schedule a holidays file belongs to when its records do not say
-- (the API body of /business_hours/schedules/{id}/holidays has no schedule id; the file
-- name gives it), else NULL.

-- Schedules. time_zone is an ActiveSupport name ("Eastern Time (US & Canada)") or an IANA
-- one; intervals are minutes from Sunday 00:00 of the week (start_time < end_time), and one
-- that runs past midnight is split into one interval per local day.
CREATE OR REPLACE TEMP TABLE stg_zd_schedule AS
WITH r AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "name": "VARCHAR", "time_zone": "VARCHAR",
            "intervals": "JSON"}') AS j
    FROM stg_zd_item WHERE kind = 'schedule'
),
typed AS (
    SELECT r.*, ss_text(j.id) AS sid,
        regexp_replace(trim(j.time_zone), '^\(GMT[^)]*\)\s*', '') AS zone_name,
        CASE WHEN json_type(j.intervals) = 'ARRAY' THEN list_transform(
            json_transform(j.intervals, '[{"start_time": "VARCHAR", "end_time": "VARCHAR"}]'),
            lambda x: {'s': try_cast(x.start_time AS INTEGER), 'e': try_cast(x.end_time AS INTEGER)})
        END AS ivs
    FROM r
),
zoned AS (
    SELECT t.*,
        coalesce(z.iana, (SELECT any_value(n.name) FROM pg_timezone_names() n
                          WHERE lower(n.name) = lower(t.zone_name))) AS zone,
        list_filter(list_transform(t.ivs, lambda x, i: CASE
            WHEN x.s IS NULL OR x.e IS NULL OR x.s < 0 OR x.e <= x.s OR x.e > 10080 + 1440
            THEN i END), lambda v: v IS NOT NULL)[1] AS bad_iv
    FROM typed t
    LEFT JOIN zd_zone z ON lower(z.rails) = lower(t.zone_name)
)
SELECT
    $source_system || ':' || sid AS schedule_key,
    $source_system AS source_system,
    sid AS source_id,
    coalesce(ss_text(j.name), sid) AS name,
    zone AS timezone,
    ivs,
    $batch_id AS batch_id,
    record::VARCHAR AS _raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN zone IS NULL THEN 'time_zone'
         WHEN ivs IS NULL OR bad_iv IS NOT NULL THEN 'intervals' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'schedule has no id'
         WHEN zone IS NULL THEN 'time_zone ' || ss_quote(j.time_zone)
              || ' is not a Zendesk (ActiveSupport) or IANA time zone name'
         WHEN ivs IS NULL THEN 'intervals is not a list of {start_time, end_time}'
         WHEN bad_iv IS NOT NULL THEN 'interval ' || bad_iv || ' (' || coalesce(ivs[bad_iv].s::VARCHAR, '?')
              || '-' || coalesce(ivs[bad_iv].e::VARCHAR, '?') || ') is not minutes from Sunday 00:00 '
              || 'with start_time < end_time'
    END AS _reject_reason,
    _row, _line
FROM zoned;

-- Holidays of one schedule (inclusive dates).
CREATE OR REPLACE TEMP TABLE stg_zd_holiday AS
WITH r AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "name": "VARCHAR", "start_date": "VARCHAR",
            "end_date": "VARCHAR", "schedule_id": "VARCHAR"}') AS j
    FROM stg_zd_item WHERE kind = 'holiday'
),
typed AS (
    SELECT r.*, coalesce(ss_text(j.schedule_id), $zd_schedule_id) AS sid,
        try_cast(left(trim(j.start_date), 10) AS DATE) AS d0,
        try_cast(left(trim(coalesce(j.end_date, j.start_date)), 10) AS DATE) AS d1
    FROM r
)
SELECT
    $source_system || ':' || sid AS schedule_key,
    d0 AS start_date,
    d1 AS end_date,
    ss_text(j.name) AS name,
    $batch_id AS batch_id,
    record::VARCHAR AS _raw,
    CASE WHEN sid IS NULL THEN 'schedule_id' WHEN d0 IS NULL THEN 'start_date'
         WHEN d1 IS NULL OR d1 < d0 THEN 'end_date' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'holiday names no schedule (no schedule_id, and the file name '
              || 'is not schedules_<id>_holidays.json)'
         WHEN d0 IS NULL THEN 'start_date ' || ss_quote(j.start_date) || ' is not a date (YYYY-MM-DD)'
         WHEN d1 IS NULL OR d1 < d0 THEN 'end_date ' || ss_quote(j.end_date) || ' is not a date on or after start_date'
    END AS _reject_reason,
    _row, _line
FROM typed;

-- SLA policies: one row per policy (filter kept as JSON, evaluated by the metrics), one
-- target per policy metric. Targets are minutes in the API (target), or seconds
-- (target_in_seconds) where the account has them; business_hours is per target.
CREATE OR REPLACE TEMP TABLE stg_zd_sla_policy AS
WITH r AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "title": "VARCHAR", "position": "VARCHAR",
            "filter": "JSON", "policy_metrics": "JSON"}') AS j
    FROM stg_zd_item WHERE kind = 'sla_policy'
),
typed AS (
    SELECT r.*, ss_text(j.id) AS sid,
        CASE WHEN json_type(j.policy_metrics) = 'ARRAY' THEN json_transform(j.policy_metrics,
            '[{"priority": "VARCHAR", "metric": "VARCHAR", "target": "VARCHAR",
               "target_in_seconds": "VARCHAR", "business_hours": "VARCHAR"}]') END AS pm
    FROM r
),
checked AS (
    SELECT t.*,
        list_filter(list_transform(t.pm, lambda x, i: CASE
            WHEN x.metric IS NULL OR coalesce(try_cast(x.target_in_seconds AS DOUBLE),
                                              try_cast(x.target AS DOUBLE)) IS NULL
            THEN i END), lambda v: v IS NOT NULL)[1] AS bad_pm
    FROM typed t
)
SELECT
    $source_system || ':' || sid AS policy_key,
    $source_system AS source_system,
    sid AS source_id,
    ss_text(j.title) AS name,
    -- the policy's clock when all its targets agree (the targets carry their own)
    CASE WHEN len(list_distinct(list_transform(pm, lambda x: ss_bool(x.business_hours)))) = 1
         THEN ss_bool(pm[1].business_hours) END AS business_hours,
    try_cast(j.position AS INTEGER) AS position,
    -- a policy without conditions applies to every ticket
    CASE WHEN json_type(j.filter) = 'OBJECT' THEN j.filter ELSE '{"all": [], "any": []}'::JSON END AS filter,
    pm AS _metrics,
    $batch_id AS batch_id,
    record AS raw,
    record::VARCHAR AS _raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN pm IS NULL OR bad_pm IS NOT NULL THEN 'policy_metrics' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'SLA policy has no id'
         WHEN pm IS NULL THEN 'policy_metrics is not a list of {priority, metric, target, business_hours}'
         WHEN bad_pm IS NOT NULL THEN 'policy metric ' || bad_pm || ' has no metric or no numeric target'
    END AS _reject_reason,
    _row, _line
FROM checked;

-- Organizations (a contact's and a ticket's organization_id name them).
CREATE OR REPLACE TEMP TABLE stg_zd_organization AS
WITH r AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "name": "VARCHAR", "domain_names": ["VARCHAR"],
            "tags": ["VARCHAR"], "group_id": "VARCHAR"}') AS j
    FROM stg_zd_item WHERE kind = 'organization'
)
SELECT
    $source_system || ':' || ss_text(j.id) AS organization_key,
    $source_system AS source_system,
    ss_text(j.id) AS source_id,
    ss_text(j.name) AS name,
    j.domain_names AS domain_names,
    j.tags AS tags,
    $source_system || ':' || ss_text(j.group_id) AS group_key,
    $batch_id AS batch_id,
    record AS raw,
    record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.id) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(j.id) IS NULL THEN 'organization has no id' END AS _reject_reason,
    _row, _line
FROM r;
