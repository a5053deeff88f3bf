-- Rejected and skipped rows counted per batch, entity, column and reason (most rows first):
-- what went wrong in an import at a glance; `db rejects` lists the rows themselves.
-- $batch: one batch or (NULL) all. $skipped: NULL both kinds, false rejected (defects) only, true skipped (source rules) only.
SELECT r.batch_id, b.file_name AS file, r.entity,
       CASE WHEN coalesce(r.skipped, false) THEN 'skipped' ELSE 'rejected' END AS kind,
       r.column_name AS "column", r.reason, count(*) AS "rows",
       min(coalesce(r.line_number, r.row_number)) AS first_line
FROM import_reject AS r
JOIN import_batch AS b USING (batch_id)
WHERE ($batch IS NULL OR r.batch_id = $batch)
  AND ($skipped IS NULL OR coalesce(r.skipped, false) = $skipped)
GROUP BY ALL
ORDER BY "rows" DESC, r.batch_id, kind, r.entity, "column" NULLS FIRST, r.reason
LIMIT coalesce($limit, 9223372036854775807)
