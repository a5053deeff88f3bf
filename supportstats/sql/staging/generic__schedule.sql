-- Canonical flat business-hours file -> schedule + schedule_interval rows.
-- One row per schedule, day and opening window: schedule_id, timezone, day_of_week
-- (0 = Sunday ... 6 = Saturday, or mon/tue/...), open_time, close_time ('09:00', '17:30').
WITH typed AS (
    SELECT
        ss_text(r.schedule_id) AS sid,
        coalesce(ss_text(r.timezone), $tz) AS zone,
        -- business hours are read in this zone: one DuckDB does not know would fail every
        -- business-clock metric later, so the row is rejected now
        lower(zone) IN (SELECT lower(name) FROM pg_timezone_names())
            AS zone_known,
        CASE lower(left(trim(r.day_of_week), 3))
            WHEN 'sun' THEN 0 WHEN 'mon' THEN 1 WHEN 'tue' THEN 2 WHEN 'wed' THEN 3
            WHEN 'thu' THEN 4 WHEN 'fri' THEN 5 WHEN 'sat' THEN 6
            ELSE try_cast(trim(r.day_of_week) AS INTEGER)
        END AS dow,
        try_cast(split_part(trim(r.open_time), ':', 1) AS INTEGER) * 60
            + try_cast(split_part(trim(r.open_time), ':', 2) AS INTEGER) AS open_m,
        CASE WHEN trim(r.close_time) IN ('24:00', '23:59') THEN 1440 ELSE
            try_cast(split_part(trim(r.close_time), ':', 1) AS INTEGER) * 60
            + try_cast(split_part(trim(r.close_time), ':', 2) AS INTEGER) END AS close_m,
        r.*
    FROM stg_raw AS r
)
SELECT
    $source_system || ':' || sid AS schedule_key,
    $source_system AS source_system,
    sid AS source_id,
    coalesce(ss_text(name), sid) AS name,
    zone AS timezone,
    dow AS day_of_week,
    open_m AS open_minute,
    close_m AS close_minute,
    $batch_id AS batch_id,
    CASE
        WHEN sid IS NULL THEN 'schedule_id'
        WHEN NOT zone_known THEN 'timezone'
        WHEN dow IS NULL OR dow NOT BETWEEN 0 AND 6 THEN 'day_of_week'
        WHEN open_m IS NULL OR open_m NOT BETWEEN 0 AND 1439 THEN 'open_time'
        WHEN close_m IS NULL OR close_m NOT BETWEEN 1 AND 1440 OR close_m <= open_m THEN 'close_time'
    END AS _reject_column,
    CASE
        WHEN sid IS NULL THEN 'schedule_id is empty'
        WHEN NOT zone_known THEN 'timezone ' || ss_quote(zone) || ' is not a known time zone (use an IANA name such as Europe/Madrid)'
        WHEN dow IS NULL OR dow NOT BETWEEN 0 AND 6 THEN 'day_of_week ' || ss_quote(day_of_week) || ' is not 0-6 (0 = Sunday) or a day name'
        WHEN open_m IS NULL OR open_m NOT BETWEEN 0 AND 1439 THEN 'open_time ' || ss_quote(open_time) || ' is not HH:MM'
        WHEN close_m IS NULL OR close_m NOT BETWEEN 1 AND 1440 OR close_m <= open_m THEN 'close_time ' || ss_quote(close_time) || ' is not HH:MM after open_time'
    END AS _reject_reason,
    _row, _line
FROM typed
