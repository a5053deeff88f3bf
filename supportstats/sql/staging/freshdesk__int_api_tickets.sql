-- Freshdesk API v2 objects (GET /tickets?include=stats, /tickets/{id}/conversations,
-- /surveys/satisfaction_ratings, /agents), raw or as Airbyte records.
-- Input: freshdesk__int_records(_row, _line, record, kind, _stream) with kind ticket | reply | rating | agent |
-- survey | other. Times are ISO UTC in the API.
WITH t AS (
    SELECT _row, _line, record AS r,
           ss_text(json_extract_string(record, '$.id')) AS sid,
           ss_ts(json_extract_string(record, '$.created_at'), 'UTC', NULL) AS created_ts,
           ss_ts(json_extract_string(record, '$.stats.first_responded_at'), 'UTC', NULL) AS first_responded_ts,
           ss_ts(json_extract_string(record, '$.stats.resolved_at'), 'UTC', NULL) AS resolved_ts,
           ss_ts(json_extract_string(record, '$.stats.closed_at'), 'UTC', NULL) AS closed_ts,
           ss_ts(json_extract_string(record, '$.stats.reopened_at'), 'UTC', NULL) AS reopened_ts,
           json_extract_string(record, '$.source') AS src_code,
           json_extract_string(record, '$.status') AS status_code
    FROM freshdesk__int_records WHERE kind = 'ticket'
)
SELECT
    $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    sid AS display_number,
    CASE WHEN fd_channel(src_code) = 'chat' THEN 'chat' ELSE 'ticket' END AS kind,
    fd_channel(src_code) AS channel,
    CASE WHEN ss_text(json_extract_string(r, '$.group_id')) IS NOT NULL
         THEN $source_system || ':group:' || json_extract_string(r, '$.group_id') END AS queue_key,
    CASE WHEN ss_text(json_extract_string(r, '$.requester_id')) IS NOT NULL
         THEN $source_system || ':contact:' || json_extract_string(r, '$.requester_id') END AS contact_key,
    CASE WHEN ss_text(json_extract_string(r, '$.responder_id')) IS NOT NULL
         THEN $source_system || ':' || json_extract_string(r, '$.responder_id') END AS assignee_agent_key,
    created_ts AS created_at,
    CASE WHEN src_code = '10' THEN NULL ELSE created_ts END AS first_customer_message_at,
    CASE WHEN src_code = '10' THEN 'agent' ELSE 'customer' END AS initiated_by,
    CASE status_code WHEN '2' THEN 'open' WHEN '3' THEN 'pending' WHEN '4' THEN 'resolved'
         WHEN '5' THEN 'closed' ELSE 'status_' || status_code END AS status_current,
    CASE json_extract_string(r, '$.priority') WHEN '1' THEN 'low' WHEN '2' THEN 'medium'
         WHEN '3' THEN 'high' WHEN '4' THEN 'urgent' END AS priority,
    ss_text(json_extract_string(r, '$.subject')) AS subject,
    CAST(json_extract_string(r, '$.tags[*]') AS VARCHAR[]) AS tags,
    json_extract(r, '$.custom_fields') AS custom_attributes,
    epoch(first_responded_ts) - epoch(created_ts) AS src_first_response_s,
    epoch(resolved_ts) - epoch(created_ts) AS src_full_resolution_s,
    json_object('fr_due_by', json_extract_string(r, '$.fr_due_by'), 'due_by', json_extract_string(r, '$.due_by'),
                'fr_escalated', json_extract(r, '$.fr_escalated'), 'is_escalated', json_extract(r, '$.is_escalated'))
        AS src_sla_json,
    resolved_ts, closed_ts, reopened_ts,
    json_extract_string(r, '$.description_text') AS description_text,
    $batch_id AS batch_id,
    r AS raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'ticket has no id'
         WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(json_extract_string(r, '$.created_at')) || ' is not a date/time'
    END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM t
