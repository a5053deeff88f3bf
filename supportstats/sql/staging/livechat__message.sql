-- Run after the chat and thread rows were upserted. `visibility: agents` = internal note.
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
FROM livechat__int_events
WHERE thread_id IN (SELECT source_id FROM livechat__int_kept_threads)
