-- "Survey results" is the answer's label; rank -3..3 -> 0..1 (3-point surveys use -3, 0, 3).
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
FROM freshdesk__int_kept_csv_tickets WHERE _reject_reason IS NULL AND survey_text IS NOT NULL
