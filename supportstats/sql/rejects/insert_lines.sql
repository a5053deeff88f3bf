-- Lines a reader passed over become rejects of batch $b: their reader's numbers $rows, the
-- physical lines $lines, raw text $raws and reasons $reasons.
INSERT INTO import_reject (batch_id, entity, row_number, line_number, column_name, raw, reason)
SELECT $b, $entity, unnest($rows), unnest($lines), NULL, unnest($raws), unnest($reasons)
