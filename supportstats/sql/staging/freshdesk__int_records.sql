-- Freshdesk API / Airbyte records (stg_raw) -> their kind: 'ticket', 'reply' (a
-- conversation entry), 'rating', 'agent', 'group', 'survey' or 'other'.
SELECT
    _row, _line, record, _stream,
    CASE WHEN _stream = 'tickets'
              OR (_stream IS NULL AND (json_exists(record, '$.fr_due_by')
                  OR (json_exists(record, '$.requester_id') AND json_exists(record, '$.responder_id'))))
             THEN 'ticket'
         WHEN _stream = 'conversations'
              OR (_stream IS NULL AND json_exists(record, '$.incoming') AND json_exists(record, '$.ticket_id'))
             THEN 'reply'
         WHEN _stream = 'satisfaction_ratings'
              OR (_stream IS NULL AND json_exists(record, '$.survey_id') AND json_exists(record, '$.ratings'))
             THEN 'rating'
         WHEN _stream = 'agents' OR (_stream IS NULL AND json_exists(record, '$.ticket_scope')) THEN 'agent'
         WHEN _stream = 'groups' OR (_stream IS NULL AND json_exists(record, '$.unassigned_for')) THEN 'group'
         WHEN _stream = 'surveys' OR (_stream IS NULL AND json_exists(record, '$.questions')) THEN 'survey'
         ELSE 'other' END AS kind
FROM stg_raw
