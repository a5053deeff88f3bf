-- After every import (importers/_agents.py): a queue one file keys by its name (Freshdesk's
-- ticket CSV: freshdesk:group:Billing) is the queue another file of the same source keys by
-- id (the API's group_id, named by a groups record), when exactly one queue with an id has
-- that name, trimmed, in any case; as agents keyed by name are (_int_agent_aliases.sql).
-- load/_queue_merge.sql then points the rows at it. Queue names are no personal data: they are not
-- pseudonymised, so they match alike under --pseudonymise. _int_queue_aliases(alias_key, queue_key).
WITH queues AS (
    SELECT queue_key, source_id, name, lower(trim(name)) AS name_norm,
           -- keyed by its name: the key ends in the name, which is its id too (a row
           -- registered by its id alone has its id as name: it matches no other's name)
           coalesce(name = source_id AND ends_with(queue_key, ':' || name)
                    AND regexp_matches(name, '[^\d\s]'), false) AS by_name_key
    FROM queue
    WHERE source_system = $source_system
), named AS (
    SELECT * FROM queues
    WHERE NOT by_name_key AND coalesce(trim(name), '') <> '' AND name <> source_id
)
SELECT q.queue_key AS alias_key, any_value(n.queue_key) AS queue_key
FROM queues q JOIN named n ON n.name_norm = q.name_norm
WHERE q.by_name_key
GROUP BY q.queue_key
HAVING count(DISTINCT n.queue_key) = 1
