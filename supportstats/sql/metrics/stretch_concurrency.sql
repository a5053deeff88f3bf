-- stretch_concurrency: the ended live stretches with a handle time (the rows handle_time reads,
-- one per stretch, not summed per conversation), with the agent of the stretch and its end as
-- epoch microseconds, for looking up that agent's concurrency c(t) over the handled span
-- (supportstats/metrics/handle_concurrency.py, docs/metrics.md#handle-time-by-concurrency).
select
    {{dims}}
    f.agent_key as stretch_agent_key,
    f.conversation_key,
    f.ended_at,
    f.handle_s,
    epoch_us(f.ended_at) as e_us
from "{{hs}}" f
where {{where}} and f.handle_s is not null
