-- A table's columns and their DuckDB types, in table order (computed columns included: the
-- lake holds their values).
SELECT column_name, data_type
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table
ORDER BY column_index
