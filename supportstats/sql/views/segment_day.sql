-- segment_day: engagement segments (engagement_segment.sql) rolled up per agent and local day
-- of the segment start, with every sum concurrency and utilisation take over segments when
-- they are not grouped by time: the agent report reads a few hundred thousand rows instead of
-- one row per segment. Cached with the segments (supportstats/metrics/concurrency.py).
-- Fragments: {{segments}} the segments (a quoted table name or a subquery); {{day}} the
-- local day of s (option timezone).
select
    agent_key,
    {{day}} as b_eng,
    sum(epoch(e) - epoch(s)) as busy_s,
    sum(c * (epoch(e) - epoch(s))) as cd_s,
    max(c) as max_c,
    sum(epoch(e) - epoch(s)) filter (where c >= $concurrency_k) as busy_ge_k_s,
    sum(load * (epoch(e) - epoch(s))) as load_s,
    min(s) as first_s,
    max(e) as last_e
from {{segments}}
group by all
