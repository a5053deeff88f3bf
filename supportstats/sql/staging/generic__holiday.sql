-- Canonical flat holidays file -> schedule_holiday rows (schedule_id, date or
-- start_date/end_date, name).
WITH typed AS (
    SELECT
        ss_text(r.schedule_id) AS sid,
        try_cast(trim(coalesce(ss_text(r.start_date), r.date)) AS DATE) AS d0,
        try_cast(trim(coalesce(ss_text(r.end_date), ss_text(r.start_date), r.date)) AS DATE) AS d1,
        r.*
    FROM stg_raw AS r
)
SELECT
    $source_system || ':' || sid AS schedule_key,
    d0 AS start_date,
    d1 AS end_date,
    ss_text(name) AS name,
    $batch_id AS batch_id,
    CASE WHEN sid IS NULL THEN 'schedule_id' WHEN d0 IS NULL THEN 'date'
         WHEN d1 IS NULL OR d1 < d0 THEN 'end_date' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'schedule_id is empty'
         WHEN d0 IS NULL THEN 'date ' || ss_quote(coalesce(start_date, date)) || ' is not a date (YYYY-MM-DD)'
         WHEN d1 IS NULL OR d1 < d0 THEN 'end_date is not a date on or after the start' END AS _reject_reason,
    _row, _line
FROM typed
