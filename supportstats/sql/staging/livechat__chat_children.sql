-- Run after the chat and thread rows were upserted. `visibility: agents` = internal note.
CREATE OR REPLACE TEMP TABLE stg_message AS
SELECT
    $source_system || ':' || thread_id || ':' || (e ->> 'id') AS message_key,
    $source_system || ':' || thread_id AS conversation_key,
    $source_system AS source_system,
    thread_id || ':' || (e ->> 'id') AS source_id, -- event ids are unique within a thread only
    created_ts AS created_at,
    role AS author_role,
    CASE WHEN role = 'agent' THEN $source_system || ':' || author_id END AS author_agent_key,
    CASE WHEN role = 'customer' THEN $source_system || ':' || author_id END AS author_contact_key,
    CASE WHEN (e ->> 'visibility') = 'agents' THEN 'internal' ELSE 'public' END AS visibility,
    'none' AS automation,
    CASE etype WHEN 'file' THEN 'file' WHEN 'filled_form' THEN 'form' WHEN 'system_message' THEN 'activity'
               WHEN 'custom' THEN 'activity' ELSE 'text' END AS kind,
    (e ->> 'text') AS body,
    $batch_id AS batch_id,
    e AS raw, e AS _raw,
    CASE WHEN ss_text(e ->> 'id') IS NULL THEN 'id' WHEN created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN ss_text(e ->> 'id') IS NULL THEN 'event has no id'
         WHEN created_ts IS NULL THEN 'event created_at ' || ss_quote((e ->> 'created_at')) || ' is not a date/time'
    END AS _reject_reason,
    _row, _line
FROM stg_lc_event
WHERE thread_id IN (SELECT source_id FROM stg_thread_conv WHERE _reject_reason IS NULL);

-- Queue time: entered at queue.queued_at (or the thread start); left queues_duration later
-- once the thread is no longer queued.
CREATE OR REPLACE TEMP TABLE stg_event AS
SELECT conversation_key || ':queue_enter' AS event_key, conversation_key, source_system,
       source_id || ':queue_enter' AS source_id, coalesce(queued_ts, created_at) AS occurred_at,
       'queue_enter' AS event_type, queue_key AS to_value, batch_id,
       NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM stg_thread_conv WHERE _reject_reason IS NULL AND (still_queued OR queues_s > 0)
UNION ALL
SELECT conversation_key || ':queue_exit', conversation_key, source_system, source_id || ':queue_exit',
       created_at + to_microseconds(CAST(queues_s * 1e6 AS BIGINT)), 'queue_exit', queue_key, batch_id,
       NULL, NULL, _row, _line
FROM stg_thread_conv WHERE _reject_reason IS NULL AND NOT still_queued AND queues_s > 0;

-- One engagement per agent on a thread: from the end of queueing to the last event of a
-- closed thread (open while the thread is active).
CREATE OR REPLACE TEMP TABLE stg_engagement AS
WITH a AS (
    SELECT t.*, unnest(list_filter(CAST(json_extract_string(t.raw, '$.user_ids[*]') AS VARCHAR[]), lambda u: u LIKE '%@%')) AS agent_id
    FROM stg_thread_conv t WHERE _reject_reason IS NULL
), ev AS (
    SELECT thread_id, author_id, min(created_ts) FILTER (WHERE role = 'agent' AND etype IN ('message', 'file', 'rich_message')
                                                          AND coalesce((e ->> 'visibility'), 'all') = 'all') AS first_msg
    FROM stg_lc_event GROUP BY ALL
), last_ev AS (SELECT thread_id, max(created_ts) AS last_ts FROM stg_lc_event GROUP BY ALL)
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
LEFT JOIN last_ev l ON l.thread_id = a.source_id;

-- Thread rating: `rating.score` 1 = thumbs up, 0 = thumbs down.
CREATE OR REPLACE TEMP TABLE stg_rating AS
SELECT conversation_key || ':rating' AS rating_key, conversation_key, source_system,
       source_id || ':rating' AS source_id, 'binary' AS scale,
       (raw ->> '$.properties.rating.score') AS raw_value,
       try_cast((raw ->> '$.properties.rating.score') AS DOUBLE) AS score_norm,
       (raw ->> '$.properties.rating.score') = '1' AS is_positive,
       (raw ->> '$.properties.rating.score') = '0' AS is_negative,
       ss_text(raw ->> '$.properties.rating.comment') AS comment,
       assignee_agent_key AS agent_key_at_rating, batch_id,
       raw -> '$.properties.rating' AS raw,
       CASE WHEN (raw ->> '$.properties.rating.score') NOT IN ('0', '1') THEN 'properties.rating.score' END AS _reject_column,
       CASE WHEN (raw ->> '$.properties.rating.score') NOT IN ('0', '1')
            THEN 'rating score ' || ss_quote(raw ->> '$.properties.rating.score') || ' is not 0 or 1' END AS _reject_reason,
       _row, _line
FROM stg_thread_conv
WHERE _reject_reason IS NULL AND (raw ->> '$.properties.rating.score') IS NOT NULL;

-- Agents: named in a chat's users list (name, e-mail) or only by id on a thread.
INSERT INTO agent (agent_key, source_system, source_id, name, email, is_bot, batch_id)
SELECT agent_key, $source_system, any_value(id), max(name), max(email), false, $batch_id
FROM (
    SELECT $source_system || ':' || (u ->> 'id') AS agent_key, (u ->> 'id') AS id, (u ->> 'name') AS name, (u ->> 'email') AS email
    FROM (SELECT unnest(json_extract(record, '$.users[*]')) AS u FROM stg_lc WHERE kind = 'chat')
    WHERE (u ->> 'type') = 'agent'
    UNION ALL
    SELECT agent_key, split_part(agent_key, ':', 2), NULL, NULL FROM stg_engagement
)
WHERE agent_key NOT IN (SELECT agent_key FROM agent)
GROUP BY agent_key;
