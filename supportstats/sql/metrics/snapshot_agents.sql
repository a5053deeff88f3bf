-- snapshot_agents: agents at $as_of: their status and current load (open engagements).
-- Online: a status interval covering $as_of whose class is not offline; agents with open
-- engagements but no status data show status 'unknown'. chats_open counts chats only.
with status_now as (
    select agent_key, arg_max(status_class, started_at) as status_class
    from agent_status_interval
    where started_at <= $as_of and (ended_at is null or ended_at > $as_of)
    group by agent_key
),
load_now as (
    select
        agent_key,
        count(*) as engagements_open,
        count(*) filter (where is_chat) as chats_open,
        sum(case when is_chat then 1.0 / $chat_capacity else 1.0 end) as load
    from "{{asg}}"
    where started_at <= $as_of and (ended_at is null or ended_at > $as_of) and is_live
    group by agent_key
)
select
    agent_key,
    coalesce(s.status_class, 'unknown') as status,
    coalesce(s.status_class not in ('offline'), true) as online,
    coalesce(l.engagements_open, 0) as engagements_open,
    coalesce(l.chats_open, 0) as chats_open,
    coalesce(l.load, 0) as load
from status_now s
full join load_now l using (agent_key)
where coalesce(s.status_class, 'unknown') <> 'offline' or l.engagements_open > 0
order by agent_key
