-- agent_current_team: each agent's team for agent-level metrics (concurrency, utilisation):
-- the team of their latest agent_team row.
select agent_key, any_value(team_key order by valid_from desc nulls last, team_key) as team_key
from agent_team
group by agent_key
