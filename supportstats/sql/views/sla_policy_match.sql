-- sla_policy_match: the vendor SLA policy each conversation gets (sla_policy rows with a
-- filter: Zendesk's {"all": [...], "any": [...]}). Policies of the conversation's source are
-- tried in position order (then id); the first whose conditions match applies.
-- Conditions are evaluated against the conversation as exported (current values):
--   priority, status (is, is_not, less_than, greater_than), group_id, assignee_id,
--   requester_id, organization_id, brand_id, ticket_form_id (is, is_not),
--   ticket_type_id / type (is, is_not: question, incident, problem, task),
--   current_tags / tags (includes, not_includes: any of the space-separated tags),
--   via_id (is, is_not: 0 web form, 4 email, 5 API, 29 chat).
-- Any other field, operator or value is unknown (NULL), never guessed: a policy whose
-- result is unknown, tried before any policy that matches, leaves the conversation without
-- a policy ("undetermined"), and the metrics say so.
-- all: false if any condition is false, unknown if any is unknown, else true; any: true if
-- any is true (or there are none), unknown if any is unknown, else false.
-- Columns: conversation_key, policy_key (NULL: none applies), undetermined_key,
-- unknown_conditions (of that policy).
-- Written for both engines (the Spark engine translates it, docs/spark.md): conditions are
-- read by index with JSON path functions (a value's text: a string's own text, JSON null or
-- none '', anything else its JSON text), and judged with plain expressions, no correlated
-- subqueries.
with pol as (
    select
        policy_key, source_system, source_id, filter,
        coalesce(position, 2147483647) as pos
    from sla_policy
    where filter is not null
),
cond_index as (
    -- a non-list "all" or "any" holds no conditions (json_array_length: 0 in DuckDB, NULL in
    -- Spark); empty lists are left out before the series (Spark's sequence(0, -1) counts down)
    select policy_key, filter, grp, unnest(generate_series(0, n - 1)) as i
    from (
        select policy_key, filter, 'all' as grp,
            coalesce(json_array_length(json_extract(filter, '$.all')), 0)::bigint as n
        from pol
        union all
        select policy_key, filter, 'any' as grp,
            coalesce(json_array_length(json_extract(filter, '$.any')), 0)::bigint as n
        from pol
    )
    where n > 0
),
cond as (
    select policy_key, grp,
        lower(json_extract_string(filter, cond_path || '.field')) as field,
        lower(json_extract_string(filter, cond_path || '.operator')) as op,
        coalesce(json_extract_string(filter, cond_path || '.value'), '') as v
    from (select *, '$.' || grp || '[' || cast(i as varchar) || ']' as cond_path from cond_index)
),
conv as (
    select
        c.conversation_key,
        c.source_system,
        lower(c.priority) as priority,
        c.status_current as status,
        coalesce(c.tags, []::varchar[]) as tags,
        substr(c.queue_key, length(c.source_system) + 2) as group_id,
        substr(c.assignee_agent_key, length(c.source_system) + 2) as assignee_id,
        substr(c.contact_key, length(c.source_system) + 2) as requester_id,
        s.custom_attributes ->> 'organization_id' as organization_id,
        s.custom_attributes ->> 'brand_id' as brand_id,
        s.custom_attributes ->> 'ticket_form_id' as ticket_form_id,
        lower(s.custom_attributes ->> 'type') as ticket_type,
        lower(c.raw ->> '$.via.channel') as via_channel
    from conversation c
    left join conversation_source s using (conversation_key)
    where c.source_system in (select source_system from pol)
),
pairs as (
    -- each conversation with each condition of its source's policies (one row with no
    -- condition for a policy without any): the conversation's value the condition reads
    -- (have), the value it asks for in the conversation's terms (want; NULL: unknown), the
    -- order of levels for priority and status, and the tags a tag condition names
    select
        v.conversation_key, v.tags, p.policy_key, p.pos, p.source_id,
        k.grp, k.field, k.op, k.v as value,
        case k.field when 'priority' then ['low', 'normal', 'high', 'urgent']
            else ['new', 'open', 'pending', 'on_hold', 'resolved', 'closed'] end as levels,
        case k.field
            when 'priority' then v.priority when 'status' then v.status
            when 'group_id' then v.group_id when 'assignee_id' then v.assignee_id
            when 'requester_id' then v.requester_id
            when 'organization_id' then v.organization_id when 'brand_id' then v.brand_id
            when 'ticket_form_id' then v.ticket_form_id
            when 'via_id' then v.via_channel
            when 'ticket_type_id' then v.ticket_type when 'type' then v.ticket_type
        end as have,
        case
            when k.field in ('priority', 'status') then
                case lower(k.v) when 'hold' then 'on_hold' when 'solved' then 'resolved'
                    else lower(k.v) end
            when k.field = 'via_id' then
                case trim(k.v) when '0' then 'web' when '4' then 'email' when '5' then 'api'
                    when '29' then 'chat' end
            when k.field in ('ticket_type_id', 'type') then
                case when lower(k.v) in ('question', 'incident', 'problem', 'task', '')
                    then lower(k.v) end
            else k.v
        end as want,
        list_filter(string_split(trim(k.v), ' '), lambda t: t <> '') as wanted_tags
    from conv v
    join pol p on p.source_system = v.source_system
    left join cond k on k.policy_key = p.policy_key
),
judged as (
    select
        conversation_key, policy_key, pos, source_id, grp, field, op, value,
        case
            when field is null then true
            when field in ('priority', 'status')
                 and op in ('is', 'is_not', 'less_than', 'greater_than') then case
                when not list_contains(levels, want) and want <> '' then null
                when op = 'is' then coalesce(have = want, want = '' and have is null)
                when op = 'is_not' then coalesce(have <> want, not (want = '' and have is null))
                when have is null then false
                when op = 'less_than' then list_position(levels, have) < list_position(levels, want)
                else list_position(levels, have) > list_position(levels, want)
            end
            when field in ('group_id', 'assignee_id', 'requester_id', 'organization_id', 'brand_id',
                           'ticket_form_id', 'ticket_type_id', 'type', 'via_id')
                 and op in ('is', 'is_not') then case
                when want is null then null
                when op = 'is' then coalesce(have = want, want = '' and have is null)
                else coalesce(have <> want, not (want = '' and have is null))
            end
            when field in ('current_tags', 'tags') and op in ('includes', 'not_includes') then
                case op when 'includes' then list_has_any(tags, wanted_tags)
                    else not list_has_any(tags, wanted_tags) end
        end as ok
    from pairs
),
policy_result as (
    select
        conversation_key, policy_key, any_value(pos) as pos, any_value(source_id) as source_id,
        case when count(*) filter (where grp = 'all' and ok = false) > 0 then false
             when count(*) filter (where grp = 'all' and ok is null) > 0 then null
             else true end
        and case when count(*) filter (where grp = 'any') = 0 then true
                 when count(*) filter (where grp = 'any' and ok) > 0 then true
                 when count(*) filter (where grp = 'any' and ok is null) > 0 then null
                 else false end as matched,
        -- (a condition without an operator is a NULL here: kept by DuckDB, left out by
        -- Spark's collect_list; the warnings, sla.notes, leave it out on both)
        list(distinct field || ' ' || op || coalesce(' ' || value, ''))
            filter (where ok is null and field is not null)
            as unknown_conditions
    from judged
    group by conversation_key, policy_key
),
first_open as (
    select
        conversation_key,
        arg_min({'policy_key': policy_key, 'matched': matched, 'unknown': unknown_conditions},
                (pos, try_cast(source_id as bigint), source_id)) as p
    from policy_result
    where matched is distinct from false
    group by conversation_key
)
select
    c.conversation_key,
    case when o.p.matched then o.p.policy_key end as policy_key,
    case when o.p.matched is null then o.p.policy_key end as undetermined_key,
    case when o.p.matched is null then o.p.unknown end as unknown_conditions
from conv c
left join first_open o using (conversation_key)
