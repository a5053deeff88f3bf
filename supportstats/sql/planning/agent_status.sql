-- One row per agent status interval (available, occupied, away, break, offline), for the
-- time-weighted count of agents on duty. No parameters.
select agent_key, started_at, ended_at, status_class
from agent_status_interval
order by agent_key, started_at
