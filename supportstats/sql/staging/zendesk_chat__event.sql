-- Every other history item is an event; member join/leave of agents drive engagements.
SELECT
    $source_system || ':' || sid || ':' || idx AS event_key,
    $source_system || ':' || sid AS conversation_key, $source_system AS source_system,
    sid || ':' || idx AS source_id, at_ts AS occurred_at,
    CASE
        WHEN type = 'chat.memberjoin' AND role = 'agent' THEN 'agent_join'
        WHEN type = 'chat.memberleave' AND role = 'agent' THEN 'agent_leave'
        WHEN type = 'chat.memberjoin' AND role = 'customer' THEN 'customer_join'
        WHEN type = 'chat.memberleave' AND role = 'customer' THEN 'customer_leave'
        WHEN type LIKE 'chat.transfer%' OR (type = 'chat.system' AND department_id IS NOT NULL) THEN 'transfer'
        ELSE regexp_replace(coalesce(type, 'unknown'), '^chat\.', '')
    END AS event_type,
    CASE WHEN type LIKE 'chat.transfer%' THEN prev_department_id END AS from_value,
    CASE WHEN type LIKE 'chat.transfer%' THEN department_id
         WHEN type = 'chat.rating' THEN new_rating WHEN type = 'chat.comment' THEN new_comment END AS to_value,
    role AS actor_role,
    CASE WHEN role = 'agent' THEN $source_system || ':' || agent_id END AS actor_agent_key,
    $batch_id AS batch_id, item AS raw, item::VARCHAR AS _raw,
    CASE WHEN at_ts IS NULL THEN 'history.timestamp' END AS _reject_column,
    CASE WHEN at_ts IS NULL THEN 'history item ' || idx || ' of chat ' || sid || ' has no valid timestamp' END AS _reject_reason,
    row_number() OVER () AS _row, _line
FROM zendesk_chat__int_history
WHERE NOT (type = 'chat.msg' OR type LIKE 'chat.file%')
UNION ALL
-- a missed chat: the visitor left unanswered (at their leave, else at the chat's end)
SELECT
    $source_system || ':' || c.sid || ':abandon', $source_system || ':' || c.sid, $source_system,
    c.sid || ':abandon',
    coalesce(mo.visitor_left_at, c.end_ts, c.start_ts),
    'abandon', NULL, NULL, 'customer', NULL, $batch_id,
    json_object('missed', true), NULL, NULL, NULL, -1, c._line
FROM zendesk_chat__int_chats c LEFT JOIN zendesk_chat__int_moments mo USING (sid)
WHERE c.sid IS NOT NULL AND c.start_ts IS NOT NULL AND ss_bool(c.j.missed)
