-- utilisation: occupancy and utilisation per agent (docs/metrics.md#occupancy-utilisation).
-- Denominator time D per agent and bucket:
--   source 'status': agent_status_interval time in the classes {{den_classes}} (option
--     utilisation_denominator: available + occupied, or every logged-in class);
--   source 'engagements' (agents with no status rows): first engagement start to last end
--     within each bucket (a day when not grouped by time), a proxy for logged-in time.
-- occupancy   = time with >= 1 engagement inside D / D
-- utilisation = engagement load inside D / D, a chat weighing 1/chat_capacity, a call 1.
-- {{segments}} / {{status}}: engagement segments and clipped status intervals, both split into
-- buckets of $bucket_min minutes (column b = bucket start).
-- Not grouped by time, intervals are not cut: status time is matched over the whole period
-- (b constant) and the engagement span is taken per local day of the segment start.
-- {{from_engagements}}: the 'engagements' rows, from seg (FROM_SEGMENTS in utilisation.py)
-- or, not grouped by time, from the per-day rollup of the segments (views/segment_day.sql).
-- {{agent_team}}: each agent's team (views/agent_current_team.sql).
with seg as (
    select *, {{b}} as b, {{b_eng}} as b_eng from ({{segments}})
),
st as (
    select *, {{b}} as b from ({{status}})
    where status_class in {{den_classes}}
),
with_status as (
    select distinct agent_key from agent_status_interval
),
den_status as (
    select agent_key, b, sum(epoch(e) - epoch(s)) as den_s from st group by all
),
inside as (
    select
        g.agent_key,
        g.b,
        sum(epoch(least(g.e, d.e)) - epoch(greatest(g.s, d.s))) as busy_s,
        sum(g.load * (epoch(least(g.e, d.e)) - epoch(greatest(g.s, d.s)))) as load_s
    from seg g
    join st d on d.agent_key = g.agent_key and d.b = g.b and g.s < d.e and d.s < g.e
    group by all
),
from_status as (
    select d.agent_key, d.b, d.den_s, coalesce(i.busy_s, 0) as busy_s,
        coalesce(i.load_s, 0) as load_s, 'status' as source
    from den_status d
    left join inside i using (agent_key, b)
),
from_engagements as (
    {{from_engagements}}
),
rows as (
    select r.*, timezone($tz, r.b::timestamp) as s, t.team_key
    from (select * from from_status union all select * from from_engagements) r
    left join ({{agent_team}}) t using (agent_key)
)
select
    {{dims}}
    sum(f.den_s) as staffed_s,
    sum(f.busy_s) / nullif(sum(f.den_s), 0) as occupancy,
    sum(f.load_s) / nullif(sum(f.den_s), 0) as utilisation,
    string_agg(distinct f.source, '+' order by f.source) as utilisation_source
from rows f
where ($f_agent::varchar[] is null or list_contains($f_agent, f.agent_key))
  and ($f_team::varchar[] is null or list_contains($f_team, f.team_key))
group by all
