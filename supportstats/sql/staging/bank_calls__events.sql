-- Timeline of each loaded call -> stg_event and stg_engagement.
-- Run after stg_conversation was upserted, so rejected and duplicate calls have no children.
-- Both are views (source_system and batch_id come from the staged calls: a view takes no
-- parameters): the writer loads a view straight into its table when no row of it is set
-- aside, without a staged copy of every event.
--
-- Events (source_id = call id || ':' || name):
--   created      VRU entry (the call reaches the IVR)
--   bot_handoff  VRU exit, when the call went on to the queue or an agent
--   queue_enter  q_start; for calls the VRU routed straight to an agent (q_start 0:00:00,
--   queue_exit   q_time 0) both are placed at the VRU exit, so the wait reads 0 s as in the
--                file instead of counting IVR time as waiting (raw.derived says so)
--   abandon      q_exit of a call that hung up while queued (outcome HANG)
--   close        end of the call: service end, else queue exit, else VRU exit
CREATE OR REPLACE TEMP VIEW stg_event AS
WITH c AS (
    SELECT
        *,
        outcome_v = 'AGENT' AND q_start_s IS NULL AS routed_direct,
        coalesce(q_exit_at, vru_exit_at) AS left_queue_at
    FROM stg_conversation
    WHERE _reject_reason IS NULL
),
ev AS (
    SELECT conversation_key, source_system, source_id, batch_id, 'created' AS name,
           vru_entry_at AS occurred_at, 'created' AS event_type, NULL AS from_value,
           'vru' AS to_value, false AS derived, _row, _line
    FROM c
    UNION ALL
    SELECT conversation_key, source_system, source_id, batch_id, 'vru_exit', vru_exit_at,
           'bot_handoff', 'vru',
           CASE WHEN q_start_s IS NOT NULL THEN 'queue' ELSE 'agent' END, false, _row, _line
    FROM c WHERE q_start_s IS NOT NULL OR outcome_v = 'AGENT'
    UNION ALL
    SELECT conversation_key, source_system, source_id, batch_id, 'queue_enter',
           coalesce(q_start_at, vru_exit_at),
           'queue_enter', NULL, type_v, routed_direct, _row, _line
    FROM c WHERE q_start_s IS NOT NULL OR routed_direct
    UNION ALL
    SELECT conversation_key, source_system, source_id, batch_id, 'queue_exit', left_queue_at,
           'queue_exit', type_v,
           CASE WHEN outcome_v = 'AGENT' THEN 'agent' ELSE 'abandon' END, routed_direct, _row, _line
    FROM c WHERE q_start_s IS NOT NULL OR routed_direct
    UNION ALL
    SELECT conversation_key, source_system, source_id, batch_id, 'abandon', q_exit_at, 'abandon',
           type_v, NULL, false, _row, _line
    FROM c WHERE outcome_v = 'HANG' AND q_start_s IS NOT NULL
    UNION ALL
    SELECT conversation_key, source_system, source_id, batch_id, 'close',
           coalesce(ser_exit_at, q_exit_at, vru_exit_at),
           'close', NULL,
           CASE WHEN outcome_v = 'AGENT' THEN 'served'
                WHEN q_start_s IS NOT NULL THEN 'hung_up_in_queue' ELSE 'hung_up_in_vru' END,
           false, _row, _line
    FROM c
)
SELECT
    source_system || ':' || source_id || ':' || name AS event_key,
    conversation_key,
    source_system,
    source_id || ':' || name AS source_id,
    occurred_at,
    event_type,
    from_value,
    to_value,
    CASE WHEN event_type IN ('abandon', 'created') THEN 'customer' ELSE 'system' END AS actor_role,
    CASE WHEN derived THEN json_object('derived', 'routed to an agent without queueing') END AS raw,
    batch_id,
    NULL::VARCHAR AS _reject_column,
    NULL::VARCHAR AS _reject_reason,
    _row, _line
FROM ev;

-- One engagement per served (AGENT) call. started_at..ended_at is ser_start..ser_exit as
-- recorded, so it lasts ser_time. accepted_at is when the call left the queue (or the VRU,
-- when it never queued): the agents' clock runs 1-2 s behind the switch's, and taking the
-- switch's time keeps the wait equal to the file's q_time (never negative).
-- A named server with ser_start 0:00:00 gets a zero-length stretch at the queue exit;
-- NO_SERVER on a served call is kept as the file's own placeholder agent.
CREATE OR REPLACE TEMP VIEW stg_engagement AS
WITH c AS (
    SELECT *, coalesce(q_exit_at, vru_exit_at) AS left_queue_at
    FROM stg_conversation
    WHERE _reject_reason IS NULL AND outcome_v = 'AGENT'
),
t AS (
    SELECT
        *,
        coalesce(ser_start_at, left_queue_at) AS start_at,
        coalesce(ser_exit_at, ser_start_at, left_queue_at) AS end_at
    FROM c
)
SELECT
    conversation_key || ':service' AS engagement_key,
    conversation_key,
    source_system,
    source_id || ':service' AS source_id,
    source_system || ':' || server_v AS agent_key,
    start_at AS started_at,
    left_queue_at AS accepted_at,
    CAST(NULL AS TIMESTAMPTZ) AS first_agent_message_at,
    -- a few calls' service ends (agents' clock) before their queue exit (switch's clock):
    -- end them at the queue exit so no handle time is negative
    greatest(end_at, left_queue_at) AS ended_at,
    'call_end' AS end_reason,
    true AS was_assigned,
    true AS was_accepted,
    batch_id,
    json_object('ser_start_missing', ser_start_at IS NULL) AS raw,
    NULL::VARCHAR AS _reject_column,
    NULL::VARCHAR AS _reject_reason,
    _row, _line
FROM t;
