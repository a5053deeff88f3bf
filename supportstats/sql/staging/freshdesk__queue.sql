-- Groups (GET /groups): a ticket's group_id is its queue, keyed freshdesk:group:<id>; the
-- group's name lets the export CSV's group names resolve to it (importers/_agents.py).
SELECT
    $source_system || ':group:' || json_extract_string(record, '$.id') AS queue_key,
    $source_system AS source_system,
    json_extract_string(record, '$.id') AS source_id,
    ss_text(json_extract_string(record, '$.name')) AS name,
    NULL::VARCHAR AS channel,
    $batch_id AS batch_id,
    record AS raw,
    CASE WHEN ss_text(json_extract_string(record, '$.id')) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(json_extract_string(record, '$.id')) IS NULL THEN 'group has no id' END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM freshdesk__int_records WHERE kind = 'group'
