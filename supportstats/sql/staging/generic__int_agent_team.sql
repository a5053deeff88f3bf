-- Canonical flat agents file -> each agent's team (agent_team rows, written with the team by
-- load/generic__agent_team.sql for the agents generic__agent kept).
SELECT
    $source_system || ':' || ss_text(r.agent_id) AS agent_key,
    $source_system || ':' || trim(r.team) AS team_key,
    _row
FROM stg_raw AS r
WHERE ss_text(r.agent_id) IS NOT NULL AND ss_text(r.team) IS NOT NULL
