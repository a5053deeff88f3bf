-- missed: answered, abandoned and missed contacts per group (docs/metrics.md#missed).
-- queued: contacts that waited in a queue (queue_enter, or any chat/call).
-- answered: an agent accepted or replied. abandoned: queued and left before an answer;
-- those who left within $short_abandon_s seconds are short_abandoned and counted in neither
-- abandoned nor missed. missed: per option missed_rule.
-- Attribution: the answering agent, else the assignee (so per-agent counts add up).
select
    {{dims}}
    count(*) filter (where f.queued_at is not null) as queued,
    count(*) filter (where f.answered_at is not null) as answered,
    count(*) filter (where f.is_abandoned and not ({{short}})) as abandoned,
    count(*) filter (where f.is_abandoned and {{short}}) as short_abandoned,
    count(*) filter (where ({{missed}}) and not (f.is_abandoned and {{short}})) as missed
from "{{facts}}" f
where {{where}}
group by all
