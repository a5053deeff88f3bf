-- Schema version 2: what a source system says about a conversation beyond the canonical
-- core moves from conversation to conversation_source, and conversation_key is computed.
--
-- conversation_source holds what only some vendor exports say: the display number, links to
-- a parent or an earlier ticket, the first customer message time when the export gives it
-- apart from the messages, custom fields, and the figures the vendor computed itself (src_*:
-- never overwritten by ours; metrics/reconcile.py sets ours beside them). One row per
-- conversation that has any of them. Most imports have none: the generic format and the
-- public data sets. Kept in conversation, those 20 always-NULL columns cost an import about
-- 15 ns a row each (a third of writing a 10M-row conversations file).
-- conversation_with_source joins the two back for analysts who want every column.

CREATE TABLE conversation_source (
    conversation_key          VARCHAR NOT NULL,
    display_number            VARCHAR,
    parent_key                VARCHAR,   -- a thread's chat (LiveChat), a chat's ticket (Zendesk)
    followup_of_key           VARCHAR,   -- the closed ticket this one follows up (Zendesk)
    first_customer_message_at TIMESTAMPTZ, -- when the export says so beyond its messages
    custom_attributes         JSON,
    src_first_response_s      DOUBLE,
    src_first_response_bh_s   DOUBLE,
    src_full_resolution_s     DOUBLE,
    src_full_resolution_bh_s  DOUBLE,
    src_first_resolution_s    DOUBLE,
    src_requester_wait_s      DOUBLE,
    src_agent_wait_s          DOUBLE,
    src_on_hold_s             DOUBLE,
    src_reopens               INTEGER,
    src_replies               INTEGER,
    src_missed                BOOLEAN,
    src_duration_s            DOUBLE,
    src_response_avg_s        DOUBLE,
    src_response_max_s        DOUBLE,
    src_sla_json              JSON,
    batch_id                  INTEGER
);

INSERT INTO conversation_source
SELECT conversation_key, display_number, parent_key, followup_of_key, first_customer_message_at, custom_attributes, src_first_response_s, src_first_response_bh_s, src_full_resolution_s, src_full_resolution_bh_s, src_first_resolution_s, src_requester_wait_s, src_agent_wait_s, src_on_hold_s, src_reopens, src_replies, src_missed, src_duration_s, src_response_avg_s, src_response_max_s, src_sla_json, batch_id
FROM conversation
WHERE NOT (display_number IS NULL AND parent_key IS NULL AND followup_of_key IS NULL AND first_customer_message_at IS NULL AND custom_attributes IS NULL AND src_first_response_s IS NULL AND src_first_response_bh_s IS NULL AND src_full_resolution_s IS NULL AND src_full_resolution_bh_s IS NULL AND src_first_resolution_s IS NULL AND src_requester_wait_s IS NULL AND src_agent_wait_s IS NULL AND src_on_hold_s IS NULL AND src_reopens IS NULL AND src_replies IS NULL AND src_missed IS NULL AND src_duration_s IS NULL AND src_response_avg_s IS NULL AND src_response_max_s IS NULL AND src_sla_json IS NULL);

-- The core table is rebuilt: without those columns, and with conversation_key computed from
-- source_system and source_id (the convention every importer follows) instead of stored, so
-- the key cannot disagree with them and an import writes one long unique string less.
CREATE TABLE conversation_core (
    conversation_key   VARCHAR GENERATED ALWAYS AS (source_system || ':' || source_id) VIRTUAL,
    source_system      VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
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
    raw                JSON
);

INSERT INTO conversation_core (source_system, source_id, kind, channel, queue_key, team_key,
    contact_key, assignee_agent_key, created_at, initiated_by, status_current, priority,
    subject, tags, source_timezone, batch_id, raw)
SELECT source_system, source_id, kind, channel, queue_key, team_key, contact_key,
    assignee_agent_key, created_at, initiated_by, status_current, priority, subject, tags,
    source_timezone, batch_id, raw
FROM conversation;

DROP TABLE conversation;
ALTER TABLE conversation_core RENAME TO conversation;

CREATE VIEW conversation_with_source AS
SELECT c.*, s.* EXCLUDE (conversation_key, batch_id)
FROM conversation c
LEFT JOIN conversation_source s USING (conversation_key);
