SELECT
    $source_system || ':' || json_extract_string(record, '$.id') AS agent_key,
    $source_system AS source_system,
    json_extract_string(record, '$.id') AS source_id,
    json_extract_string(record, '$.contact.name') AS name,
    json_extract_string(record, '$.contact.email') AS email,
    json_extract_string(record, '$.type') AS role,
    false AS is_bot,
    try_cast(json_extract_string(record, '$.contact.active') AS BOOLEAN) AS active,
    $batch_id AS batch_id,
    record AS raw,
    CASE WHEN ss_text(json_extract_string(record, '$.id')) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(json_extract_string(record, '$.id')) IS NULL THEN 'agent has no id' END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM freshdesk__int_records WHERE kind = 'agent'
