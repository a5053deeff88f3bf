WITH a AS (
    SELECT _row, _line, record,
           json_transform(record, '{"id": "VARCHAR", "display_name": "VARCHAR", "first_name": "VARCHAR",
               "last_name": "VARCHAR", "email": "VARCHAR", "enabled": "VARCHAR",
               "roles": {"administrator": "VARCHAR"}}') AS j
    FROM zendesk_chat__int_records WHERE kind = 'agent'
)
SELECT
    $source_system || ':' || j.id AS agent_key, $source_system AS source_system, j.id AS source_id,
    coalesce(ss_text(j.display_name), ss_text(trim(concat_ws(' ', j.first_name, j.last_name)))) AS name,
    ss_text(j.email) AS email,
    CASE WHEN ss_bool(j.roles.administrator) THEN 'admin' ELSE 'agent' END AS role,
    false AS is_bot, ss_bool(j.enabled) AS active, $batch_id AS batch_id, record AS raw,
    record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.id) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(j.id) IS NULL THEN 'agent has no id' END AS _reject_reason,
    _row, _line
FROM a
