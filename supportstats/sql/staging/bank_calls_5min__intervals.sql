-- 5-minute call counts (stg_raw: DateTime, Calls as text) -> source_aggregate rows (a
-- staging model: one SELECT). The trailing 'Z' of DateTime is not a real zone (the stamps
-- are local business hours), so it is dropped and the time read as local time in tz. The
-- typed count is n_calls because identifiers ignore case ("Calls" is the raw text).
WITH typed AS (
    SELECT
        r.*,
        -- UTC (the default) by the epoch: exact, and far cheaper than the zone rules
        CASE WHEN NOT regexp_full_match(trim("DateTime"), '\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?Z?') THEN NULL
             WHEN $tz = 'UTC' THEN make_timestamptz(epoch_us(try_cast(rtrim(trim("DateTime"), 'Z') AS TIMESTAMP)))
             ELSE timezone($tz, try_cast(rtrim(trim("DateTime"), 'Z') AS TIMESTAMP)) END AS start_at,
        try_cast(trim("Calls") AS BIGINT) AS n_calls
    FROM stg_raw AS r
),
checked AS (
    SELECT
        *,
        -- the second good row for the same interval is a conflict, not a second count
        CASE WHEN start_at IS NOT NULL AND n_calls >= 0
             THEN row_number() OVER (PARTITION BY start_at, n_calls >= 0 ORDER BY _row)
        END AS nth
    FROM typed
)
SELECT
    $batch_id AS batch_id,
    $source_system AS source_system,
    'bank_calls_5min' AS report,
    'interval' AS grain,
    CAST(NULL AS VARCHAR) AS dim_source_id,
    CAST(NULL AS VARCHAR) AS dim_name,
    start_at AS period_start,
    -- five minutes later (a fixed span: epoch arithmetic, not the calendar's)
    make_timestamptz(epoch_us(start_at) + 300000000) AS period_end,
    'calls_handled' AS metric,
    n_calls::DOUBLE AS value,
    'count' AS unit,
    CAST(NULL AS BOOLEAN) AS business_hours,
    json_object('DateTime', "DateTime", 'Calls', "Calls", 'timezone', $tz) AS raw,
    CASE
        WHEN start_at IS NULL THEN 'DateTime'
        WHEN n_calls IS NULL OR n_calls < 0 THEN 'Calls'
        WHEN nth > 1 THEN 'DateTime'
    END AS _reject_column,
    CASE
        WHEN start_at IS NULL THEN 'DateTime ' || ss_quote("DateTime") || ' is not a date and time (YYYY-MM-DDTHH:MM:SSZ)'
        WHEN n_calls IS NULL OR n_calls < 0 THEN 'Calls ' || ss_quote("Calls") || ' is not a whole number of calls'
        WHEN nth > 1 THEN 'duplicate interval ' || trim("DateTime") || '; the first row was kept'
    END AS _reject_reason,
    _row, _line
FROM checked
