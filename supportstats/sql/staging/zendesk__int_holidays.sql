-- Holidays of one schedule (inclusive dates).
WITH r AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "name": "VARCHAR", "start_date": "VARCHAR",
            "end_date": "VARCHAR", "schedule_id": "VARCHAR"}') AS j
    FROM zendesk__int_records WHERE kind = 'holiday'
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
FROM typed
