-- A chat's own row: it starts with its first thread; open while any thread is active.
SELECT
    $source_system || ':' || (c.record ->> 'id') AS conversation_key,
    $source_system AS source_system,
    (c.record ->> 'id') AS source_id,
    'chat' AS kind,
    'chat' AS channel,
    any_value(t.queue_key ORDER BY t.created_at) AS queue_key,
    any_value(t.contact_key ORDER BY t.created_at) AS contact_key,
    any_value(t.assignee_agent_key ORDER BY t.created_at DESC) AS assignee_agent_key,
    min(t.created_at) AS created_at,
    min(t.first_customer_message_at) AS first_customer_message_at,
    'customer' AS initiated_by,
    CASE WHEN bool_or(t.status_current = 'open') THEN 'open' ELSE 'closed' END AS status_current,
    $batch_id AS batch_id,
    any_value(c.record) AS raw,
    CASE WHEN ss_text(c.record ->> 'id') IS NULL THEN 'id' WHEN min(t.created_at) IS NULL THEN 'threads' END AS _reject_column,
    CASE WHEN ss_text(c.record ->> 'id') IS NULL THEN 'chat has no id'
         WHEN min(t.created_at) IS NULL THEN 'chat has no thread with a created_at, so it has no start time'
    END AS _reject_reason,
    true AS _counted,
    c._row, any_value(c._line) AS _line
FROM (SELECT * FROM livechat__int_records WHERE kind = 'chat') c
LEFT JOIN livechat__int_thread_conversations t ON t._row = c._row AND t._reject_reason IS NULL
GROUP BY c._row, c.record ->> 'id'
