-- Shortcut columns of a conversations file become the event-level rows the metrics read.
-- Run after stg_conversation was upserted (duplicates marked), so rejected rows have none.
-- Their keys are computed (schema 3): source_system || ':' || source_id.
INSERT INTO message (conversation_key, source_system, source_id, created_at, author_role,
                     author_agent_key, visibility, automation, kind, batch_id)
SELECT
    conversation_key, source_system,
    source_id || ':first_response', first_response_ts, 'agent', assignee_agent_key,
    'public', 'none', 'text', batch_id
FROM stg_conversation
WHERE _reject_reason IS NULL AND first_response_ts IS NOT NULL;

INSERT INTO conversation_event (conversation_key, source_system, source_id, occurred_at,
                                event_type, to_value, actor_agent_key, batch_id)
SELECT
    conversation_key, source_system,
    source_id || ':resolved', resolved_ts, 'resolve', 'resolved', assignee_agent_key, batch_id
FROM stg_conversation
WHERE _reject_reason IS NULL AND resolved_ts IS NOT NULL;

INSERT INTO rating (conversation_key, source_system, source_id, rated_at, scale, raw_value,
                    score_norm, is_positive, is_negative, agent_key_at_rating, batch_id)
SELECT
    conversation_key, source_system, source_id || ':csat',
    coalesce(resolved_ts, created_at), csat_scale, csat_v, csat_norm,
    CASE WHEN csat_scale = 'binary' OR lower(csat_v) IN ('good', 'bad') THEN csat_norm >= 0.5 ELSE csat_norm >= 0.75 END,
    CASE WHEN csat_scale = 'binary' OR lower(csat_v) IN ('good', 'bad') THEN csat_norm < 0.5 ELSE csat_norm <= 0.25 END,
    assignee_agent_key, batch_id
FROM stg_conversation
WHERE _reject_reason IS NULL AND csat_v IS NOT NULL;
