-- Engagements: the incremental export's engagements when a chat has them, else one per agent
-- join, ended by that agent's next leave (or the chat's end).
WITH given AS (
    SELECT c.sid, c._row, c._line, c.end_ts, c.idx, coalesce(c.item, 'null'::JSON) AS item,
           json_transform(c.item, '{"id": "VARCHAR", "agent_id": "VARCHAR", "timestamp": "VARCHAR",
               "duration": "DOUBLE", "accepted": "VARCHAR", "assigned": "VARCHAR"}') AS g
    FROM zendesk_chat__int_given_engagements c
),
member AS (
    SELECT h.*, lead(type) OVER w AS next_type, lead(at_ts) OVER w AS next_at
    FROM zendesk_chat__int_history h
    WHERE role = 'agent' AND type IN ('chat.memberjoin', 'chat.memberleave') AND agent_id IS NOT NULL
    WINDOW w AS (PARTITION BY sid, agent_id ORDER BY at_ts, idx)
),
joined AS (
    SELECT m.sid, m._row, m._line, m.idx, m.agent_id, m.at_ts AS started_at,
           CASE WHEN m.next_type = 'chat.memberleave' THEN m.next_at ELSE c.end_ts END AS ended_at,
           CASE WHEN m.next_type = 'chat.memberleave' THEN 'leave' WHEN c.end_ts IS NOT NULL THEN 'chat_end' END AS end_reason,
           m.item
    FROM member m JOIN zendesk_chat__int_chats c USING (sid)
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
    FROM eng_rows r JOIN zendesk_chat__int_history h ON h.sid = r.sid AND h.agent_id = r.agent_id
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
FROM eng_rows r LEFT JOIN firsts f USING (sid, eid)
