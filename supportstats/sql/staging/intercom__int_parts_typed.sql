-- Intercom parts -> intercom__message (comments, notes, the opening source message) and intercom__event
-- (close, open, assignment, snooze and any other part). Every part lands in exactly one.
-- A bot is Intercom's `bot` author type, or the Operator/Fin teammate whose e-mail is
-- operator+<workspace>@intercom.io (the vendor example shows it with type `admin`).
SELECT
    *,
    lower(coalesce(p ->> 'part_type', '')) AS part_type,
    lower(p ->> '$.author.type') AS author_type,
    (p ->> '$.author.id') AS author_id,
    ss_ts(p ->> 'created_at', 'UTC', NULL) AS created_ts,
    lower(p ->> '$.author.type') = 'bot'
        OR coalesce(p ->> '$.author.email', '') LIKE 'operator+%@intercom.io' AS is_bot,
    lower(coalesce(p ->> 'part_type', '')) IN ('comment', 'note', 'note_and_reopen', 'source', 'quick_reply')
        AS is_message,
    -- The same checks hold for messages and events, so they are made once, here.
    CASE WHEN ss_text(part_id) IS NULL THEN 'id' WHEN ss_text(conv_id) IS NULL THEN 'conversation_id'
         WHEN created_ts IS NULL THEN 'created_at' END AS _reject_column,
    CASE WHEN ss_text(part_id) IS NULL THEN 'conversation part has no id'
         WHEN ss_text(conv_id) IS NULL THEN 'conversation part has no conversation_id'
         WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(p ->> 'created_at') || ' is not a unix time'
    END AS _reject_reason
FROM intercom__int_parts
