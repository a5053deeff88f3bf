-- Zendesk Chat Analytics CSV ("Agent activity": one row per agent per period, times in
-- UTC+0) -> source_aggregate, one row per (agent, period, numeric column). Aggregate-only:
-- kept apart from event-level data. stg_zc_csv_row: the typed CSV rows (rejects counted here);
-- stg_zc_aggregate: their numbers. The Python side passes $measures (the numeric columns).
CREATE OR REPLACE TEMP TABLE stg_zc_csv_row AS
SELECT *,
    ss_ts(trim("Start Time (UTC+0)"), 'UTC', NULL) AS _start,
    ss_ts(trim("End Time (UTC+0)"), 'UTC', NULL) AS _end,
    CASE WHEN ss_ts(trim("Start Time (UTC+0)"), 'UTC', NULL) IS NULL THEN 'Start Time (UTC+0)'
         WHEN ss_text("End Time (UTC+0)") IS NOT NULL AND ss_ts(trim("End Time (UTC+0)"), 'UTC', NULL) IS NULL THEN 'End Time (UTC+0)' END AS _reject_column,
    CASE WHEN ss_ts(trim("Start Time (UTC+0)"), 'UTC', NULL) IS NULL THEN 'Start Time (UTC+0) ' || ss_quote("Start Time (UTC+0)") || ' is not a date/time'
         WHEN ss_text("End Time (UTC+0)") IS NOT NULL AND ss_ts(trim("End Time (UTC+0)"), 'UTC', NULL) IS NULL
         THEN 'End Time (UTC+0) ' || ss_quote("End Time (UTC+0)") || ' is not a date/time' END AS _reject_reason
FROM stg_raw;
