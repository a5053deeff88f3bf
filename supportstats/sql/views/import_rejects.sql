-- Rejected rows (defects; $skipped false) or rows skipped by a documented rule of their
-- source ($skipped true), of one batch ($batch) or all.
SELECT r.batch_id, b.file_name AS file, r.entity, r.line_number AS line, r.row_number AS "row",
       r.column_name AS "column", r.reason, r.raw
FROM import_reject AS r
JOIN import_batch AS b USING (batch_id)
WHERE ($batch IS NULL OR r.batch_id = $batch) AND coalesce(r.skipped, false) = $skipped
ORDER BY r.batch_id, coalesce(r.line_number, r.row_number)
LIMIT coalesce($limit, 9223372036854775807)
