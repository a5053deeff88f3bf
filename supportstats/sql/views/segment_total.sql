-- segment_total: per agent, the concurrency sums over the whole period, reduced from the
-- sweep's segments in numpy (supportstats/metrics/sweep.py per_agent, passed as {{sweep}}):
-- busy_s = time with c >= 1, cd_s = integral of c dt, max_c, busy_ge_k_s = time with
-- c >= $concurrency_k. Read by metrics/concurrency_totals.sql.
select agent_key::varchar as agent_key, busy_s, cd_s, max_c, busy_ge_k_s
from {{sweep}}
