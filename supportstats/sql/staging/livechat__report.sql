WITH flat AS (
    SELECT r.*, m AS metric, vals -> m AS v FROM (SELECT *, unnest(json_keys(vals)) AS m FROM livechat__int_report_entries) r
), deep AS (
    SELECT * EXCLUDE (v, metric), metric, v FROM flat WHERE json_type(v) <> 'OBJECT'
    UNION ALL
    SELECT * EXCLUDE (v, metric, sub), metric || '.' || sub, v -> sub
    FROM (SELECT *, unnest(json_keys(v)) AS sub FROM flat WHERE json_type(v) = 'OBJECT')
)
SELECT
    $batch_id AS batch_id,
    $source_system AS source_system,
    'livechat_' || replace(lower(regexp_replace(coalesce(report_name, 'report'), '-report$', '')), '-', '_') AS report,
    CASE WHEN is_summary THEN 'account'
         WHEN dim LIKE '%@%' THEN 'agent'
         WHEN regexp_full_match(dim, '\d{4}-\d{2}-\d{2}') THEN 'day'
         WHEN regexp_full_match(dim, '\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?') THEN 'hour'
         ELSE 'other' END AS grain,
    dim AS dim_source_id,
    dim AS dim_name,
    CASE WHEN regexp_full_match(dim, '\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?') THEN ss_ts(dim, 'UTC', NULL) END AS period_start,
    CASE WHEN regexp_full_match(dim, '\d{4}-\d{2}-\d{2}') THEN ss_ts(dim, 'UTC', NULL) + INTERVAL 1 DAY
         WHEN regexp_full_match(dim, '\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?') THEN ss_ts(dim, 'UTC', NULL) + INTERVAL 1 HOUR END AS period_end,
    metric,
    try_cast(v::VARCHAR AS DOUBLE) AS value,
    CASE WHEN metric LIKE '%time%' OR metric LIKE '%duration%' OR metric LIKE '%.avg'
              OR metric LIKE '%.min' OR metric LIKE '%.max' THEN 's' ELSE 'count' END AS unit,
    false AS business_hours,
    vals AS raw,
    _row, _line, NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason
FROM deep
