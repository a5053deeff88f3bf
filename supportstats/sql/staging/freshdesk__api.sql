-- Freshdesk API v2 objects (GET /tickets?include=stats, /tickets/{id}/conversations,
-- /surveys/satisfaction_ratings, /agents), raw or as Airbyte records.
-- Input: stg_fdj(_row, _line, record, kind, _stream) with kind ticket | reply | rating | agent |
-- survey | other. Times are ISO UTC in the API.
CREATE OR REPLACE TEMP TABLE stg_conversation AS
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
    FROM stg_fdj WHERE kind = 'ticket'
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
FROM t;

-- Replies and notes (conversations) of tickets.
CREATE OR REPLACE TEMP TABLE stg_message AS
WITH c AS (
    SELECT _row, _line, record AS r,
           ss_text(json_extract_string(record, '$.id')) AS sid,
           ss_text(json_extract_string(record, '$.ticket_id')) AS tid,
           ss_ts(json_extract_string(record, '$.created_at'), 'UTC', NULL) AS created_ts,
           json_extract_string(record, '$.incoming') = 'true' AS incoming,
           json_extract_string(record, '$.user_id') AS user_id
    FROM stg_fdj WHERE kind = 'reply'
)
SELECT
    $source_system || ':' || sid AS message_key,
    $source_system || ':' || tid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    created_ts AS created_at,
    CASE WHEN incoming THEN 'customer' ELSE 'agent' END AS author_role,
    CASE WHEN NOT incoming AND user_id IS NOT NULL THEN $source_system || ':' || user_id END AS author_agent_key,
    CASE WHEN incoming AND user_id IS NOT NULL THEN $source_system || ':contact:' || user_id END AS author_contact_key,
    CASE WHEN json_extract_string(r, '$.private') = 'true' THEN 'internal' ELSE 'public' END AS visibility,
    CASE WHEN json_extract_string(r, '$.auto_response') = 'true' THEN 'auto_reply'
         WHEN ss_text(json_extract_string(r, '$.automation_id')) IS NOT NULL THEN 'rule'
         ELSE 'none' END AS automation,
    'text' AS kind,
    json_extract_string(r, '$.body_text') AS body,
    $batch_id AS batch_id,
    r AS raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN tid IS NULL THEN 'ticket_id' WHEN created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'conversation has no id'
         WHEN tid IS NULL THEN 'conversation has no ticket_id'
         WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(json_extract_string(r, '$.created_at')) || ' is not a date/time'
    END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM c;

-- Satisfaction ratings: answers are 103 (extremely happy) ... 100 (neutral) ... -103; the
-- rank sign(v) * (|v| - 100) in -3..3 maps to 0..1, which fits 3-, 5- and 7-point surveys.
-- The survey (when in the same file) gives the scale's size.
CREATE OR REPLACE TEMP TABLE stg_rating AS
WITH s AS (
    SELECT json_extract_string(record, '$.id') AS survey_id,
           json_array_length(record, '$.questions[0].accepted_ratings') AS points
    FROM stg_fdj WHERE kind = 'survey'
), x AS (
    SELECT _row, _line, record AS r,
           ss_text(json_extract_string(record, '$.id')) AS sid,
           ss_text(json_extract_string(record, '$.ticket_id')) AS tid,
           json_extract_string(record, '$.survey_id') AS survey_id,
           json_extract_string(record, '$.ratings.default_question') AS v,
           try_cast(json_extract_string(record, '$.ratings.default_question') AS INTEGER) AS iv
    FROM stg_fdj WHERE kind = 'rating'
), y AS (
    SELECT x.*, s.points, CASE WHEN abs(iv) BETWEEN 100 AND 103 THEN sign(iv) * (abs(iv) - 100) END AS rank
    FROM x LEFT JOIN (SELECT DISTINCT * FROM s) s USING (survey_id)
)
SELECT
    $source_system || ':' || sid AS rating_key,
    $source_system || ':' || tid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    ss_ts(json_extract_string(r, '$.created_at'), 'UTC', NULL) AS rated_at,
    coalesce(points || '-level', 'freshdesk') AS scale,
    v AS raw_value,
    (rank + 3) / 6.0 AS score_norm,
    rank > 0 AS is_positive,
    rank < 0 AS is_negative,
    ss_text(json_extract_string(r, '$.feedback')) AS comment,
    CASE WHEN ss_text(json_extract_string(r, '$.agent_id')) IS NOT NULL
         THEN $source_system || ':' || json_extract_string(r, '$.agent_id') END AS agent_key_at_rating,
    CASE WHEN ss_text(json_extract_string(r, '$.group_id')) IS NOT NULL
         THEN $source_system || ':group:' || json_extract_string(r, '$.group_id') END AS team_key_at_rating,
    $batch_id AS batch_id,
    r AS raw,
    CASE WHEN sid IS NULL THEN 'id' WHEN tid IS NULL THEN 'ticket_id' WHEN rank IS NULL THEN 'ratings.default_question' END AS _reject_column,
    CASE WHEN sid IS NULL THEN 'satisfaction rating has no id'
         WHEN tid IS NULL THEN 'satisfaction rating has no ticket_id'
         WHEN rank IS NULL THEN 'rating ' || ss_quote(v) || ' is not a Freshdesk answer (103 ... -103)'
    END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM y;

CREATE OR REPLACE TEMP TABLE stg_agent AS
SELECT
    $source_system || ':' || json_extract_string(record, '$.id') AS agent_key,
    $source_system AS source_system,
    json_extract_string(record, '$.id') AS source_id,
    json_extract_string(record, '$.contact.name') AS name,
    json_extract_string(record, '$.contact.email') AS email,
    json_extract_string(record, '$.type') AS role,
    false AS is_bot,
    try_cast(json_extract_string(record, '$.contact.active') AS BOOLEAN) AS active,
    $batch_id AS batch_id,
    record AS raw,
    CASE WHEN ss_text(json_extract_string(record, '$.id')) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(json_extract_string(record, '$.id')) IS NULL THEN 'agent has no id' END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM stg_fdj WHERE kind = 'agent';

-- Groups (GET /groups): a ticket's group_id is its queue, keyed freshdesk:group:<id>; the
-- group's name lets the export CSV's group names resolve to it (importers/_agents.py).
CREATE OR REPLACE TEMP TABLE stg_queue AS
SELECT
    $source_system || ':group:' || json_extract_string(record, '$.id') AS queue_key,
    $source_system AS source_system,
    json_extract_string(record, '$.id') AS source_id,
    ss_text(json_extract_string(record, '$.name')) AS name,
    NULL::VARCHAR AS channel,
    $batch_id AS batch_id,
    record AS raw,
    CASE WHEN ss_text(json_extract_string(record, '$.id')) IS NULL THEN 'id' END AS _reject_column,
    CASE WHEN ss_text(json_extract_string(record, '$.id')) IS NULL THEN 'group has no id' END AS _reject_reason,
    true AS _counted,
    _row, _line
FROM stg_fdj WHERE kind = 'group';
