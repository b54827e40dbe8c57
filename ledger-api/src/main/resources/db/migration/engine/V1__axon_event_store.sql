-- Axon Framework's JDBC event store, token store, saga store and dead-letter queue, in Axon's
-- standard table and column names (snake_case). Every serialized column is bytea: no oid, no
-- large objects. Aggregate identifiers are tenant-qualified addresses, so they get 512 characters.

CREATE TABLE domain_event_entry (
    global_index         BIGSERIAL     NOT NULL,
    aggregate_identifier VARCHAR(512)  NOT NULL,
    sequence_number      BIGINT        NOT NULL,
    type                 VARCHAR(255),
    event_identifier     VARCHAR(255)  NOT NULL,
    meta_data            BYTEA,
    payload              BYTEA         NOT NULL,
    payload_revision     VARCHAR(255),
    payload_type         VARCHAR(255)  NOT NULL,
    time_stamp           VARCHAR(255)  NOT NULL,
    PRIMARY KEY (global_index),
    UNIQUE (aggregate_identifier, sequence_number),
    UNIQUE (event_identifier)
);

CREATE TABLE snapshot_event_entry (
    aggregate_identifier VARCHAR(512)  NOT NULL,
    sequence_number      BIGINT        NOT NULL,
    type                 VARCHAR(255)  NOT NULL,
    event_identifier     VARCHAR(255)  NOT NULL,
    meta_data            BYTEA,
    payload              BYTEA         NOT NULL,
    payload_revision     VARCHAR(255),
    payload_type         VARCHAR(255)  NOT NULL,
    time_stamp           VARCHAR(255)  NOT NULL,
    PRIMARY KEY (aggregate_identifier, sequence_number),
    UNIQUE (event_identifier)
);

CREATE TABLE token_entry (
    processor_name VARCHAR(255) NOT NULL,
    segment        INTEGER      NOT NULL,
    token          BYTEA,
    token_type     VARCHAR(255),
    timestamp      VARCHAR(255),
    owner          VARCHAR(255),
    PRIMARY KEY (processor_name, segment)
);

CREATE TABLE saga_entry (
    saga_id         VARCHAR(255) NOT NULL,
    revision        VARCHAR(255),
    saga_type       VARCHAR(255),
    serialized_saga BYTEA,
    PRIMARY KEY (saga_id)
);

CREATE TABLE association_value_entry (
    id                BIGSERIAL    NOT NULL,
    association_key   VARCHAR(255) NOT NULL,
    association_value VARCHAR(512),
    saga_id           VARCHAR(255) NOT NULL,
    saga_type         VARCHAR(255),
    PRIMARY KEY (id)
);
-- Axon looks sagas up by (key, value, type) on every event and by (saga id, type) on load; without
-- these indexes each event scans the whole table.
CREATE INDEX association_value_lookup_idx ON association_value_entry (saga_type, association_key, association_value);
CREATE INDEX association_value_saga_idx ON association_value_entry (saga_id, saga_type);

CREATE TABLE dead_letter_entry (
    dead_letter_id      VARCHAR(255)  NOT NULL,
    processing_group    VARCHAR(255)  NOT NULL,
    sequence_identifier VARCHAR(512)  NOT NULL,
    sequence_index      BIGINT        NOT NULL,
    message_type        VARCHAR(255)  NOT NULL,
    event_identifier    VARCHAR(255)  NOT NULL,
    time_stamp          VARCHAR(255)  NOT NULL,
    payload_type        VARCHAR(255)  NOT NULL,
    payload_revision    VARCHAR(255),
    payload             BYTEA         NOT NULL,
    meta_data           BYTEA,
    type                VARCHAR(255),
    aggregate_identifier VARCHAR(512),
    sequence_number     BIGINT,
    token_type          VARCHAR(255),
    token               BYTEA,
    enqueued_at         VARCHAR(255)  NOT NULL,
    last_touched        VARCHAR(255),
    processing_started  VARCHAR(255),
    cause_type          VARCHAR(255),
    cause_message       VARCHAR(1023),
    diagnostics         BYTEA,
    PRIMARY KEY (dead_letter_id),
    CONSTRAINT dead_letter_sequence_index_unique UNIQUE (processing_group, sequence_identifier, sequence_index)
);
CREATE INDEX dead_letter_processing_group_idx ON dead_letter_entry (processing_group);
CREATE INDEX dead_letter_sequence_identifier_idx ON dead_letter_entry (sequence_identifier);

-- db-scheduler's table: it persists the deadlines of sagas and aggregates, so they survive restarts.
CREATE TABLE scheduled_tasks (
    task_name            TEXT                     NOT NULL,
    task_instance        TEXT                     NOT NULL,
    task_data            BYTEA,
    execution_time       TIMESTAMP WITH TIME ZONE NOT NULL,
    picked               BOOLEAN                  NOT NULL,
    picked_by            TEXT,
    last_success         TIMESTAMP WITH TIME ZONE,
    last_failure         TIMESTAMP WITH TIME ZONE,
    consecutive_failures INT,
    last_heartbeat       TIMESTAMP WITH TIME ZONE,
    version              BIGINT                   NOT NULL,
    priority             SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX scheduled_tasks_execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX scheduled_tasks_priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
