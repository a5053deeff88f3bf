SELECT
    $source_system || ':' || part_id AS message_key,
    $source_system || ':' || conv_id AS conversation_key,
    $source_system AS source_system,
    part_id AS source_id,
    created_ts AS created_at,
    CASE WHEN is_bot THEN 'bot'
         WHEN author_type IN ('admin', 'teammate') THEN 'agent'
         WHEN author_type IN ('user', 'lead', 'contact') THEN 'customer'
         ELSE 'system' END AS author_role,
    CASE WHEN author_type IN ('admin', 'bot', 'teammate') THEN $source_system || ':' || author_id END AS author_agent_key,
    CASE WHEN author_type IN ('user', 'lead', 'contact') THEN $source_system || ':' || author_id END AS author_contact_key,
    CASE WHEN part_type LIKE 'note%' THEN 'internal' ELSE 'public' END AS visibility,
    CASE WHEN is_bot THEN 'rule'
         WHEN part_type = 'source' AND (p ->> 'delivered_as') IN ('automated', 'campaigns_initiated') THEN 'campaign'
         ELSE 'none' END AS automation,
    CASE WHEN json_array_length(p, '$.attachments') > 0 AND ss_text(p ->> 'body') IS NULL THEN 'file' ELSE 'text' END AS kind,
    (p ->> 'body') AS body,
    $batch_id AS batch_id,
    p AS raw, p AS _raw,
    _reject_column, _reject_reason,
    _counted, _row, _line
FROM intercom__int_parts_typed
WHERE is_message
