-- The engagements the export gives (incremental export), one row each.
SELECT sid, _row, _line, end_ts, generate_subscripts(eng, 1) - 1 AS idx, unnest(eng) AS item
FROM (SELECT f.sid, f._row, f._line, f.end_ts, json_transform(c.raw, '{"engagements": ["JSON"]}').engagements AS eng
      FROM zendesk_chat__conversation c JOIN zendesk_chat__int_chats f USING (_row)
      WHERE f.sid IS NOT NULL AND f.start_ts IS NOT NULL AND json_type(c.raw, '$.engagements') = 'ARRAY')
