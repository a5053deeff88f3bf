-- Reference rows (agents, teams, queues, contacts) of the import batches being dropped
-- ($batches) that rows of other batches still name: they are kept, handed to the first batch
-- naming them, so dropping a batch never leaves a conversation, message, rating or interval
-- naming an agent, team, queue or contact that has no row. supportstats/batches.py.
CREATE OR REPLACE TEMP TABLE _drop_kept AS
WITH dropped AS (
    SELECT 'agent' AS tbl, agent_key AS k FROM agent WHERE list_contains($batches, batch_id)
    UNION ALL SELECT 'team', team_key FROM team WHERE list_contains($batches, batch_id)
    UNION ALL SELECT 'queue', queue_key FROM queue WHERE list_contains($batches, batch_id)
    UNION ALL SELECT 'contact', contact_key FROM contact WHERE list_contains($batches, batch_id)
),
named AS (
    SELECT 'agent' AS tbl, assignee_agent_key AS k, batch_id FROM conversation
    UNION ALL SELECT 'agent', author_agent_key, batch_id FROM message
    UNION ALL SELECT 'agent', actor_agent_key, batch_id FROM conversation_event
    UNION ALL SELECT 'agent', agent_key, batch_id FROM engagement
    UNION ALL SELECT 'agent', agent_key_at_rating, batch_id FROM rating
    UNION ALL SELECT 'agent', agent_key, batch_id FROM agent_status_interval
    UNION ALL SELECT 'agent', agent_key, batch_id FROM agent_team
    UNION ALL SELECT 'team', team_key, batch_id FROM conversation
    UNION ALL SELECT 'team', team_key_at_rating, batch_id FROM rating
    UNION ALL SELECT 'team', team_key, batch_id FROM agent_team
    UNION ALL SELECT 'queue', queue_key, batch_id FROM conversation
    UNION ALL SELECT 'contact', contact_key, batch_id FROM conversation
    UNION ALL SELECT 'contact', author_contact_key, batch_id FROM message
)
SELECT n.tbl, n.k AS key, min(n.batch_id) AS batch_id
FROM named n
SEMI JOIN dropped d ON d.tbl = n.tbl AND d.k = n.k
WHERE n.batch_id IS NULL OR NOT list_contains($batches, n.batch_id)
GROUP BY n.tbl, n.k;
