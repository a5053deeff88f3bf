-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Records of connector streams with no canonical table are skipped by rule (a connector
-- file holds every stream it synced) and kept raw in import_reject; records of no known
-- shape ('other:unknown') are kept as rejects. Neither is counted: the batch counts chats.
INSERT INTO import_reject (batch_id, entity, row_number, line_number, column_name, raw, reason, skipped)
SELECT $batch_id, substr(kind, 7), _row, _line, NULL, record::VARCHAR,
       'Zendesk Chat ' || substr(kind, 7) || ' records have no canonical table; kept here, '
       || 'not loaded (a connector file holds every stream it synced)',
       kind <> 'other:unknown'
FROM zendesk_chat__int_other_records
WHERE kind LIKE 'other:%';
