-- message_summary: one row per conversation with the message timestamps FRT, one-touch and
-- missed are built from. Units: timestamps (UTC).
-- Fragment {{bot_replies}}: true when public bot replies count as a response (option
-- bot_replies), else false. A qualifying reply is public, not automated (rule, campaign,
-- trigger, auto_reply, greeting never count) and written by an agent (or a bot, if allowed).
-- Human replies are counted separately: one-touch and missed are about people answering.
-- messages (every message) and bot_replies (public, non-automated bot messages) tell
-- self-service deflection whether the conversation's messages are known and a bot answered.
with m as (
    select
        conversation_key,
        created_at,
        author_role,
        author_agent_key,
        kind,
        visibility,
        visibility = 'public' and automation = 'none' and author_role = 'agent' as is_human_reply,
        visibility = 'public' and automation = 'none'
            and (author_role = 'agent' or ({{bot_replies}} and author_role = 'bot')) as is_reply,
        visibility = 'public' and automation = 'none' and author_role = 'bot' as is_bot_reply
    from {{message_all}}
)
select
    conversation_key,
    min(created_at) filter (where author_role = 'customer') as first_customer_at,
    max(created_at) filter (where author_role = 'customer') as last_customer_at,
    min(created_at) filter (where is_reply) as first_reply_at,
    -- two replies at one instant: the smaller agent key, the same on every run
    arg_min(author_agent_key, (created_at, author_agent_key)) filter (where is_reply)
        as first_replier_key,
    min(created_at) filter (where is_human_reply) as first_human_reply_at,
    count(*) filter (where is_human_reply) as human_replies,
    count(*) filter (where is_bot_reply) as bot_replies,
    count(*) as messages,
    -- the first public agent-side message of any kind tells who opened the conversation
    min(created_at) filter (where author_role in ('agent', 'bot') and visibility = 'public')
        as first_agent_side_at,
    max(created_at) as last_message_at,
    bool_or(kind = 'csat_request') as csat_requested
from m
group by conversation_key
