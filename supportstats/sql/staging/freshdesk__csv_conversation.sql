-- Freshdesk tickets (csv) -> conversation: freshdesk__int_csv_tickets without the times and
-- survey text its messages, events and ratings read (freshdesk__int_kept_csv_tickets).
SELECT COLUMNS(lambda c: c NOT IN ('closed_ts', 'description_text', 'first_response_ts',
                                     'reopened_ts', 'resolved_ts', 'survey_rank', 'survey_text'))
FROM freshdesk__int_csv_tickets
