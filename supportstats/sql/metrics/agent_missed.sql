-- agent_missed: chats offered to an agent that the agent never took (docs/metrics.md#missed).
-- An engagement (not an assignee event) that ended with no acceptance and no agent message:
-- Zendesk Chat's per-agent "missed" (the agent did not answer and the visitor left or the
-- chat moved on). Counted in the period of the offer.
select
    a.agent_key,
    count(*) as missed_offers
from "{{asg}}" a
where a.is_engagement
  and a.answered_at is null
  and a.ended_at is not null
  and a.started_at >= $start and a.started_at < $end
  and ($f_agent::varchar[] is null or list_contains($f_agent, a.agent_key))
group by a.agent_key
