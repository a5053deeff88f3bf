-- One engagement per agent on a thread: from the end of queueing to the last event of a
-- closed thread (open while the thread is active).
WITH a AS (
    SELECT t.*, unnest(list_filter(CAST(json_extract_string(t.raw, '$.user_ids[*]') AS VARCHAR[]), lambda u: u LIKE '%@%')) AS agent_id
    FROM livechat__int_kept_threads t
), ev AS (
    SELECT thread_id, author_id, min(created_ts) FILTER (WHERE role = 'agent' AND etype IN ('message', 'file', 'rich_message')
                                                          AND coalesce((e ->> 'visibility'), 'all') = 'all') AS first_msg
    FROM livechat__int_events GROUP BY ALL
), last_ev AS (SELECT thread_id, max(created_ts) AS last_ts FROM livechat__int_events GROUP BY ALL)
SELECT
    a.conversation_key || ':' || a.agent_id AS engagement_key,
    a.conversation_key, a.source_system, a.source_id || ':' || a.agent_id AS source_id,
    $source_system || ':' || a.agent_id AS agent_key,
    a.created_at + to_microseconds(CAST(coalesce(a.queues_s, 0) * 1e6 AS BIGINT)) AS started_at,
    ev.first_msg AS first_agent_message_at,
    CASE WHEN a.status_current = 'closed' THEN greatest(l.last_ts, a.created_at) END AS ended_at,
    CASE WHEN a.status_current = 'closed' THEN 'chat_end' END AS end_reason,
    true AS was_assigned,
    ev.first_msg IS NOT NULL AS was_accepted,
    a.batch_id,
    json_object('thread_id', a.source_id, 'agent_id', a.agent_id) AS raw,
    NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, a._row, a._line
FROM a
LEFT JOIN ev ON ev.thread_id = a.source_id AND ev.author_id = a.agent_id
LEFT JOIN last_ev l ON l.thread_id = a.source_id
