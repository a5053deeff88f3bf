-- Zendesk Support satisfaction ratings (legacy CSAT, good/bad) -> rating. The
-- tickets' embedded ratings come from the staged tickets (stg_zd_conversation, written by
-- zendesk__tickets.sql, not yet split into models).
-- 'offered' is a survey sent and not answered: a row with no score (an offer, not a
-- response). 'unoffered' is no survey at all: skipped with that rule. The agent credited
-- is the rating's assignee at rating time, else the ticket's assignee (file, then warehouse).
WITH src AS (
    SELECT _row, _line, record, json_transform(record, '{"id": "VARCHAR", "ticket_id": "VARCHAR",
               "score": "VARCHAR", "comment": "VARCHAR", "reason": "VARCHAR",
               "assignee_id": "VARCHAR", "group_id": "VARCHAR", "created_at": "VARCHAR",
               "updated_at": "VARCHAR"}') AS j
    FROM zendesk__int_records WHERE kind = 'rating'
    UNION ALL
    -- a rating embedded in a ticket, when no satisfaction_ratings record of the file has it
    -- numbered after the rating records, so _row stays unique in this table
    SELECT t._row + (SELECT count(*) FROM zendesk__int_records WHERE kind = 'rating'), t._line,
           t._sat,
           struct_pack(id := t.s.id, ticket_id := t._sat_ticket_id,
               score := t.s.score, comment := t.s.comment, reason := t.s.reason,
               assignee_id := NULL::VARCHAR, group_id := NULL::VARCHAR,
               created_at := NULL::VARCHAR, updated_at := NULL::VARCHAR)
    FROM (SELECT _row, _line, _sat, _sat_ticket_id,
                 json_transform(_sat, '{"id": "VARCHAR", "score": "VARCHAR", "comment": "VARCHAR",
                     "reason": "VARCHAR"}') AS s
          FROM stg_zd_conversation WHERE json_type(_sat) = 'OBJECT') t
    WHERE ss_text(t.s.id) IS NOT NULL
      AND lower(t.s.score) IN ('good', 'bad', 'offered')
      AND t.s.id NOT IN (
          SELECT record ->> '$.id' FROM zendesk__int_records WHERE kind = 'rating' AND record ->> '$.id' IS NOT NULL)
),
typed AS (
    SELECT src.*, lower(trim(j.score)) AS score,
           ss_ts(j.created_at, 'UTC', NULL) AS created_ts,
           ss_ts(coalesce(j.updated_at, j.created_at), 'UTC', NULL) AS updated_ts,
           $source_system || ':' || ss_text(j.ticket_id) AS conversation_key
    FROM src
)
SELECT
    $source_system || ':' || ss_text(t.j.id) AS rating_key, t.conversation_key,
    $source_system AS source_system, ss_text(t.j.id) AS source_id,
    t.created_ts AS offered_at,
    CASE WHEN t.score IN ('good', 'bad') THEN t.updated_ts END AS rated_at,
    'binary' AS scale, t.score AS raw_value,
    CASE t.score WHEN 'good' THEN 1.0 WHEN 'bad' THEN 0.0 END::DOUBLE AS score_norm,
    CASE WHEN t.score IN ('good', 'bad') THEN t.score = 'good' END AS is_positive,
    CASE WHEN t.score IN ('good', 'bad') THEN t.score = 'bad' END AS is_negative,
    ss_text(t.j.comment) AS comment, ss_text(t.j.reason) AS reason,
    coalesce($source_system || ':' || ss_text(t.j.assignee_id), c.assignee_agent_key, old.assignee_agent_key) AS agent_key_at_rating,
    coalesce($source_system || ':' || ss_text(t.j.group_id), c.team_key, old.team_key) AS team_key_at_rating,
    $batch_id AS batch_id, t.record AS raw, t.record::VARCHAR AS _raw,
    CASE WHEN ss_text(t.j.id) IS NULL THEN 'id' WHEN ss_text(t.j.ticket_id) IS NULL THEN 'ticket_id'
         WHEN t.score IS NULL OR t.score NOT IN ('good', 'bad', 'offered') THEN 'score' END AS _reject_column,
    -- 'unoffered' is a rule of Zendesk, not a defect: skipped (listed by db rejects --skipped)
    ss_text(t.j.id) IS NOT NULL AND ss_text(t.j.ticket_id) IS NOT NULL
        AND t.score = 'unoffered' AS _skipped,
    CASE WHEN ss_text(t.j.id) IS NULL THEN 'satisfaction rating has no id'
         WHEN ss_text(t.j.ticket_id) IS NULL THEN 'satisfaction rating has no ticket_id'
         WHEN t.score = 'unoffered' THEN 'score unoffered skipped: Zendesk marks a ticket no satisfaction survey was sent for as unoffered, so there is no rating'
         WHEN t.score IS NULL OR t.score NOT IN ('good', 'bad', 'offered')
         THEN 'score ' || ss_quote(t.j.score) || ' is not good, bad or offered' END AS _reject_reason,
    t._row, t._line
FROM typed t
LEFT JOIN (SELECT conversation_key, assignee_agent_key, team_key FROM stg_zd_conversation
           WHERE _reject_reason IS NULL) c USING (conversation_key)
LEFT JOIN conversation old ON old.conversation_key = t.conversation_key
