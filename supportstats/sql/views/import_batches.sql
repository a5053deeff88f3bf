SELECT batch_id, source_system AS source, entity, file_name AS file, rows_read, rows_loaded,
       rows_rejected, coalesce(rows_skipped, 0) AS rows_skipped,
       strftime(imported_at, '%Y-%m-%d %H:%M:%S') AS imported_at
FROM import_batch
ORDER BY batch_id
