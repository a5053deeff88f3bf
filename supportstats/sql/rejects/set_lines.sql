-- Batch $b's rejects get the physical lines $lines (and, where given, a reason and raw text a
-- person can act on). They are found by $keys: their row numbers, or with $by_line the
-- reader's own line numbers; with $unnumbered only those without a row number (lines a CSV
-- reader set aside, numbered by its own count).
UPDATE import_reject AS r
SET line_number = m.line_number,
    reason = coalesce(m.reason, r.reason),
    raw = coalesce(m.raw, r.raw)
FROM (
    SELECT unnest($keys) AS k, unnest($lines) AS line_number, unnest($reasons) AS reason,
           unnest($raws) AS raw
) AS m
WHERE r.batch_id = $b
  AND CASE WHEN $by_line THEN r.line_number ELSE r.row_number END = m.k
  AND (NOT $unnumbered OR r.row_number IS NULL)
