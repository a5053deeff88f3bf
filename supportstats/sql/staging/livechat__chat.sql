-- LiveChat archived chats (Agent Chat API `list_archives` / `get_chat`) and bare thread
-- objects -> a conversation per chat (kind 'chat') and per thread (kind 'thread', parent = chat),
-- thread events -> messages, agents on a thread -> engagements, `rating` property -> rating.
-- Input: stg_lc(_row, _line, record, kind, _stream), kind chat | thread | report | other.
-- Agent ids are e-mail addresses in LiveChat; customer ids are UUIDs.
CREATE OR REPLACE TEMP TABLE stg_lc_thread AS
WITH from_chat AS (
    SELECT _row, _line, record ->> 'id' AS chat_id, record -> 'users' AS users,
           unnest(json_extract(record, '$.threads[*]')) AS t
    FROM stg_lc WHERE kind = 'chat'
)
SELECT _row, _line, chat_id, users, t, false AS _counted FROM from_chat
UNION ALL
SELECT _row, _line, NULL, NULL, record, true FROM stg_lc WHERE kind = 'thread';

CREATE OR REPLACE TEMP TABLE stg_lc_event AS
SELECT _row, _line, chat_id, (t ->> 'id') AS thread_id, users, e,
       (e ->> 'author_id') AS author_id,
       ss_ts((e ->> 'created_at'), 'UTC', NULL) AS created_ts,
       lower(coalesce((e ->> 'type'), '')) AS etype,
       CASE WHEN lower(coalesce((e ->> 'type'), '')) = 'system_message' THEN 'system'
            WHEN (e ->> 'author_id') IS NULL THEN 'system'
            WHEN (e ->> 'author_id') LIKE '%@%' OR list_contains(agent_ids, (e ->> 'author_id')) THEN 'agent'
            ELSE 'customer' END AS role
FROM (
    SELECT _row, _line, chat_id, users, t, unnest(json_extract(t, '$.events[*]')) AS e,
           coalesce([u.id FOR u IN from_json(users, '[{"id": "VARCHAR", "type": "VARCHAR"}]') IF u.type = 'agent'], []) AS agent_ids
    FROM stg_lc_thread
);

CREATE OR REPLACE TEMP TABLE stg_thread_conv AS
WITH th AS (
    SELECT s.*, (t ->> 'id') AS tid, ss_ts((t ->> 'created_at'), 'UTC', NULL) AS created_ts,
           CAST(json_extract_string(t, '$.user_ids[*]') AS VARCHAR[]) AS user_ids
    FROM stg_lc_thread s
), firsts AS (
    SELECT thread_id, min(created_ts) FILTER (WHERE role = 'customer') AS first_customer_ts
    FROM stg_lc_event GROUP BY thread_id
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
FROM th LEFT JOIN firsts f ON f.thread_id = th.tid;

-- A chat's own row: it starts with its first thread; open while any thread is active.
CREATE OR REPLACE TEMP TABLE stg_conversation AS
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
FROM (SELECT * FROM stg_lc WHERE kind = 'chat') c
LEFT JOIN stg_thread_conv t ON t._row = c._row AND t._reject_reason IS NULL
GROUP BY c._row, c.record ->> 'id';
