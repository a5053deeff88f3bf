-- conversation_facts: one row per conversation with every timestamp, duration (calendar
-- seconds; business seconds are swapped in afterwards when clock=business) and credited agent
-- the metric families read. Built once per option set and cached (supportstats/metrics/facts.py).
-- Fragments (fixed SQL chosen from options, never user text):
--   {{msg}} {{asg}} {{que}} {{res}}  the message/assignment/queue/resolution summaries
--   {{frt_start}}        expression of the FRT clock start (option frt_start)
--   {{agent_initiated}}  expression of the start for agent-started conversations
--   {{resolved_at}}      first_resolved_at or last_resolved_at (option resolution_end)
--   {{resolution_start}} created_at or first_customer_at (option resolution_start)
--   {{bot_replies}}      true/false: public bot replies count as a response
with asg as (
    select
        conversation_key,
        min(started_at) as first_assigned_at,
        min(answered_at) as answered_at,
        -- ties go to the smallest agent key, so facts are the same on every run
        arg_min(agent_key, (answered_at, agent_key)) filter (where answered_at is not null)
            as answering_agent_key,
        max(ended_at) as last_ended_at,
        max(started_at) as last_started_at,
        arg_max(agent_key, (started_at, agent_key)) filter (where started_at is not null)
            as last_agent_key,
        sum(handle_s) as handle_s,
        count(distinct agent_key) as agents_engaged
    from {{asg}}
    group by conversation_key
),
base as (
    select
        c.conversation_key,
        c.source_system,
        c.source_id as conversation_id,
        c.kind,
        c.channel,
        c.queue_key,
        c.team_key,
        c.priority,
        c.tags,
        src.custom_attributes,
        c.created_at,
        c.status_current,
        c.assignee_agent_key,
        coalesce(src.src_missed, false) as src_missed,
        coalesce(src.first_customer_message_at, m.first_customer_at) as first_customer_at,
        m.first_reply_at as any_reply_at,
        m.first_replier_key as any_replier_key,
        m.first_human_reply_at,
        coalesce(m.human_replies, 0) as human_replies,
        coalesce(m.bot_replies, 0) as bot_replies,
        coalesce(m.messages, 0) as messages,
        m.last_message_at,
        coalesce(m.csat_requested, false) as csat_requested,
        -- who opened it: the source's word, else whoever wrote first
        coalesce(
            c.initiated_by in ('agent', 'trigger', 'system'),
            m.first_agent_side_at < coalesce(m.first_customer_at, 'infinity'::timestamptz),
            false
        ) as agent_initiated,
        q.queued_at as queue_enter_at,
        q.queue_exit_at,
        q.abandon_at,
        -- Chatwoot-style start: latest bot handoff or reopen before the first reply
        case when q.last_handoff_at <= coalesce(m.first_reply_at, 'infinity'::timestamptz)
             then q.last_handoff_at end as handoff_at,
        a.first_assigned_at,
        a.answered_at as engagement_answered_at,
        a.answering_agent_key,
        a.last_ended_at,
        a.last_started_at,
        a.last_agent_key,
        a.handle_s,
        coalesce(a.agents_engaged, 0) as agents_engaged,
        r.first_resolved_at,
        r.last_resolved_at,
        coalesce(r.reopens, 0) as reopens,
        r.last_reopen_at
    from {{conversation}} c
    left join {{conversation_source}} src using (conversation_key)
    left join {{msg}} m using (conversation_key)
    left join {{que}} q using (conversation_key)
    left join asg a using (conversation_key)
    left join {{res}} r using (conversation_key)
),
started as (
    select
        *,
        case when agent_initiated then {{agent_initiated}} else {{frt_start}} end as frt_start_at
    from base
),
-- Conversations whose first reply came before the FRT start (agent-started ones, or starts at
-- assignment/handoff): look again for the first reply at or after the start. Only this subset
-- is joined back to message, so the common case costs one pass over messages.
late as (
    select s.conversation_key, s.frt_start_at
    from started s
    where s.any_reply_at < s.frt_start_at
),
late_reply as (
    select
        l.conversation_key,
        min(m.created_at) as reply_at,
        arg_min(m.author_agent_key, (m.created_at, m.author_agent_key)) as replier_key
    from {{message_all}} m
    join late l using (conversation_key)
    where m.created_at >= l.frt_start_at
      and m.visibility = 'public'
      and m.automation = 'none'
      and (m.author_role = 'agent' or ({{bot_replies}} and m.author_role = 'bot'))
    group by l.conversation_key
),
replied as (
    select
        s.*,
        case when s.frt_start_at is null then null
             when s.any_reply_at >= s.frt_start_at then s.any_reply_at
             else lr.reply_at end as first_reply_at,
        case when s.frt_start_at is null then null
             when s.any_reply_at >= s.frt_start_at then s.any_replier_key
             else lr.replier_key end as responder_agent_key,
        -- resolved now: a resolve that no later reopen undid (or, with no events, the status)
        coalesce(
            s.last_resolved_at > coalesce(s.last_reopen_at, '-infinity'::timestamptz),
            s.status_current in ('resolved', 'solved', 'closed'),
            false
        ) as is_resolved,
        coalesce(s.queue_enter_at, case when s.kind in ('chat', 'call') then s.created_at end)
            as queued_at,
        coalesce(s.engagement_answered_at, s.first_human_reply_at) as answered_at
    from started s
    left join late_reply lr using (conversation_key)
),
final as (
    select
        *,
        case when resolution_end_at is not null then {{resolution_start}} end
            as resolution_start_at,
        -- the customer left unanswered: explicit abandon, a queue exit nobody answered, or the
        -- source says missed
        coalesce(queued_at is not null
            and (answered_at is null or answered_at > abandon_at)
            and (abandon_at is not null
                 or (queue_exit_at is not null and answered_at is null)
                 or status_current = 'missed'
                 or src_missed), false) as is_abandoned,
        case when answered_at is null or answered_at > abandon_at
             then coalesce(abandon_at, queue_exit_at) end as left_at,
        -- missed: a customer contact no person answered and that is over
        coalesce(not agent_initiated
            and coalesce(kind, '') <> 'offline_message'
            and first_human_reply_at is null
            and engagement_answered_at is null
            and (abandon_at is not null or queue_exit_at is not null
                 or last_resolved_at is not null
                 or status_current in ('missed', 'resolved', 'solved', 'closed')
                 or src_missed), false) as is_missed_no_reply,
        case when kind in ('chat', 'call')
             then coalesce(last_ended_at, last_resolved_at, last_message_at) end as ended_at
    from (
        select *,
            case when is_resolved or '{{resolution_end}}' = 'first' then {{resolved_at}} end
                as resolution_end_at
        from replied
    )
)
select
    conversation_key,
    source_system,
    conversation_id,
    kind,
    channel,
    queue_key,
    team_key,
    priority,
    tags,
    created_at,
    status_current,
    agent_initiated,
    -- current assignee: the source's, else the last agent engaged
    coalesce(assignee_agent_key, last_agent_key) as assignee_agent_key,
    first_customer_at,
    frt_start_at,
    first_reply_at,
    responder_agent_key,
    epoch(first_reply_at) - epoch(frt_start_at) as frt_s,
    human_replies,
    bot_replies,
    messages,
    is_resolved,
    first_resolved_at,
    resolution_start_at,
    resolution_end_at as resolved_at,
    -- A span that runs backwards (a resolve, answer or end dated before its start, e.g. from
    -- another file or clock) is no duration: NULL, named in backwards_spans, never averaged.
    case when resolution_end_at >= resolution_start_at
         then epoch(resolution_end_at) - epoch(resolution_start_at) end as resolution_s,
    -- last assignee before the resolve: the last stretch if it started before, else the source
    coalesce(
        case when last_started_at <= resolution_end_at then last_agent_key end,
        assignee_agent_key,
        last_agent_key
    ) as resolver_agent_key,
    reopens,
    queued_at,
    answered_at,
    answering_agent_key,
    case when answered_at >= queued_at then epoch(answered_at) - epoch(queued_at) end as wait_s,
    is_abandoned,
    left_at,
    case when is_abandoned and coalesce(left_at, last_message_at) >= queued_at
         then epoch(coalesce(left_at, last_message_at)) - epoch(queued_at) end as abandon_wait_s,
    is_missed_no_reply,
    ended_at,
    case when ended_at >= created_at then epoch(ended_at) - epoch(created_at) end as duration_s,
    handle_s,
    agents_engaged,
    csat_requested,
    -- a goal reached in the conversation (chat conversion): a custom attribute or a tag
    coalesce(
        try_cast(json_extract_string(custom_attributes, '$.goal') as boolean),
        list_has_any(tags, ['goal', 'converted', 'conversion']),
        false
    ) as is_goal,
    nullif(list_filter([
        case when resolution_end_at < resolution_start_at then 'resolution' end,
        case when answered_at < queued_at then 'wait' end,
        case when is_abandoned and coalesce(left_at, last_message_at) < queued_at
             then 'abandon_wait' end,
        case when ended_at < created_at then 'duration' end
    ], lambda x: x is not null), []) as backwards_spans
from final
