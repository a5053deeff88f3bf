-- The rejects of batch $b of a CSV file: the row number of a row the reader gave (NULL for a
-- line the reader set aside), the line number as stored (that reader's own count then), and
-- whether the reader found the line not UTF-8.
SELECT row_number, line_number, reason LIKE 'invalid encoding:%' AS not_utf8
FROM import_reject
WHERE batch_id = $b
