-- Batch $b's rejects of the rows numbered $keys get the physical lines $lines (and, where
-- given, a reason and raw text a person can act on).
UPDATE import_reject AS r
SET line_number = m.line_number,
    reason = coalesce(m.reason, r.reason),
    raw = coalesce(m.raw, r.raw)
FROM (
    SELECT unnest($keys) AS k, unnest($lines) AS line_number, unnest($reasons) AS reason,
           unnest($raws) AS raw
) AS m
WHERE r.batch_id = $b AND r.row_number = m.k
