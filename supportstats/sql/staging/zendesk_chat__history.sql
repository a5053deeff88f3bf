-- Zendesk Chat history (run once the conversations are written): each history item of the
-- staged chats, typed; then messages, events, engagements and ratings from them.
CREATE OR REPLACE TEMP TABLE stg_zc_hist AS
WITH h AS (
    SELECT sid, _row, _line, _j.agent_ids AS agent_ids, _j.agent_names AS agent_names,
           _j.visitor_name AS visitor_name, generate_subscripts(hist, 1) - 1 AS idx,
           unnest(hist) AS item
    FROM (SELECT sid, _row, _line, _j, json_transform(raw, '{"history": ["JSON"]}').history AS hist
          FROM stg_zc_conversation WHERE sid IS NOT NULL AND start_ts IS NOT NULL AND json_type(raw, '$.history') = 'ARRAY')
),
e AS (
    SELECT h.* EXCLUDE (item), coalesce(item, 'null'::JSON) AS item,
           json_transform(item, '{"type": "VARCHAR", "timestamp": "VARCHAR", "nick": "VARCHAR",
               "name": "VARCHAR", "msg": "VARCHAR", "msg_id": "VARCHAR", "rating": "VARCHAR",
               "new_rating": "VARCHAR", "new_comment": "VARCHAR", "department_id": "VARCHAR",
               "prev_department_id": "VARCHAR"}') AS e
    FROM h
)
SELECT sid, _row, _line, idx, item, e.type AS type, zc_ts(e.timestamp) AS at_ts, e.msg AS msg,
       e.new_rating AS new_rating, coalesce(e.new_comment, e.msg) AS new_comment,
       e.department_id AS department_id, e.prev_department_id AS prev_department_id,
       zc_role(e.nick, e.name, agent_names, visitor_name) AS role,
       CASE WHEN e.nick LIKE 'agent:%' AND e.nick <> 'agent:trigger' THEN substr(e.nick, 7)
            WHEN e.nick IS NULL THEN agent_ids[list_position(agent_names, e.name)] END AS agent_id
FROM e;

-- The engagements the export gives (incremental export), one row each.
CREATE OR REPLACE TEMP TABLE stg_zc_given AS
SELECT sid, _row, _line, end_ts, generate_subscripts(eng, 1) - 1 AS idx, unnest(eng) AS item
FROM (SELECT sid, _row, _line, end_ts, json_transform(raw, '{"engagements": ["JSON"]}').engagements AS eng
      FROM stg_zc_conversation WHERE sid IS NOT NULL AND start_ts IS NOT NULL AND json_type(raw, '$.engagements') = 'ARRAY');

-- The chats are written: what later steps need of them is small.
CREATE OR REPLACE TEMP TABLE stg_zc_chat AS
SELECT sid, _row, _line, start_ts, end_ts, _j AS j FROM stg_zc_conversation;
DROP TABLE stg_zc_conversation;

-- Per-chat moments read from the history once.
CREATE OR REPLACE TEMP TABLE stg_zc_moment AS
SELECT sid,
       min(at_ts) FILTER (WHERE type = 'chat.memberleave' AND role = 'customer') AS visitor_left_at,
       min(at_ts) FILTER (WHERE type = 'chat.request.rating') AS rating_requested_at,
       max(at_ts) FILTER (WHERE type = 'chat.rating') AS rated_at,
       max(at_ts) FILTER (WHERE type = 'chat.comment') AS commented_at
FROM stg_zc_hist GROUP BY sid;

CREATE OR REPLACE TEMP TABLE stg_zc_message AS
SELECT
    $source_system || ':' || sid || ':' || idx AS message_key,
    $source_system || ':' || sid AS conversation_key, $source_system AS source_system,
    sid || ':' || idx AS source_id, at_ts AS created_at,
    role AS author_role,
    CASE WHEN role = 'agent' THEN $source_system || ':' || agent_id END AS author_agent_key,
    NULL::VARCHAR AS author_contact_key, 'public' AS visibility,
    CASE WHEN role = 'bot' THEN 'trigger' ELSE 'none' END AS automation,
    CASE WHEN type = 'chat.msg' THEN 'text' ELSE 'file' END AS kind,
    msg AS body, $batch_id AS batch_id, item AS raw, item::VARCHAR AS _raw,
    CASE WHEN at_ts IS NULL THEN 'history.timestamp' END AS _reject_column,
    CASE WHEN at_ts IS NULL THEN 'history item ' || idx || ' of chat ' || sid || ' has no valid timestamp' END AS _reject_reason,
    row_number() OVER () AS _row, _line
FROM stg_zc_hist
WHERE type = 'chat.msg' OR type LIKE 'chat.file%';

-- Every other history item is an event; member join/leave of agents drive engagements.
CREATE OR REPLACE TEMP TABLE stg_zc_event AS
SELECT
    $source_system || ':' || sid || ':' || idx AS event_key,
    $source_system || ':' || sid AS conversation_key, $source_system AS source_system,
    sid || ':' || idx AS source_id, at_ts AS occurred_at,
    CASE
        WHEN type = 'chat.memberjoin' AND role = 'agent' THEN 'agent_join'
        WHEN type = 'chat.memberleave' AND role = 'agent' THEN 'agent_leave'
        WHEN type = 'chat.memberjoin' AND role = 'customer' THEN 'customer_join'
        WHEN type = 'chat.memberleave' AND role = 'customer' THEN 'customer_leave'
        WHEN type LIKE 'chat.transfer%' OR (type = 'chat.system' AND department_id IS NOT NULL) THEN 'transfer'
        ELSE regexp_replace(coalesce(type, 'unknown'), '^chat\.', '')
    END AS event_type,
    CASE WHEN type LIKE 'chat.transfer%' THEN prev_department_id END AS from_value,
    CASE WHEN type LIKE 'chat.transfer%' THEN department_id
         WHEN type = 'chat.rating' THEN new_rating WHEN type = 'chat.comment' THEN new_comment END AS to_value,
    role AS actor_role,
    CASE WHEN role = 'agent' THEN $source_system || ':' || agent_id END AS actor_agent_key,
    $batch_id AS batch_id, item AS raw, item::VARCHAR AS _raw,
    CASE WHEN at_ts IS NULL THEN 'history.timestamp' END AS _reject_column,
    CASE WHEN at_ts IS NULL THEN 'history item ' || idx || ' of chat ' || sid || ' has no valid timestamp' END AS _reject_reason,
    row_number() OVER () AS _row, _line
FROM stg_zc_hist
WHERE NOT (type = 'chat.msg' OR type LIKE 'chat.file%')
UNION ALL
-- a missed chat: the visitor left unanswered (at their leave, else at the chat's end)
SELECT
    $source_system || ':' || c.sid || ':abandon', $source_system || ':' || c.sid, $source_system,
    c.sid || ':abandon',
    coalesce(mo.visitor_left_at, c.end_ts, c.start_ts),
    'abandon', NULL, NULL, 'customer', NULL, $batch_id,
    json_object('missed', true), NULL, NULL, NULL, -1, c._line
FROM stg_zc_chat c LEFT JOIN stg_zc_moment mo USING (sid)
WHERE c.sid IS NOT NULL AND c.start_ts IS NOT NULL AND ss_bool(c.j.missed);

-- Engagements: the incremental export's engagements when a chat has them, else one per agent
-- join, ended by that agent's next leave (or the chat's end).
CREATE OR REPLACE TEMP TABLE stg_zc_engagement AS
WITH given AS (
    SELECT c.sid, c._row, c._line, c.end_ts, c.idx, coalesce(c.item, 'null'::JSON) AS item,
           json_transform(c.item, '{"id": "VARCHAR", "agent_id": "VARCHAR", "timestamp": "VARCHAR",
               "duration": "DOUBLE", "accepted": "VARCHAR", "assigned": "VARCHAR"}') AS g
    FROM stg_zc_given c
),
member AS (
    SELECT h.*, lead(type) OVER w AS next_type, lead(at_ts) OVER w AS next_at
    FROM stg_zc_hist h
    WHERE role = 'agent' AND type IN ('chat.memberjoin', 'chat.memberleave') AND agent_id IS NOT NULL
    WINDOW w AS (PARTITION BY sid, agent_id ORDER BY at_ts, idx)
),
joined AS (
    SELECT m.sid, m._row, m._line, m.idx, m.agent_id, m.at_ts AS started_at,
           CASE WHEN m.next_type = 'chat.memberleave' THEN m.next_at ELSE c.end_ts END AS ended_at,
           CASE WHEN m.next_type = 'chat.memberleave' THEN 'leave' WHEN c.end_ts IS NOT NULL THEN 'chat_end' END AS end_reason,
           m.item
    FROM member m JOIN stg_zc_chat c USING (sid)
    WHERE m.type = 'chat.memberjoin' AND m.sid NOT IN (SELECT sid FROM given)
),
eng_rows AS (
    SELECT sid, _row, _line, coalesce(ss_text(g.id), sid || ':e' || idx) AS eid, g.agent_id AS agent_id,
           zc_ts(g.timestamp) AS started_at,
           CASE WHEN ss_bool(g.accepted) THEN zc_ts(g.timestamp) END AS accepted_at,
           zc_ts(g.timestamp) + to_microseconds(CAST(round(coalesce(g.duration, 0) * 1e6) AS BIGINT)) AS ended_at,
           NULL::VARCHAR AS end_reason, ss_bool(g.assigned) AS was_assigned,
           ss_bool(g.accepted) AS was_accepted, item
    FROM given
    UNION ALL
    SELECT sid, _row, _line, sid || ':' || idx, agent_id, started_at, started_at, ended_at, end_reason,
           NULL, true, json_object('join', item, 'derived_from', 'history member join/leave')
    FROM joined
),
firsts AS (
    SELECT r.sid, r.eid, min(h.at_ts) AS first_at
    FROM eng_rows r JOIN stg_zc_hist h ON h.sid = r.sid AND h.agent_id = r.agent_id
    WHERE h.type = 'chat.msg' AND h.at_ts >= r.started_at
      AND h.at_ts <= coalesce(r.ended_at, 'infinity'::TIMESTAMPTZ)
    GROUP BY r.sid, r.eid
)
SELECT
    $source_system || ':' || eid AS engagement_key, $source_system || ':' || r.sid AS conversation_key,
    $source_system AS source_system, eid AS source_id,
    $source_system || ':' || r.agent_id AS agent_key, r.started_at, r.accepted_at,
    f.first_at AS first_agent_message_at,
    r.ended_at, r.end_reason, r.was_assigned, r.was_accepted, $batch_id AS batch_id,
    r.item AS raw, r.item::VARCHAR AS _raw,
    CASE WHEN r.agent_id IS NULL THEN 'agent_id' WHEN r.started_at IS NULL THEN 'timestamp' END AS _reject_column,
    CASE WHEN r.agent_id IS NULL THEN 'engagement has no agent_id'
         WHEN r.started_at IS NULL THEN 'engagement has no valid timestamp' END AS _reject_reason,
    row_number() OVER () AS _row, r._line
FROM eng_rows r LEFT JOIN firsts f USING (sid, eid);

-- One rating per chat that has a rating or a comment. rated_at: the last chat.rating item
-- (else the last chat.comment, else the chat's end); offered_at: the rating request, if any.
CREATE OR REPLACE TEMP TABLE stg_zc_rating AS
SELECT
    $source_system || ':' || sid AS rating_key, $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system, sid AS source_id,
    mo.rating_requested_at AS offered_at,
    coalesce(mo.rated_at, mo.commented_at, end_ts) AS rated_at,
    'binary' AS scale, lower(j.rating) AS raw_value,
    CASE lower(j.rating) WHEN 'good' THEN 1.0 WHEN 'bad' THEN 0.0 END::DOUBLE AS score_norm,
    CASE WHEN lower(j.rating) IN ('good', 'bad') THEN lower(j.rating) = 'good' END AS is_positive,
    CASE WHEN lower(j.rating) IN ('good', 'bad') THEN lower(j.rating) = 'bad' END AS is_negative,
    ss_text(j.comment) AS comment,
    $source_system || ':' || j.agent_ids[-1] AS agent_key_at_rating,
    $source_system || ':' || ss_text(j.department_id) AS team_key_at_rating,
    $batch_id AS batch_id, json_object('rating', j.rating, 'comment', j.comment) AS raw,
    NULL::VARCHAR AS _raw,
    CASE WHEN j.rating IS NOT NULL AND lower(j.rating) NOT IN ('good', 'bad') THEN 'rating' END AS _reject_column,
    CASE WHEN j.rating IS NOT NULL AND lower(j.rating) NOT IN ('good', 'bad')
         THEN 'rating ' || ss_quote(j.rating) || ' is not good or bad' END AS _reject_reason,
    _row, _line
FROM stg_zc_chat c LEFT JOIN stg_zc_moment mo USING (sid)
WHERE sid IS NOT NULL AND start_ts IS NOT NULL AND (j.rating IS NOT NULL OR ss_text(j.comment) IS NOT NULL);

-- Agent names as the chats give them (agent_ids and agent_names are parallel lists).
CREATE OR REPLACE TEMP TABLE zendesk_chat__int_agent_names AS
SELECT $source_system || ':' || id AS agent_key, any_value(name) AS name
FROM (SELECT unnest(j.agent_ids) AS id, unnest(j.agent_names) AS name FROM stg_zc_chat)
WHERE id IS NOT NULL GROUP BY id;
