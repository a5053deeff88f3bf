-- Canonical warehouse schema, version 1 (DESIGN.md §3, research/analytics.md §5).
--
-- Conventions
-- * Keys are text built from the source: '<source_system>:<source_id>' for conversations,
--   agents, queues, teams and contacts; child rows (message, event, engagement, rating) use
--   '<source_system>:<their own source id>'. Deterministic keys make re-imports idempotent
--   without a lookup table.
-- * Uniqueness of (source_system, source_id) is enforced by the import pipeline (delete then
--   insert inside one transaction), not by PRIMARY KEY indexes: ART indexes on tens of millions
--   of rows would triple import time and memory.
-- * Times are TIMESTAMPTZ in UTC; durations are seconds (DOUBLE).
-- * Vendor-computed numbers live in src_* columns and are never overwritten by ours.
-- * raw keeps the source record (JSON) so nothing in an export is lost.

CREATE TABLE import_batch (
    batch_id        INTEGER PRIMARY KEY,
    source_system   VARCHAR NOT NULL,
    file_kind       VARCHAR,          -- csv | json | jsonl | parquet
    entity          VARCHAR,          -- what the file held: conversation, message, rating, ...
    file_name       VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    file_bytes      BIGINT,
    rows_read       BIGINT NOT NULL,
    rows_loaded     BIGINT NOT NULL,
    rows_rejected   BIGINT NOT NULL,
    assumed_timezone VARCHAR,
    options         JSON,
    imported_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE import_reject (
    batch_id    INTEGER NOT NULL,
    entity      VARCHAR,              -- conversation, message, ... (the table the row was for)
    row_number  BIGINT,               -- 1-based data row (header excluded) or JSON record index
    line_number BIGINT,               -- physical line in the file where known
    column_name VARCHAR,
    raw         VARCHAR,              -- the row as read (JSON object of the original text)
    reason      VARCHAR NOT NULL
);

CREATE TABLE agent (
    agent_key     VARCHAR NOT NULL,
    source_system VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    name          VARCHAR,
    email         VARCHAR,
    role          VARCHAR,
    is_bot        BOOLEAN DEFAULT false,
    bot_kind      VARCHAR,            -- rule | ai | external
    active        BOOLEAN,
    batch_id      INTEGER,
    raw           JSON
);

CREATE TABLE team (
    team_key      VARCHAR NOT NULL,
    source_system VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    name          VARCHAR,
    batch_id      INTEGER,
    raw           JSON
);

CREATE TABLE agent_team (
    agent_key  VARCHAR NOT NULL,
    team_key   VARCHAR NOT NULL,
    valid_from TIMESTAMPTZ,
    valid_to   TIMESTAMPTZ,
    batch_id   INTEGER
);

CREATE TABLE queue (
    queue_key     VARCHAR NOT NULL,
    source_system VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    name          VARCHAR,
    channel       VARCHAR,            -- email | chat | messaging | voice | social | api | web
    channel_raw   VARCHAR,
    schedule_key  VARCHAR,
    timezone      VARCHAR,
    batch_id      INTEGER,
    raw           JSON
);

CREATE TABLE contact (
    contact_key   VARCHAR NOT NULL,
    source_system VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    name          VARCHAR,
    email         VARCHAR,
    phone         VARCHAR,
    organization  VARCHAR,
    batch_id      INTEGER,
    raw           JSON
);

CREATE TABLE schedule (
    schedule_key  VARCHAR NOT NULL,
    source_system VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    name          VARCHAR,
    timezone      VARCHAR NOT NULL,
    batch_id      INTEGER
);

CREATE TABLE schedule_interval (
    schedule_key VARCHAR NOT NULL,
    day_of_week  INTEGER NOT NULL,    -- 0 = Sunday, as DuckDB's dayofweek()
    open_minute  INTEGER NOT NULL,    -- minutes from local midnight
    close_minute INTEGER NOT NULL,
    batch_id     INTEGER
);

CREATE TABLE schedule_holiday (
    schedule_key VARCHAR NOT NULL,
    start_date   DATE NOT NULL,
    end_date     DATE NOT NULL,       -- inclusive
    name         VARCHAR,
    batch_id     INTEGER
);

CREATE TABLE schedule_assignment (
    schedule_key VARCHAR NOT NULL,
    scope        VARCHAR NOT NULL,    -- queue | conversation | account
    scope_key    VARCHAR,
    valid_from   TIMESTAMPTZ,
    valid_to     TIMESTAMPTZ,
    batch_id     INTEGER
);

CREATE TABLE conversation (
    conversation_key          VARCHAR NOT NULL,
    source_system             VARCHAR NOT NULL,
    source_id                 VARCHAR NOT NULL,
    display_number            VARCHAR,
    kind                      VARCHAR,   -- ticket | chat | offline_message | call | thread
    parent_key                VARCHAR,
    followup_of_key           VARCHAR,
    channel                   VARCHAR,   -- email | chat | messaging | voice | social | api | web
    queue_key                 VARCHAR,
    team_key                  VARCHAR,
    contact_key               VARCHAR,
    assignee_agent_key        VARCHAR,   -- current (or last) assignee as exported
    created_at                TIMESTAMPTZ NOT NULL,
    first_customer_message_at TIMESTAMPTZ,
    initiated_by              VARCHAR,   -- customer | agent | bot | trigger | system
    status_current            VARCHAR,   -- new | open | pending | on_hold | resolved | closed | missed
    priority                  VARCHAR,
    subject                   VARCHAR,
    tags                      VARCHAR[],
    custom_attributes         JSON,
    source_timezone           VARCHAR,   -- set when the source gave local times
    src_first_response_s      DOUBLE,
    src_first_response_bh_s   DOUBLE,
    src_full_resolution_s     DOUBLE,
    src_full_resolution_bh_s  DOUBLE,
    src_first_resolution_s    DOUBLE,
    src_requester_wait_s      DOUBLE,
    src_agent_wait_s          DOUBLE,
    src_on_hold_s             DOUBLE,
    src_reopens               INTEGER,
    src_replies               INTEGER,
    src_missed                BOOLEAN,
    src_duration_s            DOUBLE,
    src_response_avg_s        DOUBLE,
    src_response_max_s        DOUBLE,
    src_sla_json              JSON,
    batch_id                  INTEGER,
    raw                       JSON
);

CREATE TABLE message (
    message_key        VARCHAR NOT NULL,
    conversation_key   VARCHAR NOT NULL,
    source_system      VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    author_role        VARCHAR NOT NULL, -- customer | agent | bot | system | third_party
    author_agent_key   VARCHAR,
    author_contact_key VARCHAR,
    visibility         VARCHAR NOT NULL DEFAULT 'public', -- public | internal
    automation         VARCHAR NOT NULL DEFAULT 'none',   -- none | rule | campaign | trigger | auto_reply | greeting
    kind               VARCHAR DEFAULT 'text', -- text | file | form | csat_request | csat_response | activity | call
    engagement_key     VARCHAR,
    body               VARCHAR,
    body_len           INTEGER,
    batch_id           INTEGER,
    raw                JSON
);

CREATE TABLE conversation_event (
    event_key        VARCHAR NOT NULL,
    conversation_key VARCHAR NOT NULL,
    source_system    VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL,
    -- created | status | assignee | team | queue | priority | queue_enter | queue_exit |
    -- agent_join | agent_leave | transfer | bot_handoff | reopen | resolve | close | abandon |
    -- sla_apply | sla_breach | merge
    event_type       VARCHAR NOT NULL,
    from_value       VARCHAR,
    to_value         VARCHAR,
    actor_role       VARCHAR,
    actor_agent_key  VARCHAR,
    batch_id         INTEGER,
    raw              JSON
);

CREATE TABLE engagement (
    engagement_key         VARCHAR NOT NULL,
    conversation_key       VARCHAR NOT NULL,
    source_system          VARCHAR NOT NULL,
    source_id              VARCHAR NOT NULL,
    agent_key              VARCHAR NOT NULL,
    started_at             TIMESTAMPTZ NOT NULL, -- assignment / offer
    accepted_at            TIMESTAMPTZ,
    first_agent_message_at TIMESTAMPTZ,
    ended_at               TIMESTAMPTZ,          -- NULL while still open
    end_reason             VARCHAR,              -- transfer | leave | chat_end | timeout
    was_assigned           BOOLEAN,
    was_accepted           BOOLEAN,
    batch_id               INTEGER,
    raw                    JSON
);

CREATE TABLE rating (
    rating_key          VARCHAR NOT NULL,
    conversation_key    VARCHAR NOT NULL,
    source_system       VARCHAR NOT NULL,
    source_id           VARCHAR NOT NULL,
    offered_at          TIMESTAMPTZ,
    rated_at            TIMESTAMPTZ,
    scale               VARCHAR,   -- binary | 1-5 | 1-3 | 3-level | 1-10
    raw_value           VARCHAR,
    score_norm          DOUBLE,    -- 0..1
    is_positive         BOOLEAN,
    is_negative         BOOLEAN,
    comment             VARCHAR,
    reason              VARCHAR,
    agent_key_at_rating VARCHAR,
    team_key_at_rating  VARCHAR,
    batch_id            INTEGER,
    raw                 JSON
);

CREATE TABLE agent_status_interval (
    status_key    VARCHAR NOT NULL,
    agent_key     VARCHAR NOT NULL,
    source_system VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    ended_at      TIMESTAMPTZ,
    status_raw    VARCHAR,
    status_class  VARCHAR,   -- available | occupied | away | break | offline
    channel       VARCHAR,
    batch_id      INTEGER,
    raw           JSON
);

CREATE TABLE sla_policy (
    policy_key     VARCHAR NOT NULL,
    source_system  VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL,
    name           VARCHAR,
    business_hours BOOLEAN,
    batch_id       INTEGER,
    raw            JSON
);

CREATE TABLE sla_target (
    policy_key     VARCHAR NOT NULL,
    metric         VARCHAR NOT NULL, -- first_response | next_response | resolution | requester_wait | agent_work
    priority       VARCHAR,
    target_s       DOUBLE NOT NULL,
    pause_statuses VARCHAR[],
    batch_id       INTEGER
);

CREATE TABLE source_aggregate (
    batch_id       INTEGER NOT NULL,
    source_system  VARCHAR NOT NULL,
    report         VARCHAR NOT NULL,  -- e.g. chatwoot_agents_csv, livechat_agents_performance
    grain          VARCHAR,           -- account | agent | inbox | team | label | day | hour | interval
    dim_source_id  VARCHAR,
    dim_name       VARCHAR,
    period_start   TIMESTAMPTZ,
    period_end     TIMESTAMPTZ,
    metric         VARCHAR NOT NULL,
    value          DOUBLE,
    unit           VARCHAR,
    business_hours BOOLEAN,
    raw            JSON
);
