-- Run after stg_conversation was upserted: the export's timestamps become the event-level rows
-- the metrics read (the CSV holds no conversation threads). Keys derive from the ticket id, so
-- re-importing a newer export replaces them.
CREATE OR REPLACE TEMP TABLE stg_message AS
SELECT conversation_key || ':opening' AS message_key, conversation_key, source_system,
       source_id || ':opening' AS source_id, created_at, 'customer' AS author_role,
       NULL AS author_agent_key, contact_key AS author_contact_key, 'public' AS visibility,
       'none' AS automation, 'text' AS kind, description_text AS body,
       batch_id, NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL AND initiated_by = 'customer'
UNION ALL
SELECT conversation_key || ':first_response', conversation_key, source_system,
       source_id || ':first_response', first_response_ts, 'agent', assignee_agent_key, NULL,
       'public', 'none', 'text', NULL, batch_id, NULL, NULL, _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL AND first_response_ts IS NOT NULL;

CREATE OR REPLACE TEMP TABLE stg_event AS
SELECT conversation_key || ':resolved' AS event_key, conversation_key, source_system,
       source_id || ':resolved' AS source_id, resolved_ts AS occurred_at, 'resolve' AS event_type,
       'resolved' AS to_value, batch_id, NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason, _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL AND resolved_ts IS NOT NULL
UNION ALL
SELECT conversation_key || ':closed', conversation_key, source_system, source_id || ':closed',
       closed_ts, 'close', 'closed', batch_id, NULL, NULL, _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL AND closed_ts IS NOT NULL;

-- "Survey results" is the answer's label; rank -3..3 -> 0..1 (3-point surveys use -3, 0, 3).
CREATE OR REPLACE TEMP TABLE stg_rating AS
SELECT conversation_key || ':survey' AS rating_key, conversation_key, source_system,
       source_id || ':survey' AS source_id, coalesce(resolved_ts, created_at) AS rated_at,
       'freshdesk' AS scale, survey_text AS raw_value, (survey_rank + 3) / 6.0 AS score_norm,
       survey_rank > 0 AS is_positive, survey_rank < 0 AS is_negative,
       assignee_agent_key AS agent_key_at_rating, batch_id,
       json_object('Survey results', survey_text) AS raw,
       CASE WHEN survey_rank IS NULL THEN 'Survey results' END AS _reject_column,
       CASE WHEN survey_rank IS NULL THEN 'Survey results ' || ss_quote(survey_text)
            || ' is not a Freshdesk satisfaction answer' END AS _reject_reason,
       _row, _line
FROM stg_conversation WHERE _reject_reason IS NULL AND survey_text IS NOT NULL;

-- Agents and groups named only in the export get reference rows (new keys only).
INSERT INTO agent (agent_key, source_system, source_id, name, is_bot, batch_id)
SELECT DISTINCT assignee_agent_key, $source_system, substr(assignee_agent_key, length($source_system) + 2),
       substr(assignee_agent_key, length($source_system) + 2), false, $batch_id
FROM stg_conversation
WHERE _reject_reason IS NULL AND assignee_agent_key IS NOT NULL
  AND assignee_agent_key NOT IN (SELECT agent_key FROM agent);

INSERT INTO queue (queue_key, source_system, source_id, name, batch_id)
SELECT DISTINCT queue_key, $source_system, substr(queue_key, length($source_system) + 8),
       substr(queue_key, length($source_system) + 8), $batch_id
FROM stg_conversation
WHERE _reject_reason IS NULL AND queue_key IS NOT NULL AND queue_key NOT IN (SELECT queue_key FROM queue);
