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
--
-- conversation.source_id and message.source_id are stored uncompressed: nearly every value
-- is unique, and DuckDB's default string compression spent more time looking for repeats
-- than the rest of the column's write (10M conversations: 1.15 s against 0.52 s; a messages
-- import about 15 % faster), for about 9 bytes a row more on disk.

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

-- Rows that version 3 derived from shortcut columns become those columns again: only rows
-- exactly as the views show them (same conversation, batch, agent and constants), so moving
-- them changes nothing the metrics or an analyst reading the *_all views see.
CREATE TEMP TABLE v4_first_response AS
SELECT m.source_system, m.source_id, c.source_id AS conversation_id, m.created_at
FROM message m JOIN conversation c
  ON m.source_system = c.source_system AND m.source_id = c.source_id || ':first_response'
WHERE m.conversation_key = c.conversation_key AND m.batch_id IS NOT DISTINCT FROM c.batch_id
  AND m.author_role = 'agent' AND m.author_agent_key IS NOT DISTINCT FROM c.assignee_agent_key
  AND m.author_contact_key IS NULL AND m.visibility = 'public' AND m.automation = 'none'
  AND m.kind = 'text' AND m.engagement_key IS NULL AND m.body IS NULL AND m.raw IS NULL;

CREATE TEMP TABLE v4_resolved AS
SELECT e.source_system, e.source_id, c.source_id AS conversation_id, e.occurred_at
FROM conversation_event e JOIN conversation c
  ON e.source_system = c.source_system AND e.source_id = c.source_id || ':resolved'
WHERE e.conversation_key = c.conversation_key AND e.batch_id IS NOT DISTINCT FROM c.batch_id
  AND e.event_type = 'resolve' AND e.from_value IS NULL AND e.to_value = 'resolved'
  AND e.actor_role IS NULL AND e.actor_agent_key IS NOT DISTINCT FROM c.assignee_agent_key
  AND e.raw IS NULL;

-- A rating's time is the resolution's (as moved above), else the creation's.
CREATE TEMP TABLE v4_csat AS
SELECT r.source_system, r.source_id, c.source_id AS conversation_id, r.raw_value, r.scale
FROM rating r JOIN conversation c
  ON r.source_system = c.source_system AND r.source_id = c.source_id || ':csat'
LEFT JOIN v4_resolved x ON x.source_system = c.source_system AND x.conversation_id = c.source_id
WHERE r.conversation_key = c.conversation_key AND r.batch_id IS NOT DISTINCT FROM c.batch_id
  AND r.rated_at = coalesce(x.occurred_at, c.created_at) AND r.offered_at IS NULL
  AND r.raw_value IS NOT NULL AND r.score_norm = ss_rating_norm(r.raw_value, r.scale)
  AND r.is_positive = ss_rating_positive(r.raw_value, r.scale)
  AND r.is_negative = ss_rating_negative(r.raw_value, r.scale)
  AND r.comment IS NULL AND r.reason IS NULL
  AND r.agent_key_at_rating IS NOT DISTINCT FROM c.assignee_agent_key
  AND r.team_key_at_rating IS NULL AND r.raw IS NULL;

CREATE TABLE conversation_v4 (
    conversation_key   VARCHAR GENERATED ALWAYS AS (source_system || ':' || source_id) VIRTUAL,
    source_system      VARCHAR NOT NULL,
    source_id          VARCHAR USING COMPRESSION uncompressed NOT NULL,
    kind               VARCHAR,   -- ticket | chat | offline_message | call | thread
    channel            VARCHAR,   -- email | chat | messaging | voice | social | api | web
    queue_key          VARCHAR,
    team_key           VARCHAR,
    contact_key        VARCHAR,
    assignee_agent_key VARCHAR,   -- current (or last) assignee as exported
    created_at         TIMESTAMPTZ NOT NULL,
    initiated_by       VARCHAR,   -- customer | agent | bot | trigger | system
    status_current     VARCHAR,   -- new | open | pending | on_hold | resolved | closed | missed
    priority           VARCHAR,
    subject            VARCHAR,
    tags               VARCHAR[],
    source_timezone    VARCHAR,   -- set when the source gave local times
    batch_id           INTEGER,
    raw                JSON,
    first_response_at  TIMESTAMPTZ, -- the shortcut columns, as the export gives them
    resolved_at        TIMESTAMPTZ,
    csat               VARCHAR,     -- the rating as given
    csat_scale         VARCHAR      -- 1-5 | 1-3 | 1-10 | 0-10 | binary
);

INSERT INTO conversation_v4 (source_system, source_id, kind, channel, queue_key, team_key,
    contact_key, assignee_agent_key, created_at, initiated_by, status_current, priority,
    subject, tags, source_timezone, batch_id, raw, first_response_at, resolved_at, csat,
    csat_scale)
SELECT c.source_system, c.source_id, c.kind, c.channel, c.queue_key, c.team_key,
    c.contact_key, c.assignee_agent_key, c.created_at, c.initiated_by, c.status_current,
    c.priority, c.subject, c.tags, c.source_timezone, c.batch_id, c.raw, f.created_at,
    r.occurred_at, s.raw_value, s.scale
FROM conversation c
LEFT JOIN v4_first_response f ON f.source_system = c.source_system AND f.conversation_id = c.source_id
LEFT JOIN v4_resolved r ON r.source_system = c.source_system AND r.conversation_id = c.source_id
LEFT JOIN v4_csat s ON s.source_system = c.source_system AND s.conversation_id = c.source_id;

DROP TABLE conversation;
ALTER TABLE conversation_v4 RENAME TO conversation;

CREATE TABLE message_v4 (
    message_key        VARCHAR GENERATED ALWAYS AS (source_system || ':' || source_id) VIRTUAL,
    conversation_key   VARCHAR NOT NULL,
    source_system      VARCHAR NOT NULL,
    source_id          VARCHAR USING COMPRESSION uncompressed NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    author_role        VARCHAR NOT NULL, -- customer | agent | bot | system | third_party
    author_agent_key   VARCHAR,
    author_contact_key VARCHAR,
    visibility         VARCHAR NOT NULL DEFAULT 'public', -- public | internal
    automation         VARCHAR NOT NULL DEFAULT 'none',   -- none | rule | campaign | trigger | auto_reply | greeting
    kind               VARCHAR DEFAULT 'text', -- text | file | form | csat_request | csat_response | activity | call
    engagement_key     VARCHAR,
    body               VARCHAR,
    body_len           INTEGER GENERATED ALWAYS AS (length(body)) VIRTUAL,
    batch_id           INTEGER,
    raw                JSON
);

INSERT INTO message_v4 (conversation_key, source_system, source_id, created_at, author_role,
    author_agent_key, author_contact_key, visibility, automation, kind, engagement_key, body,
    batch_id, raw)
SELECT conversation_key, source_system, source_id, created_at, author_role, author_agent_key,
    author_contact_key, visibility, automation, kind, engagement_key, body, batch_id, raw
FROM message
WHERE (source_system, source_id) NOT IN (SELECT source_system, source_id FROM v4_first_response);

DROP TABLE message;
ALTER TABLE message_v4 RENAME TO message;

DELETE FROM conversation_event WHERE (source_system, source_id) IN
    (SELECT source_system, source_id FROM v4_resolved);
DELETE FROM rating WHERE (source_system, source_id) IN
    (SELECT source_system, source_id FROM v4_csat);

DROP TABLE v4_first_response;
DROP TABLE v4_resolved;
DROP TABLE v4_csat;

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
