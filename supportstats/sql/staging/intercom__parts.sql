-- Intercom parts -> stg_message (comments, notes, the opening source message) and stg_event
-- (close, open, assignment, snooze and any other part). Every part lands in exactly one.
-- A bot is Intercom's `bot` author type, or the Operator/Fin teammate whose e-mail is
-- operator+<workspace>@intercom.io (the vendor example shows it with type `admin`).
CREATE OR REPLACE TEMP TABLE stg_ic_part_typed AS
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
FROM stg_ic_part;

CREATE OR REPLACE TEMP TABLE stg_message AS
SELECT
    $source_system || ':' || part_id AS message_key,
    $source_system || ':' || conv_id AS conversation_key,
    $source_system AS source_system,
    part_id AS source_id,
    created_ts AS created_at,
    CASE WHEN is_bot THEN 'bot'
         WHEN author_type IN ('admin', 'teammate') THEN 'agent'
         WHEN author_type IN ('user', 'lead', 'contact') THEN 'customer'
         ELSE 'system' END AS author_role,
    CASE WHEN author_type IN ('admin', 'bot', 'teammate') THEN $source_system || ':' || author_id END AS author_agent_key,
    CASE WHEN author_type IN ('user', 'lead', 'contact') THEN $source_system || ':' || author_id END AS author_contact_key,
    CASE WHEN part_type LIKE 'note%' THEN 'internal' ELSE 'public' END AS visibility,
    CASE WHEN is_bot THEN 'rule'
         WHEN part_type = 'source' AND (p ->> 'delivered_as') IN ('automated', 'campaigns_initiated') THEN 'campaign'
         ELSE 'none' END AS automation,
    CASE WHEN json_array_length(p, '$.attachments') > 0 AND ss_text(p ->> 'body') IS NULL THEN 'file' ELSE 'text' END AS kind,
    (p ->> 'body') AS body,
    $batch_id AS batch_id,
    p AS raw, p AS _raw,
    _reject_column, _reject_reason,
    _counted, _row, _line
FROM stg_ic_part_typed
WHERE is_message;

CREATE OR REPLACE TEMP TABLE stg_event AS
SELECT
    $source_system || ':' || part_id AS event_key,
    $source_system || ':' || conv_id AS conversation_key,
    $source_system AS source_system,
    part_id AS source_id,
    created_ts AS occurred_at,
    CASE WHEN part_type = 'close' THEN 'resolve'
         WHEN part_type IN ('open', 'assign_and_reopen') THEN 'reopen'
         WHEN part_type IN ('assignment', 'default_assignment', 'assign_and_unsnooze') THEN 'assignee'
         WHEN part_type IN ('snoozed', 'unsnoozed', 'timer_unsnooze') THEN 'status'
         ELSE 'activity' END AS event_type,
    CASE WHEN part_type IN ('assignment', 'default_assignment', 'assign_and_reopen', 'assign_and_unsnooze')
             THEN (p ->> '$.assigned_to.id')
         WHEN part_type = 'close' THEN 'closed'
         WHEN part_type = 'snoozed' THEN 'on_hold'
         WHEN part_type IN ('open', 'unsnoozed', 'timer_unsnooze') THEN 'open'
         ELSE part_type END AS to_value,
    CASE WHEN is_bot THEN 'bot' WHEN author_type = 'admin' THEN 'agent'
         WHEN author_type IN ('user', 'lead', 'contact') THEN 'customer' ELSE 'system' END AS actor_role,
    CASE WHEN author_type IN ('admin', 'bot') THEN $source_system || ':' || author_id END AS actor_agent_key,
    $batch_id AS batch_id,
    p AS raw, p AS _raw,
    _reject_column, _reject_reason,
    _counted, _row, _line
FROM stg_ic_part_typed
WHERE NOT is_message;

-- conversation_rating: 1-5 stars; created_at is when the rating was requested.
CREATE OR REPLACE TEMP TABLE stg_rating AS
WITH r AS (
    SELECT _row, _line, (record ->> 'id') AS conv_id, (record -> 'conversation_rating') AS cr,
           try_cast(record ->> '$.conversation_rating.rating' AS INTEGER) AS stars
    FROM stg_ic
    WHERE kind = 'conversation' AND json_type(record, '$.conversation_rating') = 'OBJECT'
      AND (record ->> '$.conversation_rating.rating') IS NOT NULL
)
SELECT
    $source_system || ':' || conv_id || ':rating' AS rating_key,
    $source_system || ':' || conv_id AS conversation_key,
    $source_system AS source_system,
    conv_id || ':rating' AS source_id,
    ss_ts(cr ->> 'created_at', 'UTC', NULL) AS offered_at,
    coalesce(ss_ts(cr ->> 'updated_at', 'UTC', NULL), ss_ts(cr ->> 'created_at', 'UTC', NULL)) AS rated_at,
    '1-5' AS scale,
    (cr ->> 'rating') AS raw_value,
    (stars - 1) / 4.0 AS score_norm,
    stars >= 4 AS is_positive,
    stars <= 2 AS is_negative,
    ss_text(cr ->> 'remark') AS comment,
    CASE WHEN ss_text(cr ->> '$.teammate.id') IS NOT NULL THEN $source_system || ':' || (cr ->> '$.teammate.id') END AS agent_key_at_rating,
    $batch_id AS batch_id,
    cr AS raw, cr AS _raw,
    CASE WHEN stars IS NULL OR stars NOT BETWEEN 1 AND 5 THEN 'conversation_rating.rating' END AS _reject_column,
    CASE WHEN stars IS NULL OR stars NOT BETWEEN 1 AND 5
         THEN 'rating ' || ss_quote(cr ->> 'rating') || ' is not 1-5' END AS _reject_reason,
    _row, _line
FROM r;

-- Teammates and bots named by parts, assignees and ratings get agent rows (new keys only, so
-- an agent file imported earlier keeps its fuller row).
INSERT INTO agent (agent_key, source_system, source_id, name, email, is_bot, bot_kind, batch_id)
SELECT agent_key, $source_system, any_value(split_part(agent_key, ':', -1)), max(name), max(email),
       bool_or(is_bot), CASE WHEN bool_or(is_bot) THEN 'rule' END, $batch_id
FROM (
    SELECT $source_system || ':' || author_id AS agent_key, (p ->> '$.author.name') AS name,
           (p ->> '$.author.email') AS email, is_bot
    FROM stg_ic_part_typed WHERE author_type IN ('admin', 'bot') AND ss_text(author_id) IS NOT NULL
    UNION ALL
    SELECT assignee_agent_key, NULL, NULL, false FROM stg_conversation
    WHERE assignee_agent_key IS NOT NULL AND _reject_reason IS NULL
)
WHERE agent_key NOT IN (SELECT agent_key FROM agent)
GROUP BY agent_key;
