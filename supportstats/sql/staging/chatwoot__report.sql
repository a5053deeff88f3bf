-- Chatwoot report CSV (_int_csv_cells: columns by position, as the header is localised) ->
-- source_aggregate: one row per CSV row and metric. $metrics names the metric of each column
-- from c2 on (NULL: a column not kept); a metric named avg_* is a duration ('1 day 4 hours').
-- $summary: the conversations summary, whose rows have no dimension (else c1 names it).
WITH r AS (
    SELECT _row, _line, cells[1] AS c1, cells, _rawjson AS raw FROM _int_csv_cells
), m AS (
    SELECT r.*, i, $metrics[i] AS metric, cells[i + 1] AS cell
    FROM r, range(1, len($metrics) + 1) AS t(i)
    WHERE $metrics[i] IS NOT NULL
)
SELECT
    $batch_id AS batch_id,
    $source_system AS source_system,
    $report AS report,
    $grain AS grain,
    CASE WHEN NOT $summary THEN trim(c1) END AS dim_source_id,
    CASE WHEN NOT $summary THEN trim(c1) END AS dim_name,
    $start::TIMESTAMPTZ AS period_start,
    $end::TIMESTAMPTZ AS period_end,
    metric,
    CASE WHEN starts_with(metric, 'avg_') THEN cw_duration_s(cell)
         ELSE try_cast(trim(cell) AS DOUBLE) END AS value,
    CASE WHEN starts_with(metric, 'avg_') THEN 's' ELSE 'count' END AS unit,
    false AS business_hours,
    raw,
    _row, _line, NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason
FROM m
ORDER BY i, _row
