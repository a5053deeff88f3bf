-- LiveChat archived chats (Agent Chat API `list_archives` / `get_chat`) and bare thread
-- objects -> a conversation per chat (kind 'chat') and per thread (kind 'thread', parent = chat),
-- thread events -> messages, agents on a thread -> engagements, `rating` property -> rating.
-- Input: livechat__int_records(_row, _line, record, kind, _stream), kind chat | thread | report | other.
-- Agent ids are e-mail addresses in LiveChat; customer ids are UUIDs.
WITH from_chat AS (
    SELECT _row, _line, record ->> 'id' AS chat_id, record -> 'users' AS users,
           unnest(json_extract(record, '$.threads[*]')) AS t
    FROM livechat__int_records WHERE kind = 'chat'
)
SELECT _row, _line, chat_id, users, t, false AS _counted FROM from_chat
UNION ALL
SELECT _row, _line, NULL, NULL, record, true FROM livechat__int_records WHERE kind = 'thread'
