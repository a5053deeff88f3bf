-- Before re-deriving a conversation's shortcut rows, drop the ones an earlier file made
-- (stg_replaced: source_system and source_id of every conversation the file loaded). The
-- keys are computed from these two columns; matching on them builds no key strings.
DELETE FROM message WHERE (source_system, source_id) IN (
    SELECT source_system, source_id || ':first_response' FROM stg_replaced);
DELETE FROM conversation_event WHERE (source_system, source_id) IN (
    SELECT source_system, source_id || ':resolved' FROM stg_replaced);
DELETE FROM rating WHERE (source_system, source_id) IN (
    SELECT source_system, source_id || ':csat' FROM stg_replaced);
