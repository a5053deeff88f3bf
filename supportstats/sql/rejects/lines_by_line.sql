-- Batch $b's rejects at the reader's lines $keys get the physical lines $lines (and, where
-- given, a reason and raw text); with $unnumbered only those without a row number (lines a
-- CSV reader set aside, numbered by its own count).
UPDATE import_reject AS r
SET line_number = m.line_number,
    reason = coalesce(m.reason, r.reason),
    raw = coalesce(m.raw, r.raw)
FROM (
    SELECT unnest($keys) AS k, unnest($lines) AS line_number, unnest($reasons) AS reason,
           unnest($raws) AS raw
) AS m
WHERE r.batch_id = $b AND r.line_number = m.k AND (NOT $unnumbered OR r.row_number IS NULL)
