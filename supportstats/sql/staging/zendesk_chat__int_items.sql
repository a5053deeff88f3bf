-- Zendesk Chat: split the file (stg_raw, read where it says FROM stg_raw AS r) into one row
-- per vendor record with its kind, in one read and one copy. Pages: incremental export
-- {"chats": [...]}, bulk {"docs": [...] or {"<id>": {...}}}, {"agent_timeline": [...]},
-- {"agents": [...]}; Airbyte RECORDs by stream name; bare records by their fields. _idx
-- numbers a document's records (zendesk_chat__int_records numbers them per kind).
WITH d AS (
    SELECT _row AS _doc, _line, record, _stream,
           json_transform(record, '{"id": "JSON", "chats": ["JSON"], "docs": "JSON",
               "agent_timeline": ["JSON"], "agents": ["JSON"]}') AS pg
    FROM stg_raw AS r
),
paged AS (
    SELECT *, _stream IS NULL AND pg.id IS NULL AND json_type(record) = 'OBJECT' AND CASE
            WHEN pg.chats IS NOT NULL OR pg.docs IS NOT NULL OR pg.agent_timeline IS NOT NULL
              OR pg.agents IS NOT NULL THEN true
            ELSE list_has_any(json_keys(record), ['chats', 'docs', 'agent_timeline', 'agents'])
        END AS is_page,
        -- bulk GET /chats?ids=... returns docs as a list, or keyed by chat id
        CASE json_type(pg.docs) WHEN 'ARRAY' THEN pg.docs::JSON[]
            WHEN 'OBJECT' THEN map_values(json_transform(pg.docs, '"MAP(VARCHAR, JSON)"')) END AS docs
    FROM d
),
listed AS (
    SELECT _doc, _line,
        CASE WHEN is_page THEN list_concat(
            list_transform(coalesce(pg.chats, []), lambda x, i: {'kind': 'chat', 'i': i, 'rec': x}),
            list_transform(coalesce(docs, []),
                lambda x, i: {'kind': 'chat', 'i': i + len(coalesce(pg.chats, [])), 'rec': x}),
            list_transform(coalesce(pg.agent_timeline, []), lambda x, i: {'kind': 'timeline', 'i': i, 'rec': x}),
            list_transform(coalesce(pg.agents, []), lambda x, i: {'kind': 'agent', 'i': i, 'rec': x}))
        ELSE [{'kind': coalesce(CASE
            WHEN _stream IS NOT NULL THEN
                CASE regexp_replace(_stream, '^.*__', '')
                    WHEN 'chats' THEN 'chat' WHEN 'agent_timeline' THEN 'timeline'
                    WHEN 'agents' THEN 'agent'
                    ELSE 'other:' || regexp_replace(_stream, '^.*__', '') END
            WHEN json_type(record, '$.history') = 'ARRAY'
              OR (record ->> '$.type' IN ('chat', 'offline_msg') AND json_type(record, '$.timestamp') IS NOT NULL) THEN 'chat'
            WHEN json_type(record, '$.agent_id') IS NOT NULL AND json_type(record, '$.start_time') IS NOT NULL THEN 'timeline'
            WHEN json_type(record, '$.display_name') IS NOT NULL AND json_type(record, '$.enabled') IS NOT NULL THEN 'agent'
        END, 'other:unknown'), 'i': 1, 'rec': record}] END AS items
    FROM paged
)
SELECT _doc, it.i AS _idx, _line, it.kind AS kind, coalesce(it.rec, 'null'::JSON) AS record
FROM (SELECT _doc, _line, unnest(items) AS it FROM listed)
