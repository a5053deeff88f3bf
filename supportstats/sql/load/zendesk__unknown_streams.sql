-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Records of connector streams with no canonical table (e.g. ticket_fields) are skipped by
-- rule and kept raw in import_reject; records of no known shape are kept as rejects. Neither
-- is counted: the batch counts the file's main records.
INSERT INTO import_reject (batch_id, entity, row_number, line_number, column_name, raw, reason, skipped)
SELECT $batch_id, substr(kind, 7), _row, _line, NULL, record::VARCHAR,
       CASE WHEN kind = 'other:unknown'
            THEN 'not a Zendesk Support record this importer knows; kept here, not loaded'
            ELSE 'Zendesk ' || substr(kind, 7) || ' records have no canonical table; kept '
                 || 'here, not loaded (a connector file holds every stream it synced)'
       END,
       kind <> 'other:unknown'
FROM zendesk__int_records
WHERE kind LIKE 'other:%';
