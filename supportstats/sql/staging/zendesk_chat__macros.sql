-- Zendesk Chat times: ISO (REST), epoch seconds, or integer microseconds (some connectors).
CREATE OR REPLACE TEMP MACRO zc_ts(x) AS coalesce(ss_ts(x, 'UTC', NULL),
    CASE WHEN regexp_full_match(x, '\d{15,17}') THEN make_timestamptz(try_cast(x AS BIGINT)) END);

-- Who wrote a history item: nick "agent:<id>" is that agent ("agent:trigger" a trigger),
-- nick "visitor" the customer. Exports without nick (the REST chat object) are told apart by
-- name: a name in agent_names is the agent at the same position of agent_ids, the visitor's
-- name is the customer, any other name is an automated (trigger) message.
CREATE OR REPLACE TEMP MACRO zc_role(nick, name, agent_names, visitor_name) AS (
    CASE
        WHEN nick = 'agent:trigger' THEN 'bot'
        WHEN nick LIKE 'agent:%' THEN 'agent'
        WHEN nick LIKE 'visitor%' THEN 'customer'
        WHEN nick IS NOT NULL THEN 'system'
        WHEN list_position(agent_names, name) IS NOT NULL THEN 'agent'
        WHEN name = visitor_name OR name LIKE 'Visitor %' THEN 'customer'
        WHEN name IS NULL THEN 'system'
        ELSE 'bot'
    END
);
