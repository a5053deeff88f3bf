-- frt_cycle: one row per resolution cycle of every conversation (option frt_scope=cycle), with
-- the conversation's facts columns and the FRT columns replaced by the cycle's own:
-- frt_start_at (cycle start), first_reply_at, responder_agent_key, frt_s (calendar seconds;
-- business seconds are swapped in afterwards when clock=business), plus cycle_no (0 = first)
-- and cycle_resolved_at (the resolve that ends it, NULL while open).
-- Cycle 0 runs from the facts' frt_start_at (options frt_start, agent_initiated) to the first
-- resolve at or after it; every reopen that follows a resolve starts a new cycle, which ends at
-- the next resolve. Resolves and reopens are classified as in resolution_summary.sql (a close
-- is a resolve only when the conversation has no resolve at all; reopens before a resolve are
-- status noise). A cycle's first response is the first qualifying reply (public, not
-- automated, an agent or, with bot_replies=include, a bot) at or after its start and no later
-- than its resolve (an open cycle: before the next cycle starts). No reply: NULL.
-- Fragments: {{facts}} the conversation facts table; {{bot_replies}} true/false;
-- {{resolution_events}} resolution_event.sql.
with ev as (
    select distinct conversation_key, occurred_at, kind from ({{resolution_events}})
),
marks as (
    select
        conversation_key,
        occurred_at,
        -- a close stands in for a resolve only when there is no resolve at all
        case when kind = 'close'
             then case when bool_or(kind = 'resolve') over (partition by conversation_key)
                       then null else 'resolve' end
             else kind end as kind
    from ev
    where kind is not null
),
seq as (
    select
        *,
        -- at the same instant a resolve comes before a reopen
        lag(kind) over (partition by conversation_key order by occurred_at, kind = 'reopen')
            as prev_kind
    from marks
    where kind is not null
),
starts as (
    select f.conversation_key, 0 as k, f.frt_start_at as cycle_start_at
    from "{{facts}}" f
    union all
    select s.conversation_key, 1 as k, s.occurred_at as cycle_start_at
    from seq s
    join "{{facts}}" f using (conversation_key)
    where s.kind = 'reopen' and s.prev_kind = 'resolve' and s.occurred_at > f.frt_start_at
),
numbered as (
    select
        conversation_key,
        cycle_start_at,
        row_number() over (partition by conversation_key order by k, cycle_start_at) - 1
            as cycle_no,
        lead(cycle_start_at) over (partition by conversation_key order by k, cycle_start_at)
            as next_start_at
    from starts
),
bounded as (
    select
        n.conversation_key,
        n.cycle_no,
        n.cycle_start_at,
        n.next_start_at,
        min(s.occurred_at) as cycle_resolved_at
    from numbered n
    left join seq s
      on s.conversation_key = n.conversation_key
     and s.kind = 'resolve'
     and s.occurred_at >= n.cycle_start_at
     and (n.next_start_at is null or s.occurred_at < n.next_start_at)
    group by all
),
-- cycle 0's first reply is the facts' first reply (the first at or after frt_start_at), if it
-- came within the cycle; later cycles look at the messages again
later_reply as (
    select
        b.conversation_key,
        b.cycle_no,
        min(m.created_at) as reply_at,
        arg_min(m.author_agent_key, (m.created_at, m.author_agent_key)) as replier_key
    from bounded b
    join message_all m
      on m.conversation_key = b.conversation_key
     and m.created_at >= b.cycle_start_at
     and (m.created_at <= b.cycle_resolved_at
          or (b.cycle_resolved_at is null
              and (b.next_start_at is null or m.created_at < b.next_start_at)))
    where b.cycle_no > 0
      and m.visibility = 'public'
      and m.automation = 'none'
      and (m.author_role = 'agent' or ({{bot_replies}} and m.author_role = 'bot'))
    group by all
),
cycles as (
    select
        b.conversation_key,
        b.cycle_no,
        b.cycle_start_at,
        b.cycle_resolved_at,
        case when b.cycle_no > 0 then lr.reply_at
             when f.first_reply_at <= coalesce(b.cycle_resolved_at, b.next_start_at,
                                               'infinity'::timestamptz)
              and (b.cycle_resolved_at is not null or b.next_start_at is null
                   or f.first_reply_at < b.next_start_at)
             then f.first_reply_at end as reply_at,
        case when b.cycle_no > 0 then lr.replier_key
             when f.first_reply_at <= coalesce(b.cycle_resolved_at, b.next_start_at,
                                               'infinity'::timestamptz)
              and (b.cycle_resolved_at is not null or b.next_start_at is null
                   or f.first_reply_at < b.next_start_at)
             then f.responder_agent_key end as replier_key
    from bounded b
    join "{{facts}}" f using (conversation_key)
    left join later_reply lr using (conversation_key, cycle_no)
)
select
    f.* replace (
        c.cycle_start_at as frt_start_at,
        c.reply_at as first_reply_at,
        c.replier_key as responder_agent_key,
        epoch(c.reply_at) - epoch(c.cycle_start_at) as frt_s
    ),
    c.cycle_no,
    c.cycle_resolved_at
from cycles c
join "{{facts}}" f using (conversation_key)
