-- Chatwoot conversation objects (GET /conversations, /conversations/{id}) -> chatwoot__conversation.
-- id is the display id (the one messages and CSAT links use). first_reply_created_at and
-- waiting_since are 0 when unset (Ruby .to_i).
WITH c AS (
    SELECT _row, _line, record AS r, ss_text(record ->> 'id') AS sid,
           ss_ts(record ->> 'created_at', 'UTC', NULL) AS created_ts,
           CASE WHEN try_cast(record ->> 'first_reply_created_at' AS DOUBLE) > 0
                THEN ss_ts(record ->> 'first_reply_created_at', 'UTC', NULL) END AS first_reply_ts
    FROM chatwoot__int_records WHERE kind = 'conversation'
)
SELECT
    $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    sid AS display_number,
    CASE WHEN ss_channel(replace(lower(r ->> '$.meta.channel'), 'channel::', '')) = 'voice' THEN 'call'
         WHEN ss_channel(replace(lower(r ->> '$.meta.channel'), 'channel::', '')) = 'email' THEN 'ticket'
         ELSE 'chat' END AS kind,
    CASE replace(lower(r ->> '$.meta.channel'), 'channel::', '')
        WHEN 'webwidget' THEN 'chat' WHEN 'email' THEN 'email' WHEN 'api' THEN 'api'
        WHEN 'twilliosms' THEN 'messaging' WHEN 'twiliosms' THEN 'messaging' WHEN 'sms' THEN 'messaging'
        WHEN 'whatsapp' THEN 'messaging' WHEN 'facebookpage' THEN 'messaging' WHEN 'telegram' THEN 'messaging'
        WHEN 'line' THEN 'messaging' WHEN 'instagram' THEN 'messaging' WHEN 'twitterprofile' THEN 'social'
        ELSE ss_channel(replace(lower(r ->> '$.meta.channel'), 'channel::', '')) END AS channel,
    CASE WHEN ss_text(r ->> 'inbox_id') IS NOT NULL THEN $source_system || ':inbox:' || (r ->> 'inbox_id') END AS queue_key,
    CASE WHEN ss_text(r ->> '$.meta.team.id') IS NOT NULL THEN $source_system || ':team:' || (r ->> '$.meta.team.id') END AS team_key,
    CASE WHEN ss_text(r ->> '$.meta.sender.id') IS NOT NULL THEN $source_system || ':contact:' || (r ->> '$.meta.sender.id') END AS contact_key,
    CASE WHEN ss_text(r ->> '$.meta.assignee.id') IS NOT NULL
         THEN $source_system || ':' || CASE WHEN (r ->> '$.meta.assignee_type') = 'AgentBot' THEN 'bot:' ELSE '' END
              || (r ->> '$.meta.assignee.id') END AS assignee_agent_key,
    created_ts AS created_at,
    lower(r ->> 'status') AS status_current,
    lower(ss_text(r ->> 'priority')) AS priority,
    CAST(json_extract_string(r, '$.labels[*]') AS VARCHAR[]) AS tags,
    (r -> 'custom_attributes') AS custom_attributes,
    epoch(first_reply_ts) - epoch(created_ts) AS src_first_response_s,
    $batch_id AS batch_id,
    r AS raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'conversation has no id'
         WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(r ->> 'created_at') || ' is not a unix time' END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM c
