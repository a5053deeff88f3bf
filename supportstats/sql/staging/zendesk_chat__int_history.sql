-- Zendesk Chat history (run once the conversations are written): each history item of the
-- staged chats, typed; then messages, events, engagements and ratings from them.
WITH h AS (
    SELECT sid, _row, _line, _j.agent_ids AS agent_ids, _j.agent_names AS agent_names,
           _j.visitor_name AS visitor_name, generate_subscripts(hist, 1) - 1 AS idx,
           unnest(hist) AS item
    FROM (SELECT f.sid, f._row, f._line, f.j AS _j, json_transform(c.raw, '{"history": ["JSON"]}').history AS hist
          FROM zendesk_chat__conversation c JOIN zendesk_chat__int_chats f USING (_row)
          WHERE f.sid IS NOT NULL AND f.start_ts IS NOT NULL AND json_type(c.raw, '$.history') = 'ARRAY')
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
FROM e
