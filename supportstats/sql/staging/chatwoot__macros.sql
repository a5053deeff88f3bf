-- Chatwoot report CSVs give durations as text: '1 day 4 hours', '45 seconds', 'N/A'.
CREATE OR REPLACE TEMP MACRO cw_duration_s(t) AS
    CASE WHEN regexp_matches(t, '\d+ (day|hour|minute|second)') THEN
        coalesce(try_cast(regexp_extract(t, '(\d+) days?\b', 1) AS DOUBLE), 0) * 86400
        + coalesce(try_cast(regexp_extract(t, '(\d+) hours?\b', 1) AS DOUBLE), 0) * 3600
        + coalesce(try_cast(regexp_extract(t, '(\d+) minutes?\b', 1) AS DOUBLE), 0) * 60
        + coalesce(try_cast(regexp_extract(t, '(\d+) seconds?\b', 1) AS DOUBLE), 0) * 1
    END;
