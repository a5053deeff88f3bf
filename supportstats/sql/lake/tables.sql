-- The warehouse's own tables (not temp tables, not views), by name: what a lake export writes.
SELECT table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
ORDER BY table_name
