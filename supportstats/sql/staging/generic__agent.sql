-- Canonical flat agents file -> agent (team membership: generic__int_agent_team).
WITH typed AS (
    SELECT ss_text(r.agent_id) AS aid, r.* FROM stg_raw AS r
)
SELECT
    $source_system || ':' || aid AS agent_key,
    $source_system AS source_system,
    aid AS source_id,
    coalesce(ss_text(name), aid) AS name,
    ss_text(email) AS email,
    lower(ss_text(role)) AS role,
    coalesce(ss_bool(is_bot), false) AS is_bot,
    CASE WHEN ss_bool(is_bot) THEN 'rule' END AS bot_kind,
    coalesce(ss_bool(active), true) AS active,
    $batch_id AS batch_id,
    _extra AS raw,
    CASE WHEN aid IS NULL THEN 'agent_id' END AS _reject_column,
    CASE WHEN aid IS NULL THEN 'agent_id is empty; every row needs an id' END AS _reject_reason,
    _row, _line
FROM typed
