WITH th AS (
    SELECT s.*, (t ->> 'id') AS tid, ss_ts((t ->> 'created_at'), 'UTC', NULL) AS created_ts,
           CAST(json_extract_string(t, '$.user_ids[*]') AS VARCHAR[]) AS user_ids
    FROM livechat__int_threads s
), firsts AS (
    SELECT thread_id, min(created_ts) FILTER (WHERE role = 'customer') AS first_customer_ts
    FROM livechat__int_events GROUP BY thread_id
)
SELECT
    $source_system || ':' || tid AS conversation_key,
    $source_system AS source_system,
    tid AS source_id,
    'thread' AS kind,
    CASE WHEN chat_id IS NOT NULL THEN $source_system || ':' || chat_id END AS parent_key,
    'chat' AS channel,
    CASE WHEN (t ->> '$.access.group_ids[0]') IS NOT NULL THEN $source_system || ':group:' || (t ->> '$.access.group_ids[0]') END AS queue_key,
    CASE WHEN list_filter(user_ids, lambda u: u NOT LIKE '%@%')[1] IS NOT NULL
         THEN $source_system || ':' || list_filter(user_ids, lambda u: u NOT LIKE '%@%')[1] END AS contact_key,
    CASE WHEN list_filter(user_ids, lambda u: u LIKE '%@%')[-1] IS NOT NULL
         THEN $source_system || ':' || list_filter(user_ids, lambda u: u LIKE '%@%')[-1] END AS assignee_agent_key,
    created_ts AS created_at,
    f.first_customer_ts AS first_customer_message_at,
    'customer' AS initiated_by,
    CASE WHEN (t ->> 'active') = 'true' THEN 'open' ELSE 'closed' END AS status_current,
    CAST(json_extract_string(t, '$.tags[*]') AS VARCHAR[]) AS tags,
    t -> 'properties' AS custom_attributes,
    try_cast((t ->> 'queues_duration') AS DOUBLE) AS queues_s,
    json_type(t, '$.queue') = 'OBJECT' AS still_queued,
    ss_ts((t ->> '$.queue.queued_at'), 'UTC', NULL) AS queued_ts,
    $batch_id AS batch_id,
    t AS raw, t AS _raw,
    CASE WHEN ss_text(tid) IS NULL THEN 'id' WHEN created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN ss_text(tid) IS NULL THEN 'thread has no id'
         WHEN created_ts IS NULL THEN 'thread created_at ' || ss_quote((t ->> 'created_at')) || ' is not a date/time'
    END AS _reject_reason,
    _counted, _row, _line
FROM th LEFT JOIN firsts f ON f.thread_id = th.tid
