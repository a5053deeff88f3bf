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
with pol as (
    select
        policy_key, source_system, source_id,
        coalesce(position, 2147483647) as pos,
        json_transform(filter, '{"all": [{"field": "VARCHAR", "operator": "VARCHAR", "value": "JSON"}],
                                 "any": [{"field": "VARCHAR", "operator": "VARCHAR", "value": "JSON"}]}') as f
    from sla_policy
    where filter is not null
),
cond as (
    select policy_key, grp, lower(x.field) as field, lower(x.operator) as op,
        case when x.value is null or json_type(x.value) = 'NULL' then ''
             when json_type(x.value) = 'VARCHAR' then x.value ->> '$'
             else x.value::varchar end as v
    from (
        select policy_key, 'all' as grp, unnest(f."all") as x from pol
        union all
        select policy_key, 'any' as grp, unnest(f."any") as x from pol
    )
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
judged as (
    select
        v.conversation_key, p.policy_key, p.pos, p.source_id, k.grp, k.field, k.op, k.v as value,
        case
            when k.field is null then true
            when k.field in ('priority', 'status') and k.op in ('is', 'is_not', 'less_than', 'greater_than') then (
                with o as (select
                    case k.field when 'priority' then ['low', 'normal', 'high', 'urgent']
                        else ['new', 'open', 'pending', 'on_hold', 'resolved', 'closed'] end as levels,
                    case k.field when 'priority' then v.priority else v.status end as have,
                    case lower(k.v) when 'hold' then 'on_hold' when 'solved' then 'resolved'
                        else lower(k.v) end as want)
                select case
                    when not list_contains(levels, want) and want <> '' then null
                    when k.op = 'is' then coalesce(have = want, want = '' and have is null)
                    when k.op = 'is_not' then coalesce(have <> want, not (want = '' and have is null))
                    when have is null then false
                    when k.op = 'less_than' then list_position(levels, have) < list_position(levels, want)
                    else list_position(levels, have) > list_position(levels, want)
                end from o)
            when k.field in ('group_id', 'assignee_id', 'requester_id', 'organization_id', 'brand_id',
                             'ticket_form_id', 'ticket_type_id', 'type', 'via_id')
                 and k.op in ('is', 'is_not') then (
                with o as (select
                    case k.field
                        when 'group_id' then v.group_id when 'assignee_id' then v.assignee_id
                        when 'requester_id' then v.requester_id
                        when 'organization_id' then v.organization_id when 'brand_id' then v.brand_id
                        when 'ticket_form_id' then v.ticket_form_id
                        when 'via_id' then v.via_channel
                        else v.ticket_type end as have,
                    case
                        when k.field = 'via_id' then
                            case trim(k.v) when '0' then 'web' when '4' then 'email' when '5' then 'api'
                                when '29' then 'chat' end
                        when k.field in ('ticket_type_id', 'type') then
                            case when lower(k.v) in ('question', 'incident', 'problem', 'task', '')
                                then lower(k.v) end
                        else k.v end as want)
                select case
                    when want is null then null
                    when k.op = 'is' then coalesce(have = want, want = '' and have is null)
                    else coalesce(have <> want, not (want = '' and have is null))
                end from o)
            when k.field in ('current_tags', 'tags') and k.op in ('includes', 'not_includes') then (
                select case k.op when 'includes' then list_has_any(v.tags, w)
                    else not list_has_any(v.tags, w) end
                from (select list_filter(string_split(trim(k.v), ' '), lambda t: t <> '') as w))
        end as ok
    from conv v
    join pol p on p.source_system = v.source_system
    left join cond k on k.policy_key = p.policy_key
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
