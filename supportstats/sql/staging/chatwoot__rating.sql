-- Chatwoot CSAT responses -> rating (chatwoot__int_csat without the agent's "Name (email)"
-- text, which load/chatwoot__csat_agents.sql reads).
SELECT * EXCLUDE (agent_text) FROM chatwoot__int_csat
