-- Intercom conversations (REST API 2.x objects, or Airbyte `conversations` records)
-- -> conversation. Input: intercom__int_records(_row, _line, record, kind, _stream).
-- Durations in `statistics` are office-hours seconds (Intercom subtracts closed hours), so they
-- go to the *_bh_s columns; calendar src_* values come from Intercom's own timestamps.
WITH c AS (
    SELECT
        _row, _line, record AS r,
        ss_text(record ->> 'id') AS sid,
        ss_ts(record ->> 'created_at', 'UTC', NULL) AS created_ts,
        (record -> 'statistics') AS st,
        lower(coalesce(record ->> '$.source.type', '')) AS source_type,
        (record ->> '$.source.delivered_as') AS delivered_as
    FROM intercom__int_records
    WHERE kind = 'conversation'
)
SELECT
    $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    sid AS display_number,
    CASE WHEN source_type IN ('phone_call', 'call') THEN 'call'
         WHEN source_type IN ('email') THEN 'ticket'
         WHEN (r -> 'ticket') IS NOT NULL AND json_type(r, '$.ticket') = 'OBJECT' THEN 'ticket'
         ELSE 'chat' END AS kind,
    CASE WHEN source_type IN ('conversation', 'chat', 'push', '') THEN 'chat'
         WHEN source_type IN ('phone_call', 'call') THEN 'voice'
         ELSE ss_channel(source_type) END AS channel,
    CASE WHEN ss_text(r ->> 'team_assignee_id') IS NOT NULL
         THEN $source_system || ':team:' || (r ->> 'team_assignee_id') END AS team_key,
    CASE WHEN ss_text(r ->> '$.contacts.contacts[0].id') IS NOT NULL
         THEN $source_system || ':' || (r ->> '$.contacts.contacts[0].id') END AS contact_key,
    CASE WHEN ss_text(r ->> 'admin_assignee_id') IS NOT NULL
             THEN $source_system || ':' || (r ->> 'admin_assignee_id')
         WHEN (r ->> '$.assignee.type') = 'admin'
             THEN $source_system || ':' || (r ->> '$.assignee.id') END AS assignee_agent_key,
    created_ts AS created_at,
    coalesce(ss_ts(st ->> 'first_contact_reply_at', 'UTC', NULL),
             CASE WHEN delivered_as = 'customer_initiated' THEN created_ts END) AS first_customer_message_at,
    CASE delivered_as
        WHEN 'customer_initiated' THEN 'customer'
        WHEN 'admin_initiated' THEN 'agent'
        WHEN 'operator_initiated' THEN 'bot'
        WHEN 'automated' THEN 'trigger'
        WHEN 'campaigns_initiated' THEN 'trigger'
        ELSE lower(delivered_as) END AS initiated_by,
    CASE lower(r ->> 'state') WHEN 'snoozed' THEN 'on_hold' ELSE lower(r ->> 'state') END AS status_current,
    CASE (r ->> 'priority') WHEN 'priority' THEN 'high' WHEN 'not_priority' THEN 'normal' END AS priority,
    coalesce(ss_text(r ->> 'title'), ss_text(r ->> '$.source.subject')) AS subject,
    CAST(json_extract_string(r, '$.tags.tags[*].name') AS VARCHAR[]) AS tags,
    (r -> 'custom_attributes') AS custom_attributes,
    -- Calendar durations from Intercom's own timestamps (anchor = first_contact_reply_at).
    epoch(ss_ts(st ->> 'first_admin_reply_at', 'UTC', NULL))
        - epoch(coalesce(ss_ts(st ->> 'first_contact_reply_at', 'UTC', NULL), created_ts)) AS src_first_response_s,
    try_cast(st ->> 'time_to_admin_reply' AS DOUBLE) AS src_first_response_bh_s,
    epoch(ss_ts(st ->> 'last_close_at', 'UTC', NULL)) - epoch(created_ts) AS src_full_resolution_s,
    try_cast(st ->> 'time_to_last_close' AS DOUBLE) AS src_full_resolution_bh_s,
    epoch(ss_ts(st ->> 'first_close_at', 'UTC', NULL)) - epoch(created_ts) AS src_first_resolution_s,
    try_cast(st ->> 'count_reopens' AS INTEGER) AS src_reopens,
    $batch_id AS batch_id,
    r AS raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'conversation has no id'
         WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(r ->> 'created_at') || ' is not a unix time'
    END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM c
