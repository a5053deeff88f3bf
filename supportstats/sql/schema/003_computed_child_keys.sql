-- Schema version 3: message_key, event_key and rating_key are computed from source_system
-- and source_id, as conversation_key is since version 2. Every importer already built them
-- that way (LiveChat messages now carry "thread:event" as their source_id); stored, each
-- was one more long unique string per row to write, about a tenth of a messages import.
-- message.body_len is computed too (every importer stored length(body)).
-- The tables are rebuilt with the same columns in the same order.

CREATE TABLE message_v3 (
    message_key        VARCHAR GENERATED ALWAYS AS (source_system || ':' || source_id) VIRTUAL,
    conversation_key   VARCHAR NOT NULL,
    source_system      VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
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

-- Keys that did not follow the convention (LiveChat's thread:event messages) move into
-- source_id, so the computed key equals the stored one.
INSERT INTO message_v3 (conversation_key, source_system, source_id, created_at, author_role,
    author_agent_key, author_contact_key, visibility, automation, kind, engagement_key, body,
    batch_id, raw)
SELECT conversation_key, source_system, CASE WHEN starts_with(message_key, source_system || ':')
        THEN substr(message_key, length(source_system) + 2) ELSE source_id END,
    created_at, author_role, author_agent_key, author_contact_key, visibility, automation,
    kind, engagement_key, body, batch_id, raw
FROM message;

DROP TABLE message;
ALTER TABLE message_v3 RENAME TO message;

CREATE TABLE conversation_event_v3 (
    event_key        VARCHAR GENERATED ALWAYS AS (source_system || ':' || source_id) VIRTUAL,
    conversation_key VARCHAR NOT NULL,
    source_system    VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL,
    -- created | status | assignee | team | queue | priority | queue_enter | queue_exit |
    -- agent_join | agent_leave | transfer | bot_handoff | reopen | resolve | close | abandon |
    -- sla_apply | sla_breach | merge
    event_type       VARCHAR NOT NULL,
    from_value       VARCHAR,
    to_value         VARCHAR,
    actor_role       VARCHAR,
    actor_agent_key  VARCHAR,
    batch_id         INTEGER,
    raw              JSON
);

INSERT INTO conversation_event_v3 (conversation_key, source_system, source_id, occurred_at,
    event_type, from_value, to_value, actor_role, actor_agent_key, batch_id, raw)
SELECT conversation_key, source_system, CASE WHEN starts_with(event_key, source_system || ':')
        THEN substr(event_key, length(source_system) + 2) ELSE source_id END,
    occurred_at, event_type, from_value, to_value, actor_role, actor_agent_key, batch_id, raw
FROM conversation_event;

DROP TABLE conversation_event;
ALTER TABLE conversation_event_v3 RENAME TO conversation_event;

CREATE TABLE rating_v3 (
    rating_key          VARCHAR GENERATED ALWAYS AS (source_system || ':' || source_id) VIRTUAL,
    conversation_key    VARCHAR NOT NULL,
    source_system       VARCHAR NOT NULL,
    source_id           VARCHAR NOT NULL,
    offered_at          TIMESTAMPTZ,
    rated_at            TIMESTAMPTZ,
    scale               VARCHAR,   -- binary | 1-5 | 1-3 | 3-level | 1-10
    raw_value           VARCHAR,
    score_norm          DOUBLE,    -- 0..1
    is_positive         BOOLEAN,
    is_negative         BOOLEAN,
    comment             VARCHAR,
    reason              VARCHAR,
    agent_key_at_rating VARCHAR,
    team_key_at_rating  VARCHAR,
    batch_id            INTEGER,
    raw                 JSON
);

INSERT INTO rating_v3 (conversation_key, source_system, source_id, offered_at, rated_at,
    scale, raw_value, score_norm, is_positive, is_negative, comment, reason,
    agent_key_at_rating, team_key_at_rating, batch_id, raw)
SELECT conversation_key, source_system, CASE WHEN starts_with(rating_key, source_system || ':')
        THEN substr(rating_key, length(source_system) + 2) ELSE source_id END,
    offered_at, rated_at, scale, raw_value, score_norm, is_positive, is_negative, comment,
    reason, agent_key_at_rating, team_key_at_rating, batch_id, raw
FROM rating;

DROP TABLE rating;
ALTER TABLE rating_v3 RENAME TO rating;
