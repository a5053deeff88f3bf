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
    FROM livechat__int_threads
)
