SELECT team_key AS queue_key, source_system, source_id, name, NULL::VARCHAR AS channel,
       batch_id, raw, _raw, _reject_column, _reject_reason, _row, _line
FROM zendesk__team
