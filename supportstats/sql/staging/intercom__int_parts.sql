-- Every part, from a conversation's embedded list or from the Airbyte `conversation_parts`
-- stream (where the record carries conversation_id). The conversation's `source` (its first
-- message) becomes a part too, so the opening customer message or outbound message is kept.
WITH embedded AS (
    SELECT _row, _line, (record ->> 'id') AS conv_id,
           unnest(json_extract(record, '$.conversation_parts.conversation_parts[*]')) AS p
    FROM intercom__int_records WHERE kind = 'conversation'
)
SELECT _row, _line, conv_id, p, (p ->> 'id') AS part_id, false AS _counted FROM embedded
UNION ALL
SELECT _row, _line, (record ->> 'conversation_id'), record, (record ->> 'id'), true
FROM intercom__int_records WHERE kind = 'part'
UNION ALL
SELECT _row, _line, (record ->> 'id'),
       json_merge_patch(record -> 'source', json_object(
           'part_type', 'source', 'created_at', (record -> 'created_at'),
           'delivered_as', (record ->> '$.source.delivered_as'))),
       (record ->> 'id') || ':source', false
FROM intercom__int_records WHERE kind = 'conversation' AND json_type(record, '$.source') = 'OBJECT'
