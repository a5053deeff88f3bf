-- A write, not a staging model: good staged rows into warehouse tables Writer.upsert
-- does not handle (issue 18: the writer should own it; run with ctx.run_sql).
-- Point every row naming an alias of _int_agent_aliases (_agent_aliases.sql) at the agent it is,
-- in every batch: the conversations they belong to are recomputed (fact_pending); the agent
-- row with the id learns the e-mail (and a name it lacked); the alias row goes.
INSERT INTO fact_pending
SELECT DISTINCT $batch_id, conversation_key FROM (
    SELECT conversation_key FROM rating WHERE agent_key_at_rating IN (SELECT alias_key FROM _int_agent_aliases)
    UNION ALL SELECT conversation_key FROM message WHERE author_agent_key IN (SELECT alias_key FROM _int_agent_aliases)
    UNION ALL SELECT conversation_key FROM conversation WHERE assignee_agent_key IN (SELECT alias_key FROM _int_agent_aliases)
    UNION ALL SELECT conversation_key FROM engagement WHERE agent_key IN (SELECT alias_key FROM _int_agent_aliases)
    UNION ALL SELECT conversation_key FROM conversation_event
    WHERE actor_agent_key IN (SELECT alias_key FROM _int_agent_aliases)
       OR (event_type IN ('assignee', 'transfer')
           AND (from_value IN (SELECT alias_key FROM _int_agent_aliases) OR to_value IN (SELECT alias_key FROM _int_agent_aliases)))
);

UPDATE rating SET agent_key_at_rating = a.agent_key FROM _int_agent_aliases a WHERE rating.agent_key_at_rating = a.alias_key;

UPDATE message SET author_agent_key = a.agent_key FROM _int_agent_aliases a WHERE message.author_agent_key = a.alias_key;

UPDATE conversation SET assignee_agent_key = a.agent_key FROM _int_agent_aliases a WHERE conversation.assignee_agent_key = a.alias_key;

UPDATE engagement SET agent_key = a.agent_key FROM _int_agent_aliases a WHERE engagement.agent_key = a.alias_key;

UPDATE conversation_event SET actor_agent_key = a.agent_key FROM _int_agent_aliases a WHERE conversation_event.actor_agent_key = a.alias_key;

UPDATE conversation_event SET from_value = a.agent_key FROM _int_agent_aliases a
WHERE conversation_event.event_type IN ('assignee', 'transfer') AND conversation_event.from_value = a.alias_key;

UPDATE conversation_event SET to_value = a.agent_key FROM _int_agent_aliases a
WHERE conversation_event.event_type IN ('assignee', 'transfer') AND conversation_event.to_value = a.alias_key;

UPDATE agent_status_interval SET agent_key = a.agent_key FROM _int_agent_aliases a WHERE agent_status_interval.agent_key = a.alias_key;

UPDATE agent_team SET agent_key = a.agent_key FROM _int_agent_aliases a WHERE agent_team.agent_key = a.alias_key;

UPDATE agent SET email = coalesce(agent.email, x.email),
                 name = CASE WHEN agent.name IS NULL OR agent.name = agent.source_id THEN x.name ELSE agent.name END
FROM (SELECT s.agent_key, any_value(a.email) AS email, any_value(a.name) AS name
      FROM _int_agent_aliases s JOIN agent a ON a.agent_key = s.alias_key GROUP BY s.agent_key) x
WHERE agent.agent_key = x.agent_key;

DELETE FROM agent WHERE agent_key IN (SELECT alias_key FROM _int_agent_aliases);
