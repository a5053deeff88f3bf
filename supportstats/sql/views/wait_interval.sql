-- wait_interval: one row per customer wait: from the first customer message after an answer
-- (or after the start) to the next qualifying reply (NULL while still waiting).
-- wait_no = 0 is the wait the first response answers; later ones are next-reply waits.
-- A wait is a run of customer messages between two replies: numbering replies and giving
-- each message the number of replies before it groups a run with the reply that ends it.
-- Fragment {{bot_replies}}: true/false, whether public bot replies answer (Chatwoot: a bot
-- reply clears the wait).
with m as (
    select
        conversation_key,
        created_at,
        author_role,
        author_agent_key,
        visibility = 'public' and automation = 'none'
            and (author_role = 'agent' or ({{bot_replies}} and author_role = 'bot')) as is_reply
    from message_all
    where author_role in ('customer', 'agent', 'bot')
),
numbered as (
    select
        *,
        count(*) filter (where is_reply) over (
            partition by conversation_key order by created_at, is_reply
            rows between unbounded preceding and 1 preceding
        ) as wait_no
    from m
    where author_role = 'customer' or is_reply
)
select
    conversation_key,
    wait_no,
    min(created_at) filter (where not is_reply) as waiting_since,
    min(created_at) filter (where is_reply) as replied_at,
    arg_min(author_agent_key, (created_at, author_agent_key)) filter (where is_reply)
        as responder_agent_key,
    epoch(min(created_at) filter (where is_reply))
        - epoch(min(created_at) filter (where not is_reply)) as reply_s
from numbered
group by conversation_key, wait_no
having min(created_at) filter (where not is_reply) is not null
