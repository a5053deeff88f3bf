-- Before re-deriving a conversation's shortcut rows, drop the ones an earlier file made
-- (stg_replaced: the conversation_key of every conversation the file loaded).
DELETE FROM message WHERE message_key IN (
    SELECT conversation_key || ':first_response' FROM stg_replaced);
DELETE FROM conversation_event WHERE event_key IN (
    SELECT conversation_key || ':resolved' FROM stg_replaced);
DELETE FROM rating WHERE rating_key IN (
    SELECT conversation_key || ':csat' FROM stg_replaced);
