-- Chatwoot messages (API message objects) -> chatwoot__message; activity lines -> stg_event.
-- Input: chatwoot__int_message_records(_row, _line, m JSON, _counted). message_type is 0 incoming (customer),
-- 1 outgoing, 2 activity (system line), 3 template (bot prompt); numbers or names.
-- A human reply is outgoing, sent by a User, not private, with no automation_rule_id or
-- campaign_id (Chatwoot's own rule for first response).
SELECT
    *,
    ss_text(m ->> 'id') AS sid,
    ss_text(m ->> 'conversation_id') AS cid,
    ss_ts(m ->> 'created_at', 'UTC', NULL) AS created_ts,
    CASE lower(m ->> 'message_type') WHEN '0' THEN 'incoming' WHEN '1' THEN 'outgoing'
         WHEN '2' THEN 'activity' WHEN '3' THEN 'template' ELSE lower(m ->> 'message_type') END AS mtype,
    lower(replace(coalesce(m ->> '$.sender.type', (m ->> 'sender_type'), ''), '_', '')) AS sender_type,
    coalesce(m ->> '$.sender.id', (m ->> 'sender_id')) AS sender_id,
    (m ->> 'content') AS content
FROM chatwoot__int_message_records
