-- Before re-deriving a conversation's shortcut rows, drop the ones an earlier file made.
DELETE FROM message WHERE message_key IN (
    SELECT conversation_key || ':first_response' FROM stg_conversation WHERE _reject_reason IS NULL);
DELETE FROM conversation_event WHERE event_key IN (
    SELECT conversation_key || ':resolved' FROM stg_conversation WHERE _reject_reason IS NULL);
DELETE FROM rating WHERE rating_key IN (
    SELECT conversation_key || ':csat' FROM stg_conversation WHERE _reject_reason IS NULL);
