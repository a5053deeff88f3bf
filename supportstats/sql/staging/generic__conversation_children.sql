-- Run after stg_conversation was upserted (duplicates marked), so rejected rows have no children.
-- Shortcut columns become the event-level rows the metrics read.
CREATE OR REPLACE TEMP TABLE stg_conv_message AS
SELECT
    conversation_key || ':first_response' AS message_key,
    conversation_key, source_system, source_id || ':first_response' AS source_id,
    first_response_ts AS created_at, 'agent' AS author_role, assignee_agent_key AS author_agent_key,
    'public' AS visibility, 'none' AS automation, 'text' AS kind, batch_id,
    NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM stg_conversation
WHERE _reject_reason IS NULL AND first_response_ts IS NOT NULL;

CREATE OR REPLACE TEMP TABLE stg_conv_event AS
SELECT
    conversation_key || ':resolved' AS event_key,
    conversation_key, source_system, source_id || ':resolved' AS source_id,
    resolved_ts AS occurred_at, 'resolve' AS event_type, NULL AS from_value,
    'resolved' AS to_value, batch_id,
    NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM stg_conversation
WHERE _reject_reason IS NULL AND resolved_ts IS NOT NULL;

CREATE OR REPLACE TEMP TABLE stg_conv_rating AS
SELECT
    conversation_key || ':csat' AS rating_key,
    conversation_key, source_system, source_id || ':csat' AS source_id,
    coalesce(resolved_ts, created_at) AS rated_at, csat_scale AS scale, csat_v AS raw_value,
    csat_norm AS score_norm,
    CASE WHEN csat_scale = 'binary' OR lower(csat_v) IN ('good', 'bad') THEN csat_norm >= 0.5 ELSE csat_norm >= 0.75 END AS is_positive,
    CASE WHEN csat_scale = 'binary' OR lower(csat_v) IN ('good', 'bad') THEN csat_norm < 0.5 ELSE csat_norm <= 0.25 END AS is_negative,
    assignee_agent_key AS agent_key_at_rating, batch_id,
    NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM stg_conversation
WHERE _reject_reason IS NULL AND csat_v IS NOT NULL;
