-- Zendesk Chat Analytics CSV ("Agent activity": one row per agent per period, times in
-- UTC+0; stg_raw under the file's own header) -> the typed rows, rejects marked here. The
-- optional columns (end time, names, e-mail) are read by name from the row as JSON, so a file
-- without them gives NULL.
WITH r AS (
    SELECT *, to_json(struct_pack(*COLUMNS(* EXCLUDE (_row, _line)))) AS _cells FROM stg_raw
), o AS (
    SELECT * EXCLUDE (_cells),
           _cells ->> 'End Time (UTC+0)' AS _end_text,
           _cells ->> 'First Name' AS _first_name,
           _cells ->> 'Last Name' AS _last_name,
           _cells ->> 'Email' AS _email
    FROM r
)
SELECT *,
    ss_ts(trim("Start Time (UTC+0)"), 'UTC', NULL) AS _start,
    ss_ts(trim(_end_text), 'UTC', NULL) AS _end,
    CASE WHEN ss_ts(trim("Start Time (UTC+0)"), 'UTC', NULL) IS NULL THEN 'Start Time (UTC+0)'
         WHEN ss_text(_end_text) IS NOT NULL AND ss_ts(trim(_end_text), 'UTC', NULL) IS NULL
             THEN 'End Time (UTC+0)' END AS _reject_column,
    CASE WHEN ss_ts(trim("Start Time (UTC+0)"), 'UTC', NULL) IS NULL
             THEN 'Start Time (UTC+0) ' || ss_quote("Start Time (UTC+0)") || ' is not a date/time'
         WHEN ss_text(_end_text) IS NOT NULL AND ss_ts(trim(_end_text), 'UTC', NULL) IS NULL
             THEN 'End Time (UTC+0) ' || ss_quote(_end_text) || ' is not a date/time' END AS _reject_reason
FROM o
