-- Replies and notes (conversations) of tickets.
WITH c AS (
    SELECT _row, _line, record AS r,
           ss_text(json_extract_string(record, '$.id')) AS sid,
           ss_text(json_extract_string(record, '$.ticket_id')) AS tid,
           ss_ts(json_extract_string(record, '$.created_at'), 'UTC', NULL) AS created_ts,
           json_extract_string(record, '$.incoming') = 'true' AS incoming,
           json_extract_string(record, '$.user_id') AS user_id
    FROM freshdesk__int_records WHERE kind = 'reply'
)
SELECT
    $source_system || ':' || sid AS message_key,
    $source_system || ':' || tid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    created_ts AS created_at,
    CASE WHEN incoming THEN 'customer' ELSE 'agent' END AS author_role,
    CASE WHEN NOT incoming AND user_id IS NOT NULL THEN $source_system || ':' || user_id END AS author_agent_key,
    CASE WHEN incoming AND user_id IS NOT NULL THEN $source_system || ':contact:' || user_id END AS author_contact_key,
    CASE WHEN json_extract_string(r, '$.private') = 'true' THEN 'internal' ELSE 'public' END AS visibility,
    CASE WHEN json_extract_string(r, '$.auto_response') = 'true' THEN 'auto_reply'
         WHEN ss_text(json_extract_string(r, '$.automation_id')) IS NOT NULL THEN 'rule'
         ELSE 'none' END AS automation,
    'text' AS kind,
    json_extract_string(r, '$.body_text') AS body,
    $batch_id AS batch_id,
    r AS raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN tid IS NULL THEN 'ticket_id' WHEN created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'conversation has no id'
         WHEN tid IS NULL THEN 'conversation has no ticket_id'
         WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(json_extract_string(r, '$.created_at')) || ' is not a date/time'
    END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM c
