-- Agents (assigned_to), teams (assignment_group) and callers named by the loaded incidents
-- get their reference rows; rows already present are kept.
INSERT INTO agent (agent_key, source_system, source_id, name, role, is_bot, batch_id)
SELECT DISTINCT k, $source_system, substr(k, length($source_system) + 2),
       substr(k, length($source_system) + 2), 'agent', false, $batch_id
FROM (
    SELECT to_value AS k FROM stg_derived_event WHERE event_type = 'assignee'
    UNION
    SELECT assignee_agent_key FROM stg_conversation
)
WHERE k IS NOT NULL AND k NOT IN (SELECT agent_key FROM agent);

INSERT INTO team (team_key, source_system, source_id, name, batch_id)
SELECT DISTINCT k, $source_system, substr(k, length($source_system) + 2),
       substr(k, length($source_system) + 2), $batch_id
FROM (
    SELECT to_value AS k FROM stg_derived_event WHERE event_type = 'team'
    UNION
    SELECT team_key FROM stg_conversation
)
WHERE k IS NOT NULL AND k NOT IN (SELECT team_key FROM team);

INSERT INTO contact (contact_key, source_system, source_id, name, batch_id)
SELECT DISTINCT contact_key, $source_system, substr(contact_key, length($source_system) + 2),
       substr(contact_key, length($source_system) + 2), $batch_id
FROM stg_conversation
WHERE contact_key IS NOT NULL AND contact_key NOT IN (SELECT contact_key FROM contact);
