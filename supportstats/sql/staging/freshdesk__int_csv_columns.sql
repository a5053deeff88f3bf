-- Freshdesk ticket export CSV (_int_csv_cells) -> our names for the known columns. Each
-- parameter ($ticket_id, $subject, ...) is the position of that column in the file's header
-- (matched by name, in any case, by the importer; NULL when the file lacks it).
SELECT
    _row, _line,
    cells[$ticket_id] AS ticket_id, cells[$subject] AS subject,
    cells[$description] AS description, cells[$status] AS status,
    cells[$priority] AS priority, cells[$source] AS source, cells[$ticket_type] AS ticket_type,
    cells[$agent] AS agent, cells[$group_name] AS group_name, cells[$created] AS created,
    cells[$due_by] AS due_by, cells[$resolved] AS resolved, cells[$closed] AS closed,
    cells[$updated] AS updated, cells[$initial_response] AS initial_response,
    cells[$time_tracked] AS time_tracked, cells[$first_response_hrs] AS first_response_hrs,
    cells[$resolution_hrs] AS resolution_hrs, cells[$agent_interactions] AS agent_interactions,
    cells[$customer_interactions] AS customer_interactions,
    cells[$resolution_status] AS resolution_status,
    cells[$first_response_status] AS first_response_status, cells[$tags] AS tags,
    cells[$survey] AS survey, cells[$contact_id] AS contact_id,
    _rawjson
FROM _int_csv_cells
