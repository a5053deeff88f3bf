-- Freshdesk ticket export CSV (Tickets -> Export) -> freshdesk__int_csv_tickets and its children.
-- Input: freshdesk__int_csv_columns(_row, _line, <our aliases of the known headers>, _rawjson). Times in the export
-- are the account's local time without an offset, read in $tz. Duration columns are
-- `HH:MM:SS` in hours (hours may exceed 24) and in business hours, so they go to *_bh_s.
WITH t AS (
    SELECT
        *,
        ss_text(ticket_id) AS sid,
        ss_ts(trim(created), $tz, NULL) AS created_ts,
        ss_ts(trim(initial_response), $tz, NULL) AS first_response_ts,
        ss_ts(trim(resolved), $tz, NULL) AS resolved_ts,
        ss_ts(trim(closed), $tz, NULL) AS closed_ts,
        fd_survey_rank(ss_text(survey)) AS survey_rank
    FROM freshdesk__int_csv_columns
)
SELECT
    $source_system || ':' || sid AS conversation_key,
    $source_system AS source_system,
    sid AS source_id,
    sid AS display_number,
    CASE WHEN fd_channel(source) = 'chat' THEN 'chat' ELSE 'ticket' END AS kind,
    fd_channel(source) AS channel,
    CASE WHEN ss_text(group_name) IS NOT NULL THEN $source_system || ':group:' || trim(group_name) END AS queue_key,
    CASE WHEN ss_text(contact_id) IS NOT NULL THEN $source_system || ':contact:' || trim(contact_id) END AS contact_key,
    CASE WHEN ss_text(agent) IS NOT NULL THEN $source_system || ':' || trim(agent) END AS assignee_agent_key,
    created_ts AS created_at,
    created_ts AS first_customer_message_at,
    CASE WHEN lower(trim(source)) = 'outbound email' THEN 'agent' ELSE 'customer' END AS initiated_by,
    lower(ss_text(status)) AS status_current,
    lower(ss_text(priority)) AS priority,
    ss_text(subject) AS subject,
    CASE WHEN ss_text(tags) IS NOT NULL
         THEN list_filter(list_transform(string_split(tags, ','), lambda s: trim(s)), lambda s: s <> '') END AS tags,
    $tz AS source_timezone,
    epoch(first_response_ts) - epoch(created_ts) AS src_first_response_s,
    fd_hms(first_response_hrs) AS src_first_response_bh_s,
    epoch(resolved_ts) - epoch(created_ts) AS src_full_resolution_s,
    fd_hms(resolution_hrs) AS src_full_resolution_bh_s,
    try_cast(agent_interactions AS INTEGER) AS src_replies,
    CASE WHEN ss_text(first_response_status) IS NOT NULL OR ss_text(resolution_status) IS NOT NULL
         THEN json_object('first_response_status', ss_text(first_response_status),
                          'resolution_status', ss_text(resolution_status),
                          'due_by', ss_text(due_by)) END AS src_sla_json,
    first_response_ts, resolved_ts, closed_ts, survey_rank, ss_text(survey) AS survey_text,
    ss_text(description) AS description_text,
    $batch_id AS batch_id,
    _rawjson AS raw,
    CASE
        WHEN sid IS NULL THEN 'Ticket ID'
        WHEN created_ts IS NULL THEN 'Created time'
        WHEN ss_text(initial_response) IS NOT NULL AND first_response_ts IS NULL THEN 'Initial response time'
        WHEN ss_text(resolved) IS NOT NULL AND resolved_ts IS NULL THEN 'Resolved time'
        WHEN ss_text(closed) IS NOT NULL AND closed_ts IS NULL THEN 'Closed time'
        WHEN ss_text(first_response_hrs) IS NOT NULL AND fd_hms(first_response_hrs) IS NULL THEN 'First response time (in hrs)'
        WHEN ss_text(resolution_hrs) IS NOT NULL AND fd_hms(resolution_hrs) IS NULL THEN 'Resolution time (in hrs)'
    END AS _reject_column,
    CASE
        WHEN sid IS NULL THEN 'Ticket ID is empty; every ticket needs an id'
        WHEN created_ts IS NULL THEN 'Created time ' || ss_quote(created) || ' is not a date/time'
        WHEN ss_text(initial_response) IS NOT NULL AND first_response_ts IS NULL
            THEN 'Initial response time ' || ss_quote(initial_response) || ' is not a date/time'
        WHEN ss_text(resolved) IS NOT NULL AND resolved_ts IS NULL
            THEN 'Resolved time ' || ss_quote(resolved) || ' is not a date/time'
        WHEN ss_text(closed) IS NOT NULL AND closed_ts IS NULL
            THEN 'Closed time ' || ss_quote(closed) || ' is not a date/time'
        WHEN ss_text(first_response_hrs) IS NOT NULL AND fd_hms(first_response_hrs) IS NULL
            THEN 'First response time (in hrs) ' || ss_quote(first_response_hrs) || ' is not HH:MM:SS'
        WHEN ss_text(resolution_hrs) IS NOT NULL AND fd_hms(resolution_hrs) IS NULL
            THEN 'Resolution time (in hrs) ' || ss_quote(resolution_hrs) || ' is not HH:MM:SS'
    END AS _reject_reason,
    _row, _line
FROM t
