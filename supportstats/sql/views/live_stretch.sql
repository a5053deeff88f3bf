-- live_stretch: the agent stretches concurrency counts, as epoch microseconds for the sweep
-- (supportstats/metrics/sweep.py, docs/metrics.md#concurrency). Live stretches only (chats,
-- calls: tickets are not worked while merely assigned), clipped to [$start, $end); open
-- stretches end at $as_of. Fragments: {{asg}} the assignment intervals (a table or a
-- subquery); {{begin}} the stretch start (option concurrency_start: assignment, acceptance or
-- first agent message).
select agent_key, epoch_us(s) as s_us, epoch_us(e) as e_us, is_chat
from (
    select
        agent_key,
        greatest({{begin}}, $start) as s,
        least(coalesce(ended_at, $as_of), $end) as e,
        is_chat
    from {{asg}}
    where {{begin}} is not null and is_live
)
where e > s
