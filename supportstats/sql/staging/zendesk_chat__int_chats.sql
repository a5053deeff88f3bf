-- What the history, engagement and rating models need of each staged chat besides its raw:
-- its id and times, and the agent ids and names, visitor name, missed flag, rating and
-- comment, from a parse of those fields of the record (zendesk_chat__conversation's raw).
-- One row per chat, keyed by _row (a chat's record number).
SELECT source_id AS sid, _row, _line, created_at AS start_ts, zc_ts(j.end_timestamp) AS end_ts,
       {'agent_ids': j.agent_ids, 'agent_names': j.agent_names, 'visitor_name': j.visitor.name,
        'missed': j.missed, 'rating': j.rating, 'comment': j.comment,
        'department_id': j.department_id} AS j
FROM (
    SELECT source_id, _row, _line, created_at,
           json_transform(raw, '{"end_timestamp": "VARCHAR", "missed": "VARCHAR",
               "rating": "VARCHAR", "comment": "VARCHAR", "agent_ids": ["VARCHAR"],
               "agent_names": ["VARCHAR"], "department_id": "VARCHAR",
               "visitor": {"name": "VARCHAR"}}') AS j
    FROM zendesk_chat__conversation
)
