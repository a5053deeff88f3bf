-- Zendesk Support account settings -> schedule (+ schedule_interval, the default schedule as
-- a schedule_assignment of scope account), schedule_holiday, sla_policy (+ sla_target) and
-- organization. Records come from zendesk__int_records (API pages, single-object bodies, Airbyte
-- records, bare records); zendesk__int_zones(rails, iana) maps ActiveSupport zone names.
-- $zd_schedule_id: the schedule a holidays file belongs to when its records do not say
-- (the API body of /business_hours/schedules/{id}/holidays has no schedule id; the file
-- name gives it), else NULL.

-- Schedules. time_zone is an ActiveSupport name ("Eastern Time (US & Canada)") or an IANA
-- one; intervals are minutes from Sunday 00:00 of the week (start_time < end_time), and one
-- that runs past midnight is split into one interval per local day.
WITH r AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "name": "VARCHAR", "time_zone": "VARCHAR",
            "intervals": "JSON"}') AS j
    FROM zendesk__int_records WHERE kind = 'schedule'
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
    LEFT JOIN zendesk__int_zones z ON lower(z.rails) = lower(t.zone_name)
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
FROM zoned
