-- Rows of batch $b that DuckDB's CSV reader set aside as not UTF-8 (ImportContext.load asks
-- whether the file is cp1252 throughout: _read.late_encoding).
SELECT count(*) FROM import_reject WHERE batch_id = $b AND reason LIKE 'invalid encoding:%'
