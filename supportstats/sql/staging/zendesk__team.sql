SELECT
    $source_system || ':' || ss_text(record ->> '$.id') AS team_key, $source_system AS source_system,
    ss_text(record ->> '$.id') AS source_id, record ->> '$.name' AS name,
    $batch_id AS batch_id, record AS raw, record::VARCHAR AS _raw,
    CASE WHEN ss_text(record ->> '$.id') IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(record ->> '$.id') IS NULL THEN 'group has no id' END AS _reject_reason,
    _row, _line
FROM zendesk__int_records WHERE kind = 'group'
