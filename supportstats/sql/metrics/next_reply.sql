-- next_reply: next-reply time per group, calendar seconds (docs/metrics.md#next-reply).
-- Each later customer wait (wait_no >= 1) to the next qualifying reply; open waits excluded.
-- one quantile state serves the median and the p90
select
    {{names}}
    next_reply_count,
    next_reply_mean_s,
    q[1] as next_reply_median_s,
    q[2] as next_reply_p90_s
from (
    select
        {{dims}}
        count(w.reply_s) as next_reply_count,
        avg(w.reply_s) as next_reply_mean_s,
        quantile_cont(w.reply_s, [0.5, 0.9]) as q
    from "{{waits}}" w
    join "{{facts}}" f using (conversation_key)
    where {{where}} and w.wait_no >= 1 and w.reply_s is not null
    group by all
)
