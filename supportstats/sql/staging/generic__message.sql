-- Canonical flat messages file -> generic__message.
WITH typed AS (
    SELECT
        ss_text(r.message_id) AS sid,
        ss_text(r.conversation_id) AS cid,
        ss_ts(r.created_at, $tz, $ts_format) AS created_ts,
        lower(ss_text(r.author_role)) AS role,
        r.*
    FROM stg_raw AS r
)
SELECT
    $source_system || ':' || sid AS message_key,
    $source_system || ':' || cid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    created_ts AS created_at,
    role AS author_role,
    CASE WHEN role IN ('agent', 'bot') THEN $source_system || ':' || ss_text(author) END AS author_agent_key,
    CASE WHEN role = 'customer' THEN $source_system || ':' || ss_text(author) END AS author_contact_key,
    coalesce(lower(ss_text(visibility)), 'public') AS visibility,
    coalesce(lower(ss_text(automation)), 'none') AS automation,
    coalesce(lower(ss_text(kind)), 'text') AS kind,
    body,
    $batch_id AS batch_id,
    _extra AS raw,
    -- Two short lists: DuckDB turns an IN list of five or more names into a join.
    CASE
        WHEN sid IS NULL THEN 'message_id'
        WHEN cid IS NULL THEN 'conversation_id'
        WHEN created_ts IS NULL THEN 'created_at'
        WHEN role IS NULL OR NOT (role IN ('customer', 'agent', 'bot') OR role IN ('system', 'third_party')) THEN 'author_role'
        WHEN lower(ss_text(visibility)) NOT IN ('public', 'internal') THEN 'visibility'
    END AS _reject_column,
    CASE
        WHEN sid IS NULL THEN 'message_id is empty; every row needs an id'
        WHEN cid IS NULL THEN 'conversation_id is empty; every message belongs to a conversation'
        WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(created_at) || ss_not_ts(created_at)
        WHEN role IS NULL OR NOT (role IN ('customer', 'agent', 'bot') OR role IN ('system', 'third_party'))
            THEN 'author_role ' || ss_quote(author_role) || ' is not one of customer, agent, bot, system, third_party'
        WHEN lower(ss_text(visibility)) NOT IN ('public', 'internal')
            THEN 'visibility ' || ss_quote(visibility) || ' is not public or internal'
    END AS _reject_reason,
    _row, _line
FROM typed
