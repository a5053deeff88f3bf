-- conversation: one row per conversation, the export users ask vendors for most
-- (docs/metrics.md#conversation-export). Keyed by source_system and the source's own id.
-- Durations in seconds in the option clock; csat is the latest rating (normalised 0..1) with
-- its raw value; agent is the current assignee, responder the agent credited with the FRT.
with ratings as (
    {{ratings}}
),
latest as (
    select r.conversation_key, r.s, r.is_positive, x.raw_value
    from ratings r
    join rating_all x using (rating_key)
    where r.s is not null
    qualify row_number() over (partition by r.conversation_key
        order by coalesce(r.rated_at, r.offered_at) desc nulls last, r.rating_key desc) = 1
)
select
    f.source_system,
    f.conversation_id,
    f.created_at,
    f.kind,
    f.channel,
    f.queue_key,
    f.team_key,
    f.priority,
    f.status_current as status,
    f.assignee_agent_key as agent_key,
    f.responder_agent_key,
    f.agents_engaged,
    f.frt_s as first_response_s,
    f.wait_s,
    f.is_resolved as resolved,
    f.resolved_at,
    f.resolution_s,
    f.reopens,
    f.is_abandoned as abandoned,
    {{missed}} as missed,
    f.handle_s as handle_time_s,
    f.duration_s,
    l.s as csat_score,
    l.raw_value as csat_raw,
    l.is_positive as csat_positive,
    f.tags,
    -- durations left out because their end came before their start (docs/metrics.md)
    f.backwards_spans
from "{{facts}}" f
left join latest l using (conversation_key)
where {{where}}
order by f.created_at, f.source_system, f.conversation_id
