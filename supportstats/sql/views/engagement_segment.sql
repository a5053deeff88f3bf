-- engagement_segment: each agent's concurrency as a step function c(t), one row per constant
-- stretch [s, e) with c >= 1, columns agent_key, s, e, c, load (docs/metrics.md#concurrency).
-- {{sweep}} is the output of the sweep (supportstats/metrics/sweep.py) over live_stretch.sql.
-- load weighs chats 1/$chat_capacity and calls 1, for utilisation: chats open /
-- $chat_capacity + other engagements open.
select
    agent_key::varchar as agent_key,
    s,
    e,
    c,
    chats / $chat_capacity + (c - chats) as load
from {{sweep}}
