-- Zendesk Chat chats -> conversation (kind chat / offline_message, src_* from response_time,
-- missed, duration), history chat.msg -> message, member join/leave -> engagement and
-- agent_join / agent_leave events (other history items are kept as events too), rating and
-- comment -> rating.
-- The chats, typed from one parse of each record, straight into the staged conversations:
-- the record is the row's raw, and the first customer message is read from the typed history
-- in the same pass. What the history steps need besides: zendesk_chat__int_chats.
WITH c AS (
    SELECT _row, _line, record,
        json_transform(record, '{"id": "VARCHAR", "type": "VARCHAR", "timestamp": "VARCHAR",
            "end_timestamp": "VARCHAR", "duration": "DOUBLE", "missed": "VARCHAR",
            "response_time": {"first": "DOUBLE", "avg": "DOUBLE", "max": "DOUBLE"},
            "rating": "VARCHAR", "comment": "VARCHAR", "agent_ids": ["VARCHAR"],
            "agent_names": ["VARCHAR"], "department_id": "VARCHAR", "started_by": "VARCHAR",
            "tags": ["VARCHAR"], "visitor": {"id": "VARCHAR", "name": "VARCHAR"},
            "zendesk_ticket_id": "VARCHAR",
            "history": [{"type": "VARCHAR", "timestamp": "VARCHAR", "nick": "VARCHAR", "name": "VARCHAR"}]}') AS j
    FROM zendesk_chat__int_records WHERE kind = 'chat'
),
typed AS (
    SELECT c.* EXCLUDE (j), j, ss_text(j.id) AS sid, zc_ts(j.timestamp) AS start_ts,
           zc_ts(j.end_timestamp) AS end_ts,
           list_min(list_transform(list_filter(j.history, lambda h: h.type = 'chat.msg'
               AND zc_role(h.nick, h.name, j.agent_names, j.visitor.name) = 'customer'),
               lambda h: zc_ts(h.timestamp))) AS first_customer_msg_at
    FROM c
)
SELECT
    $source_system || ':' || sid AS conversation_key, $source_system AS source_system,
    sid AS source_id, sid AS display_number,
    CASE WHEN j.type = 'offline_msg' THEN 'offline_message' ELSE 'chat' END AS kind,
    $source_system || ':ticket:' || ss_text(j.zendesk_ticket_id) AS parent_key,
    'chat' AS channel,
    $source_system || ':' || ss_text(j.department_id) AS queue_key,
    $source_system || ':' || ss_text(j.department_id) AS team_key,
    $source_system || ':' || ss_text(j.visitor.id) AS contact_key,
    $source_system || ':' || j.agent_ids[-1] AS assignee_agent_key,
    start_ts AS created_at,
    first_customer_msg_at AS first_customer_message_at,
    CASE lower(j.started_by) WHEN 'visitor' THEN 'customer' WHEN 'agent' THEN 'agent'
        WHEN 'trigger' THEN 'trigger' END AS initiated_by,
    CASE WHEN ss_bool(j.missed) THEN 'missed' WHEN j.type = 'offline_msg' THEN 'closed'
         WHEN end_ts IS NOT NULL THEN 'closed' ELSE 'open' END AS status_current,
    j.tags AS tags,
    json_object('department_id', j.department_id, 'zendesk_ticket_id', j.zendesk_ticket_id,
                'started_by', j.started_by) AS custom_attributes,
    j.response_time.first AS src_first_response_s, j.response_time.avg AS src_response_avg_s,
    j.response_time.max AS src_response_max_s, ss_bool(j.missed) AS src_missed,
    j.duration AS src_duration_s,
    $batch_id AS batch_id, record AS raw,
    -- the record's text for the rejects only (good rows need no second copy)
    CASE WHEN sid IS NULL OR start_ts IS NULL THEN record::VARCHAR END AS _raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN start_ts IS NULL THEN 'timestamp' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'chat has no id'
         WHEN start_ts IS NULL THEN 'timestamp ' || ss_quote(j.timestamp) || ' is not a date/time' END AS _reject_reason,
    _row, _line
FROM typed
