SELECT
    $source_system || ':' || sid || ':' || idx AS message_key,
    $source_system || ':' || sid AS conversation_key, $source_system AS source_system,
    sid || ':' || idx AS source_id, at_ts AS created_at,
    role AS author_role,
    CASE WHEN role = 'agent' THEN $source_system || ':' || agent_id END AS author_agent_key,
    NULL::VARCHAR AS author_contact_key, 'public' AS visibility,
    CASE WHEN role = 'bot' THEN 'trigger' ELSE 'none' END AS automation,
    CASE WHEN type = 'chat.msg' THEN 'text' ELSE 'file' END AS kind,
    msg AS body, $batch_id AS batch_id, item AS raw, item::VARCHAR AS _raw,
    CASE WHEN at_ts IS NULL THEN 'history.timestamp' END AS _reject_column,
    CASE WHEN at_ts IS NULL THEN 'history item ' || idx || ' of chat ' || sid || ' has no valid timestamp' END AS _reject_reason,
    row_number() OVER () AS _row, _line
FROM zendesk_chat__int_history
WHERE type = 'chat.msg' OR type LIKE 'chat.file%'
