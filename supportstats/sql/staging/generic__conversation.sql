-- Canonical flat conversations file -> generic__conversation. The shortcut columns
-- first_response_at / resolved_at / csat are stored on the conversation; the views
-- message_all / conversation_event_all / rating_all show them as rows (schema/004).
WITH typed AS (
    SELECT
        r._row, r._line,
        ss_text(r.conversation_id) AS sid,
        ss_ts(r.created_at, $tz, $ts_format) AS created_ts,
        ss_ts(r.first_response_at, $tz, $ts_format) AS first_response_ts,
        ss_ts(r.resolved_at, $tz, $ts_format) AS resolved_ts,
        ss_decimal_text(r.csat, $decimal_comma) AS csat_v,
        -- Scale names as a ratings file takes them (generic__rating.sql): lower case.
        coalesce(lower(ss_text(r.csat_scale)), '1-5') AS csat_sc,
        ss_rating_norm(csat_v, csat_sc) AS csat_norm,
        r.*
    FROM stg_raw AS r
)
SELECT
    $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    coalesce(ss_text(kind), CASE ss_channel(channel) WHEN 'voice' THEN 'call' WHEN 'chat' THEN 'chat' ELSE 'ticket' END) AS kind,
    ss_channel(channel) AS channel,
    -- A key is NULL where its id is empty: || with NULL gives NULL.
    $source_system || ':' || ss_text(queue) AS queue_key,
    $source_system || ':' || ss_text(team) AS team_key,
    $source_system || ':' || ss_text(contact) AS contact_key,
    $source_system || ':' || ss_text(agent) AS assignee_agent_key,
    created_ts AS created_at,
    coalesce(lower(ss_text(initiated_by)), 'customer') AS initiated_by,
    lower(ss_text(status)) AS status_current,
    lower(ss_text(priority)) AS priority,
    ss_text(subject) AS subject,
    -- Most rows hold one tag or none: only a list of several pays for the split.
    CASE WHEN regexp_matches(tags, '[|,;]')
         THEN list_filter(list_transform(regexp_split_to_array(tags, '[|,;]'), lambda t: trim(t)), lambda t: t <> '')
         WHEN ss_text(tags) IS NOT NULL THEN [ss_text(tags)]
    END AS tags,
    CASE WHEN $tz <> 'UTC' THEN $tz END AS source_timezone,
    -- Named as the raw columns: in this SELECT those names still mean the raw text.
    first_response_ts AS first_response_at,
    resolved_ts AS resolved_at,
    csat_v AS csat,
    CASE WHEN csat_v IS NOT NULL THEN csat_sc END AS csat_scale,
    $batch_id AS batch_id,
    _extra AS raw,
    CASE
        WHEN sid IS NULL THEN 'conversation_id'
        WHEN created_ts IS NULL THEN 'created_at'
        WHEN ss_text(first_response_at) IS NOT NULL AND first_response_ts IS NULL THEN 'first_response_at'
        WHEN ss_text(resolved_at) IS NOT NULL AND resolved_ts IS NULL THEN 'resolved_at'
        WHEN csat_v IS NOT NULL AND (csat_norm IS NULL OR csat_norm NOT BETWEEN 0 AND 1) THEN 'csat'
    END AS _reject_column,
    CASE
        WHEN sid IS NULL THEN 'conversation_id is empty; every row needs an id'
        WHEN created_ts IS NULL THEN 'created_at ' || ss_quote(created_at) || ss_not_ts(created_at)
        WHEN ss_text(first_response_at) IS NOT NULL AND first_response_ts IS NULL
            THEN 'first_response_at ' || ss_quote(first_response_at) || ss_not_ts(first_response_at)
        WHEN ss_text(resolved_at) IS NOT NULL AND resolved_ts IS NULL
            THEN 'resolved_at ' || ss_quote(resolved_at) || ss_not_ts(resolved_at)
        WHEN csat_v IS NOT NULL AND (csat_norm IS NULL OR csat_norm NOT BETWEEN 0 AND 1)
            THEN 'csat ' || ss_quote(csat) || ' is not a rating on the ' || csat_sc || ' scale'
    END AS _reject_reason,
    _row, _line
FROM typed
