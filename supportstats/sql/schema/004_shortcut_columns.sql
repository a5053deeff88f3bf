-- Schema version 4: a conversations file's shortcut columns (first_response_at, resolved_at,
-- csat, csat_scale) are stored on the conversation, and the views message_all,
-- conversation_event_all and rating_all show each as the row it stands for: a public agent
-- message, a resolve event, a rating. Until version 3 the import wrote those rows out:
-- 10M conversations made 22.5M more rows in three tables, as long to write as reading the
-- whole file. The metrics read the *_all views, so their numbers do not change.
--
-- Each column costs a file without shortcut columns about 1 % of its import time (DuckDB
-- writes an always-NULL column too); that is why the score is not stored as well: the
-- macros below compute it from the raw value and the scale, for the importer and the view.

ALTER TABLE conversation ADD COLUMN first_response_at TIMESTAMPTZ; -- as the export gives it
ALTER TABLE conversation ADD COLUMN resolved_at TIMESTAMPTZ;
ALTER TABLE conversation ADD COLUMN csat VARCHAR;                  -- the rating as given
ALTER TABLE conversation ADD COLUMN csat_scale VARCHAR;            -- 1-5 | 1-3 | 1-10 | 0-10 | binary

-- A 1-5 / 0-10 / good-bad rating text to a score 0..1; positive = >= 4 of 5 (and "good").
CREATE MACRO ss_rating_norm(v, scale) AS (
    CASE
        WHEN lower(v) IN ('good', 'great', 'positive', 'thumbs_up', 'yes', 'satisfied', '👍') THEN 1.0
        WHEN lower(v) IN ('bad', 'poor', 'negative', 'thumbs_down', 'no', 'unsatisfied', '👎') THEN 0.0
        WHEN lower(v) IN ('okay', 'ok', 'neutral') THEN 0.5
        WHEN scale = '1-5' THEN (try_cast(v AS DOUBLE) - 1) / 4
        WHEN scale = '1-3' THEN (try_cast(v AS DOUBLE) - 1) / 2
        WHEN scale = '1-10' THEN (try_cast(v AS DOUBLE) - 1) / 9
        WHEN scale = '0-10' THEN try_cast(v AS DOUBLE) / 10
        WHEN scale = 'binary' THEN try_cast(v AS DOUBLE)
    END
);
CREATE MACRO ss_rating_positive(v, scale) AS (
    CASE WHEN scale = 'binary' OR lower(v) IN ('good', 'bad') THEN ss_rating_norm(v, scale) >= 0.5
         ELSE ss_rating_norm(v, scale) >= 0.75 END
);
CREATE MACRO ss_rating_negative(v, scale) AS (
    CASE WHEN scale = 'binary' OR lower(v) IN ('good', 'bad') THEN ss_rating_norm(v, scale) < 0.5
         ELSE ss_rating_norm(v, scale) <= 0.25 END
);

CREATE VIEW message_all AS
SELECT * FROM message
UNION ALL BY NAME
SELECT source_system || ':' || source_id || ':first_response' AS message_key, conversation_key,
       source_system, source_id || ':first_response' AS source_id,
       first_response_at AS created_at, 'agent' AS author_role,
       assignee_agent_key AS author_agent_key, 'public' AS visibility, 'none' AS automation,
       'text' AS kind, batch_id
FROM conversation WHERE first_response_at IS NOT NULL;

CREATE VIEW conversation_event_all AS
SELECT * FROM conversation_event
UNION ALL BY NAME
SELECT source_system || ':' || source_id || ':resolved' AS event_key, conversation_key,
       source_system, source_id || ':resolved' AS source_id, resolved_at AS occurred_at,
       'resolve' AS event_type, 'resolved' AS to_value, assignee_agent_key AS actor_agent_key,
       batch_id
FROM conversation WHERE resolved_at IS NOT NULL;

CREATE VIEW rating_all AS
SELECT * FROM rating
UNION ALL BY NAME
SELECT source_system || ':' || source_id || ':csat' AS rating_key, conversation_key,
       source_system, source_id || ':csat' AS source_id,
       coalesce(resolved_at, created_at) AS rated_at, csat_scale AS scale, csat AS raw_value,
       ss_rating_norm(csat, csat_scale) AS score_norm,
       ss_rating_positive(csat, csat_scale) AS is_positive,
       ss_rating_negative(csat, csat_scale) AS is_negative,
       assignee_agent_key AS agent_key_at_rating, batch_id
FROM conversation WHERE csat IS NOT NULL;

-- Rows that version 3 derived from shortcut columns become those columns again: only rows
-- exactly as the view shows them (same conversation, batch, agent and constants), so moving
-- them changes nothing the metrics or an analyst reading the *_all views see.
CREATE TEMP TABLE v4_first_response AS
SELECT m.source_system, m.source_id, c.source_id AS conversation_id, m.created_at
FROM message m JOIN conversation c
  ON m.source_system = c.source_system AND m.source_id = c.source_id || ':first_response'
WHERE m.conversation_key = c.conversation_key AND m.batch_id IS NOT DISTINCT FROM c.batch_id
  AND m.author_role = 'agent' AND m.author_agent_key IS NOT DISTINCT FROM c.assignee_agent_key
  AND m.author_contact_key IS NULL AND m.visibility = 'public' AND m.automation = 'none'
  AND m.kind = 'text' AND m.engagement_key IS NULL AND m.body IS NULL AND m.raw IS NULL;
UPDATE conversation c SET first_response_at = x.created_at FROM v4_first_response x
WHERE c.source_system = x.source_system AND c.source_id = x.conversation_id;
DELETE FROM message WHERE (source_system, source_id) IN
    (SELECT source_system, source_id FROM v4_first_response);

CREATE TEMP TABLE v4_resolved AS
SELECT e.source_system, e.source_id, c.source_id AS conversation_id, e.occurred_at
FROM conversation_event e JOIN conversation c
  ON e.source_system = c.source_system AND e.source_id = c.source_id || ':resolved'
WHERE e.conversation_key = c.conversation_key AND e.batch_id IS NOT DISTINCT FROM c.batch_id
  AND e.event_type = 'resolve' AND e.from_value IS NULL AND e.to_value = 'resolved'
  AND e.actor_role IS NULL AND e.actor_agent_key IS NOT DISTINCT FROM c.assignee_agent_key
  AND e.raw IS NULL;
UPDATE conversation c SET resolved_at = x.occurred_at FROM v4_resolved x
WHERE c.source_system = x.source_system AND c.source_id = x.conversation_id;
DELETE FROM conversation_event WHERE (source_system, source_id) IN
    (SELECT source_system, source_id FROM v4_resolved);

-- After the resolve events moved: a rating's time is the resolution's, else the creation's.
CREATE TEMP TABLE v4_csat AS
SELECT r.source_system, r.source_id, c.source_id AS conversation_id, r.raw_value, r.scale
FROM rating r JOIN conversation c
  ON r.source_system = c.source_system AND r.source_id = c.source_id || ':csat'
WHERE r.conversation_key = c.conversation_key AND r.batch_id IS NOT DISTINCT FROM c.batch_id
  AND r.rated_at = coalesce(c.resolved_at, c.created_at) AND r.offered_at IS NULL
  AND r.raw_value IS NOT NULL AND r.score_norm = ss_rating_norm(r.raw_value, r.scale)
  AND r.is_positive = ss_rating_positive(r.raw_value, r.scale)
  AND r.is_negative = ss_rating_negative(r.raw_value, r.scale)
  AND r.comment IS NULL AND r.reason IS NULL
  AND r.agent_key_at_rating IS NOT DISTINCT FROM c.assignee_agent_key
  AND r.team_key_at_rating IS NULL AND r.raw IS NULL;
UPDATE conversation c SET csat = x.raw_value, csat_scale = x.scale FROM v4_csat x
WHERE c.source_system = x.source_system AND c.source_id = x.conversation_id;
DELETE FROM rating WHERE (source_system, source_id) IN
    (SELECT source_system, source_id FROM v4_csat);

DROP TABLE v4_first_response;
DROP TABLE v4_resolved;
DROP TABLE v4_csat;
