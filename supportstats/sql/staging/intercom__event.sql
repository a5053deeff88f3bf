SELECT
    $source_system || ':' || part_id AS event_key,
    $source_system || ':' || conv_id AS conversation_key,
    $source_system AS source_system,
    part_id AS source_id,
    created_ts AS occurred_at,
    CASE WHEN part_type = 'close' THEN 'resolve'
         WHEN part_type IN ('open', 'assign_and_reopen') THEN 'reopen'
         WHEN part_type IN ('assignment', 'default_assignment', 'assign_and_unsnooze') THEN 'assignee'
         WHEN part_type IN ('snoozed', 'unsnoozed', 'timer_unsnooze') THEN 'status'
         ELSE 'activity' END AS event_type,
    CASE WHEN part_type IN ('assignment', 'default_assignment', 'assign_and_reopen', 'assign_and_unsnooze')
             THEN (p ->> '$.assigned_to.id')
         WHEN part_type = 'close' THEN 'closed'
         WHEN part_type = 'snoozed' THEN 'on_hold'
         WHEN part_type IN ('open', 'unsnoozed', 'timer_unsnooze') THEN 'open'
         ELSE part_type END AS to_value,
    CASE WHEN is_bot THEN 'bot' WHEN author_type = 'admin' THEN 'agent'
         WHEN author_type IN ('user', 'lead', 'contact') THEN 'customer' ELSE 'system' END AS actor_role,
    CASE WHEN author_type IN ('admin', 'bot') THEN $source_system || ':' || author_id END AS actor_agent_key,
    $batch_id AS batch_id,
    p AS raw, p AS _raw,
    _reject_column, _reject_reason,
    _counted, _row, _line
FROM intercom__int_parts_typed
WHERE NOT is_message
