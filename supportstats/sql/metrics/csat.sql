-- csat: customer satisfaction per group (docs/metrics.md#csat).
-- Ratings come from rating_score; with csat_ratings=latest only each conversation's latest
-- scored rating counts (a rating changed twice counts once, with its last value).
-- csat_score follows csat_formula (the score expression is chosen from the option).
-- csat_offered: conversations that got a survey (a rating row or a csat_request message);
-- csat_response_rate = conversations with a response / conversations offered.
-- Wilson 95 % interval on the score's proportion (x of n); none for the 'net' formula.
-- Credited to the agent at rating time, else the conversation's assignee.
-- {{rows}}: csat_rows (one row per offered conversation, or per rating with csat_ratings=all);
-- {{offered}} / {{responded}} count conversations (count(*) when a row is a conversation).
with agg as (
    select
        {{dims}}
        {{offered}} as csat_offered,
        count(f.s) as csat_responses,
        {{responded}} as responded,
        count(*) filter (where f.is_positive) as csat_positive,
        count(*) filter (where f.is_negative) as csat_negative,
        avg(f.s) as csat_mean,
        sum(f.s) as s_sum
    from {{rows}} f
    where {{where}}
    group by all
),
scored as (
    select *, {{score}} as csat_score, {{x}} as x, {{n}} as n
    from agg
)
select
    * exclude (responded, s_sum, x, n),
    responded / nullif(csat_offered, 0) as csat_response_rate,
    -- Wilson score interval, z = 1.96
    case when n > 0 then
        (x / n + 1.96 ^ 2 / (2 * n)
         - 1.96 * sqrt(x / n * (1 - x / n) / n + 1.96 ^ 2 / (4 * n ^ 2)))
        / (1 + 1.96 ^ 2 / n) end as csat_ci_low,
    case when n > 0 then
        (x / n + 1.96 ^ 2 / (2 * n)
         + 1.96 * sqrt(x / n * (1 - x / n) / n + 1.96 ^ 2 / (4 * n ^ 2)))
        / (1 + 1.96 ^ 2 / n) end as csat_ci_high
from scored
