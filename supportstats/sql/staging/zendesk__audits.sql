-- Zendesk Support ticket audits and comments -> messages (public / internal, author role),
-- conversation events (status, assignee, group, priority and every other field change) and,
-- for tickets imported from audits alone, a conversation rebuilt from the creation audit.
--
-- Author role: -1 (Zendesk itself) is system; the ticket's requester is the customer; a user
-- known as an agent (users file, warehouse, or any assignee) is an agent; another known
-- end-user (a CC) is a third party; anyone else is taken as an agent, since Zendesk counts
-- replies by people who are not the requester (the README of the vendor samples relies on it).
CREATE OR REPLACE TEMP TABLE stg_zd_audit AS
WITH a AS (
    SELECT _row, _line, record,
           json_transform(record, '{"id": "VARCHAR", "ticket_id": "VARCHAR", "created_at": "VARCHAR",
               "author_id": "VARCHAR", "via": {"channel": "VARCHAR", "source": {"rel": "VARCHAR"}}}') AS j
    FROM zendesk__int_records WHERE kind = 'audit'
)
SELECT a.*, ss_ts(j.created_at, 'UTC', NULL) AS created_ts, record::VARCHAR AS _raw,
    CASE WHEN ss_text(j.ticket_id) IS NULL THEN 'ticket_id'
         WHEN ss_ts(j.created_at, 'UTC', NULL) IS NULL THEN 'created_at'
         WHEN json_type(record, '$.events') <> 'ARRAY' THEN 'events' END AS _reject_column,
    CASE WHEN ss_text(j.ticket_id) IS NULL THEN 'audit has no ticket_id'
         WHEN ss_ts(j.created_at, 'UTC', NULL) IS NULL THEN 'created_at ' || ss_quote(j.created_at) || ' is not a date/time'
         WHEN json_type(record, '$.events') <> 'ARRAY' THEN 'audit events is not a list' END AS _reject_reason
FROM a;

CREATE OR REPLACE TEMP TABLE stg_zd_audit_event AS
SELECT _row, _line, j AS a, created_ts, i AS ev_idx, ev AS event_json,
       -- the audit itself (without its events) goes into every event's raw: nothing is lost
       json_merge_patch(ev, json_object('audit', json_merge_patch(record, '{"events": null}'))) AS raw,
       json_transform(ev, '{"id": "VARCHAR", "type": "VARCHAR", "author_id": "VARCHAR",
           "public": "VARCHAR", "body": "VARCHAR", "plain_body": "VARCHAR", "field_name": "VARCHAR",
           "value": "VARCHAR", "previous_value": "VARCHAR"}') AS e
FROM (
    SELECT *, unnest(range(json_array_length(record, '$.events')::BIGINT)) AS i,
           unnest(json_extract(record, '$.events[*]')) AS ev
    FROM stg_zd_audit WHERE _reject_reason IS NULL
);

-- Every comment, from audits and from comment records (Airbyte ticket_comments).
CREATE OR REPLACE TEMP TABLE stg_zd_comment AS
SELECT _row, _line, ss_text(e.id) AS comment_id, ss_text(a.ticket_id) AS ticket_id,
       created_ts, coalesce(ss_text(e.author_id), ss_text(a.author_id)) AS author_id,
       ss_bool(e.public) AS is_public, coalesce(e.body, e.plain_body) AS body,
       a.via.channel AS via_channel, a.via.source.rel AS via_rel, raw, NULL::VARCHAR AS _bad
FROM stg_zd_audit_event WHERE e.type IN ('Comment', 'VoiceComment')
UNION ALL
SELECT _row, _line, ss_text(j.id), ss_text(j.ticket_id), ss_ts(j.created_at, 'UTC', NULL),
       ss_text(j.author_id), ss_bool(j.public), coalesce(j.body, j.plain_body),
       j.via.channel, j.via.source.rel, record,
       CASE WHEN ss_text(j.id) IS NULL THEN 'id'
            WHEN ss_text(j.ticket_id) IS NULL THEN 'ticket_id'
            WHEN ss_ts(j.created_at, 'UTC', NULL) IS NULL THEN 'created_at' END
FROM (SELECT _row, _line, record, json_transform(record, '{"id": "VARCHAR", "ticket_id": "VARCHAR",
          "created_at": "VARCHAR", "author_id": "VARCHAR", "public": "VARCHAR", "body": "VARCHAR",
          "plain_body": "VARCHAR", "via": {"channel": "VARCHAR", "source": {"rel": "VARCHAR"}}}') AS j
      FROM zendesk__int_records WHERE kind = 'comment');

-- Who is who: the requester of each ticket (this file's ticket, else the warehouse, else the
-- latest requester_id set in the audits) and the users known as agents or end-users.
CREATE OR REPLACE TEMP TABLE stg_zd_requester AS
WITH from_audit AS (
    SELECT ss_text(a.ticket_id) AS ticket_id,
           arg_max(ss_text(e.value), (created_ts, ev_idx)) AS requester_id
    FROM stg_zd_audit_event
    WHERE e.field_name = 'requester_id' AND e.type IN ('Create', 'Change')
    GROUP BY ALL
),
tickets AS (
    SELECT DISTINCT ticket_id FROM stg_zd_comment WHERE ticket_id IS NOT NULL
    UNION SELECT DISTINCT ss_text(a.ticket_id) FROM stg_zd_audit_event
)
SELECT t.ticket_id,
       coalesce(f.contact_key, w.contact_key, $source_system || ':' || fa.requester_id) AS requester_key
FROM tickets t
LEFT JOIN (SELECT source_id, contact_key FROM stg_zd_conversation WHERE _reject_reason IS NULL) f ON f.source_id = t.ticket_id
LEFT JOIN conversation w ON w.conversation_key = $source_system || ':' || t.ticket_id
LEFT JOIN from_audit fa ON fa.ticket_id = t.ticket_id;

CREATE OR REPLACE TEMP TABLE stg_zd_agent_keys AS
SELECT agent_key AS k FROM agent WHERE source_system = $source_system
UNION SELECT agent_key FROM zendesk__agent WHERE _reject_reason IS NULL
UNION SELECT assignee_agent_key FROM stg_zd_conversation WHERE assignee_agent_key IS NOT NULL
UNION SELECT $source_system || ':' || ss_text(e.value) FROM stg_zd_audit_event
      WHERE e.field_name = 'assignee_id' AND ss_text(e.value) IS NOT NULL;

CREATE OR REPLACE TEMP TABLE stg_zd_enduser_keys AS
SELECT contact_key AS k FROM contact WHERE source_system = $source_system
UNION SELECT contact_key FROM zendesk__contact WHERE _reject_reason IS NULL
EXCEPT SELECT k FROM stg_zd_agent_keys;

CREATE OR REPLACE TEMP MACRO zd_role(author_id, author_key, requester_key, is_agent, is_enduser) AS (
    CASE WHEN author_id = '-1' THEN 'system'
         WHEN author_key = requester_key THEN 'customer'
         WHEN is_agent THEN 'agent'
         WHEN is_enduser THEN 'third_party'
         ELSE 'agent' END
);

-- Comments made by business rules carry via.channel 'rule' (source.rel trigger/automation).
CREATE OR REPLACE TEMP TABLE stg_zd_message AS
WITH c AS (
    SELECT c.*, $source_system || ':' || c.author_id AS author_key, r.requester_key,
           ak.k IS NOT NULL AS is_agent, ek.k IS NOT NULL AS is_enduser
    FROM stg_zd_comment c
    LEFT JOIN stg_zd_requester r USING (ticket_id)
    LEFT JOIN stg_zd_agent_keys ak ON ak.k = $source_system || ':' || c.author_id
    LEFT JOIN stg_zd_enduser_keys ek ON ek.k = $source_system || ':' || c.author_id
)
SELECT
    $source_system || ':' || comment_id AS message_key,
    $source_system || ':' || ticket_id AS conversation_key,
    $source_system AS source_system, comment_id AS source_id, created_ts AS created_at,
    zd_role(author_id, author_key, requester_key, is_agent, is_enduser) AS author_role,
    CASE WHEN zd_role(author_id, author_key, requester_key, is_agent, is_enduser) = 'agent' THEN author_key END AS author_agent_key,
    CASE WHEN zd_role(author_id, author_key, requester_key, is_agent, is_enduser) IN ('customer', 'third_party') THEN author_key END AS author_contact_key,
    CASE WHEN coalesce(is_public, true) THEN 'public' ELSE 'internal' END AS visibility,
    CASE WHEN via_channel = 'rule' THEN CASE WHEN via_rel = 'trigger' THEN 'trigger' ELSE 'rule' END
         ELSE 'none' END AS automation,
    'text' AS kind, body, $batch_id AS batch_id, raw, raw::VARCHAR AS _raw,
    _bad AS _reject_column,
    CASE _bad WHEN 'id' THEN 'comment has no id'
              WHEN 'ticket_id' THEN 'comment has no ticket_id (export comments with their ticket, e.g. ticket audits)'
              WHEN 'created_at' THEN 'comment created_at is not a date/time' END AS _reject_reason,
    row_number() OVER () AS _row, _line
FROM c;

CREATE OR REPLACE TEMP TABLE stg_zd_event AS
WITH ev AS (
    SELECT x.*, ss_text(a.ticket_id) AS ticket_id, ss_text(a.author_id) AS author_id,
           $source_system || ':' || ss_text(a.author_id) AS author_key, r.requester_key,
           ak.k IS NOT NULL AS is_agent, ek.k IS NOT NULL AS is_enduser,
           CASE e.field_name WHEN 'status' THEN 'status' WHEN 'assignee_id' THEN 'assignee'
               WHEN 'group_id' THEN 'team' WHEN 'priority' THEN 'priority'
               ELSE CASE WHEN e.type IN ('Create', 'Change') THEN 'field_change' ELSE lower(e.type) END
           END AS event_type
    FROM stg_zd_audit_event x
    LEFT JOIN stg_zd_requester r ON r.ticket_id = ss_text(x.a.ticket_id)
    LEFT JOIN stg_zd_agent_keys ak ON ak.k = $source_system || ':' || ss_text(x.a.author_id)
    LEFT JOIN stg_zd_enduser_keys ek ON ek.k = $source_system || ':' || ss_text(x.a.author_id)
    WHERE e.type NOT IN ('Comment', 'VoiceComment')
)
SELECT
    $source_system || ':' || coalesce(ss_text(e.id), ss_text(a.id) || '.' || ev_idx) AS event_key,
    $source_system || ':' || ticket_id AS conversation_key, $source_system AS source_system,
    coalesce(ss_text(e.id), ss_text(a.id) || '.' || ev_idx) AS source_id,
    created_ts AS occurred_at, event_type,
    CASE event_type WHEN 'status' THEN zd_status(e.previous_value)
        WHEN 'assignee' THEN $source_system || ':' || ss_text(e.previous_value)
        WHEN 'team' THEN $source_system || ':' || ss_text(e.previous_value)
        ELSE e.previous_value END AS from_value,
    CASE event_type WHEN 'status' THEN zd_status(e.value)
        WHEN 'assignee' THEN $source_system || ':' || ss_text(e.value)
        WHEN 'team' THEN $source_system || ':' || ss_text(e.value)
        WHEN 'field_change' THEN e.field_name || '=' || coalesce(e.value, '')
        ELSE e.value END AS to_value,
    zd_role(author_id, author_key, requester_key, is_agent, is_enduser) AS actor_role,
    CASE WHEN zd_role(author_id, author_key, requester_key, is_agent, is_enduser) = 'agent' THEN author_key END AS actor_agent_key,
    $batch_id AS batch_id, raw, raw::VARCHAR AS _raw,
    NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason,
    row_number() OVER () AS _row, _line
FROM ev;

-- Tickets known only from their audits: rebuilt from the creation audit and the latest field
-- values, unless the ticket is in this file or already in the warehouse (a tickets export
-- imported later replaces this row).
CREATE OR REPLACE TEMP TABLE stg_zd_audit_conversation AS
WITH created AS (
    SELECT ss_text(a.ticket_id) AS ticket_id, min(created_ts) AS created_at,
           arg_min(a.via.channel, created_ts) AS channel, arg_min(ss_text(a.id), created_ts) AS audit_id,
           min(_row) AS _row
    FROM stg_zd_audit_event WHERE e.type = 'Create'
    GROUP BY ALL
),
latest AS (
    SELECT ss_text(a.ticket_id) AS ticket_id,
           arg_max(e.value, (created_ts, ev_idx)) FILTER (WHERE e.field_name = 'status') AS status,
           arg_max(e.value, (created_ts, ev_idx)) FILTER (WHERE e.field_name = 'assignee_id') AS assignee_id,
           arg_max(e.value, (created_ts, ev_idx)) FILTER (WHERE e.field_name = 'group_id') AS group_id,
           arg_max(e.value, (created_ts, ev_idx)) FILTER (WHERE e.field_name = 'priority') AS priority,
           arg_max(e.value, (created_ts, ev_idx)) FILTER (WHERE e.field_name = 'subject') AS subject,
           arg_max(e.value, (created_ts, ev_idx)) FILTER (WHERE e.field_name = 'tags') AS tags
    FROM stg_zd_audit_event WHERE e.type IN ('Create', 'Change')
    GROUP BY ALL
)
SELECT
    $source_system || ':' || c.ticket_id AS conversation_key, $source_system AS source_system,
    c.ticket_id AS source_id, c.ticket_id AS display_number, 'ticket' AS kind,
    ss_channel(c.channel) AS channel,
    $source_system || ':' || ss_text(l.group_id) AS queue_key,
    $source_system || ':' || ss_text(l.group_id) AS team_key,
    r.requester_key AS contact_key,
    $source_system || ':' || ss_text(l.assignee_id) AS assignee_agent_key,
    c.created_at, zd_status(l.status) AS status_current, lower(ss_text(l.priority)) AS priority,
    l.subject, try_cast(l.tags AS JSON)::VARCHAR[] AS tags,
    $batch_id AS batch_id,
    json_object('rebuilt_from', 'ticket_audits', 'creation_audit_id', c.audit_id) AS raw,
    NULL::VARCHAR AS _raw, NULL::VARCHAR AS _reject_column, NULL::VARCHAR AS _reject_reason,
    c._row, NULL::BIGINT AS _line
FROM created c
LEFT JOIN latest l USING (ticket_id)
LEFT JOIN stg_zd_requester r USING (ticket_id)
WHERE c.ticket_id NOT IN (SELECT source_id FROM stg_zd_conversation WHERE source_id IS NOT NULL)
  AND $source_system || ':' || c.ticket_id NOT IN (SELECT conversation_key FROM conversation);
