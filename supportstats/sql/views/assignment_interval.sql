-- assignment_interval: one row per agent stretch of a conversation.
-- From engagement rows where the source has them; for conversations without engagements, from
-- 'assignee' events (to_value = agent key), each lasting until the next assignee event or the
-- last resolve/close. Units: timestamps (UTC), handle_s in seconds (live contacts only).
-- answered_at is when the agent took the contact: acceptance, else their first message.
-- handle_s runs from that moment (else the assignment) to the end of the stretch: ringing time
-- before acceptance is not handling.
-- served: the agent sent a public, non-automated message in the stretch (the source's
-- first_agent_message_at, else one of their messages from its start to its end): the
-- engagements chats_served counts (docs/metrics.md#engagements-and-chats-served).
with from_engagement as (
    select
        conversation_key,
        agent_key,
        started_at,
        accepted_at,
        first_agent_message_at,
        ended_at,
        coalesce(accepted_at, first_agent_message_at) as answered_at,
        true as is_engagement
    from {{engagement}}
),
with_assignee as (
    select distinct conversation_key from {{conversation_event_all}} where event_type = 'assignee'
),
without_engagement as (
    -- engagements are looked up in the (usually few) conversations with assignee events, not
    -- hashed whole: with no assignee events this costs nothing
    select conversation_key from with_assignee
    except
    select conversation_key from {{engagement}} semi join with_assignee using (conversation_key)
),
assignee_event as (
    select
        e.conversation_key,
        -- to_value may hold the agent key or the source's own agent id
        coalesce(k.agent_key, s.agent_key, e.to_value) as agent_key,
        e.occurred_at as started_at,
        lead(e.occurred_at) over (partition by e.conversation_key order by e.occurred_at)
            as next_at
    from {{conversation_event_all}} e
    semi join without_engagement w on w.conversation_key = e.conversation_key
    left join (select distinct agent_key from agent) k on k.agent_key = e.to_value
    left join (
        select source_system, source_id, min(agent_key) as agent_key
        from agent group by all
    ) s on s.source_system = e.source_system and s.source_id = e.to_value
    where e.event_type = 'assignee'
),
closing as (
    select conversation_key, max(occurred_at) as closed_at
    from {{conversation_event_all}}
    semi join without_engagement w using (conversation_key)
    where event_type in ('resolve', 'close')
       or (event_type = 'status' and to_value in ('resolved', 'solved', 'closed'))
    group by conversation_key
),
agent_message as (
    select conversation_key, author_agent_key as agent_key, created_at
    from {{message_all}}
    where author_role = 'agent' and visibility = 'public' and automation = 'none'
      and author_agent_key is not null
),
from_event as (
    select
        a.conversation_key,
        a.agent_key,
        a.started_at,
        null::timestamptz as accepted_at,
        null::timestamptz as first_agent_message_at,
        coalesce(a.next_at, c.closed_at) as ended_at,
        null::timestamptz as answered_at,
        false as is_engagement
    from assignee_event a
    left join closing c using (conversation_key)
    where a.agent_key is not null and a.agent_key <> ''
)
select
    i.*,
    -- live contacts (chats, calls) are handled while the stretch lasts; a ticket assigned for
    -- two days was not worked for two days, so tickets get no handle time or concurrency
    coalesce(c.kind in ('chat', 'call') or c.channel in ('chat', 'voice', 'phone'), false)
        as is_live,
    -- a stretch ending before it was answered (an assignee event after the resolve) has none
    case when coalesce(c.kind in ('chat', 'call') or c.channel in ('chat', 'voice', 'phone'),
                       false)
              and i.ended_at >= coalesce(i.answered_at, i.started_at)
         then epoch(i.ended_at) - epoch(coalesce(i.answered_at, i.started_at)) end as handle_s,
    -- chats share an agent's attention (weight 1/chat_capacity); calls take it whole
    coalesce(c.kind = 'chat' or c.channel = 'chat', false) as is_chat,
    i.first_agent_message_at is not null or exists (
        select 1 from agent_message m
        where m.conversation_key = i.conversation_key
          and m.agent_key = i.agent_key
          and m.created_at >= i.started_at
          and m.created_at <= coalesce(i.ended_at, 'infinity'::timestamptz)
    ) as served
from (
    select * from from_engagement
    union all
    select * from from_event
) i
left join {{conversation}} c using (conversation_key)
