SELECT
    $source_system || ':' || sid AS message_key,
    $source_system || ':' || cid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    created_ts AS created_at,
    CASE WHEN mtype = 'incoming' THEN 'customer'
         WHEN mtype = 'activity' THEN 'system'
         WHEN mtype = 'template' THEN 'bot'
         WHEN sender_type = 'user' THEN 'agent'
         WHEN sender_type IN ('agentbot', 'captain::assistant') THEN 'bot'
         ELSE 'system' END AS author_role,
    CASE WHEN mtype = 'outgoing' AND sender_type IN ('user', 'agentbot', 'captain::assistant') AND sender_id IS NOT NULL
         THEN $source_system || ':' || CASE WHEN sender_type = 'user' THEN '' ELSE 'bot:' END || sender_id END AS author_agent_key,
    CASE WHEN mtype = 'incoming' AND sender_id IS NOT NULL THEN $source_system || ':contact:' || sender_id END AS author_contact_key,
    CASE WHEN (m ->> 'private') = 'true' THEN 'internal' ELSE 'public' END AS visibility,
    CASE WHEN ss_text(m ->> '$.content_attributes.automation_rule_id') IS NOT NULL THEN 'rule'
         WHEN ss_text(m ->> '$.additional_attributes.campaign_id') IS NOT NULL THEN 'campaign'
         WHEN mtype = 'template' THEN 'auto_reply'
         WHEN mtype = 'outgoing' AND sender_type = '' THEN 'rule'
         ELSE 'none' END AS automation,
    CASE WHEN mtype = 'activity' THEN 'activity'
         WHEN (m ->> 'content_type') = 'input_csat' THEN 'csat_request'
         WHEN (m ->> 'content_type') IN ('input_email', 'input_select', 'form', 'cards', 'input_text') THEN 'form'
         WHEN (m ->> 'content_type') = 'voice_call' THEN 'call'
         WHEN json_array_length(m, '$.attachments') > 0 AND ss_text(content) IS NULL THEN 'file'
         ELSE 'text' END AS kind,
    content AS body,
    $batch_id AS batch_id,
    m AS raw, m AS _raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN cid IS NULL THEN 'conversation_id' WHEN created_ts IS NULL THEN 'created_at'
         WHEN mtype NOT IN ('incoming', 'outgoing', 'activity', 'template') THEN 'message_type' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'message has no id'
         WHEN cid IS NULL THEN 'message has no conversation_id'
         WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(m ->> 'created_at') || ' is not a unix time'
         WHEN mtype NOT IN ('incoming', 'outgoing', 'activity', 'template')
             THEN 'message_type ' || ss_quote(m ->> 'message_type') || ' is not 0-3 / incoming, outgoing, activity, template'
    END AS _reject_reason,
    _counted, _row, _line
FROM chatwoot__int_messages_typed
