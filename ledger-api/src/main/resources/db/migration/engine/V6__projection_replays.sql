-- Replays of read models (ADR 0020): a replay rebuilds a projection's tables aside, in a schema of
-- its own, and then swaps the rebuilt rows in, in one transaction. Every engine instance reads this
-- table, so a replay is coordinated through the database and survives the instance that runs it.
CREATE TABLE projection_replay (
    id              VARCHAR(64)   PRIMARY KEY,
    projection      VARCHAR(64)   NOT NULL,
    state           VARCHAR(16)   NOT NULL CHECK (state IN ('BUILDING', 'SWITCHING', 'DONE', 'FAILED')),
    requested_by    VARCHAR(128),
    requested_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
    -- the engine instance that builds the shadow tables (its LEDGER_NODE_ID), and when it was last
    -- seen working; another instance takes over a replay whose runner went quiet
    runner          VARCHAR(255)  NOT NULL,
    heartbeat_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
    -- how far the shadow tables are built, committed together with them
    token           BYTEA,
    token_type      VARCHAR(255),
    position        BIGINT        NOT NULL DEFAULT -1,
    events_applied  BIGINT        NOT NULL DEFAULT 0,
    -- the pause of the live processor before the swap: how many times it was paused, when, the
    -- instances that held claims then, and the furthest position its segments had reached
    pauses          INTEGER       NOT NULL DEFAULT 0,
    paused_at       TIMESTAMPTZ,
    paused_owners   TEXT[]        NOT NULL DEFAULT '{}',
    pause_position  BIGINT        NOT NULL DEFAULT -1,
    finished_at     TIMESTAMPTZ,
    error           VARCHAR(1024)
);
-- At most one replay of a projection is under way.
CREATE UNIQUE INDEX projection_replay_running_idx ON projection_replay (projection)
    WHERE state IN ('BUILDING', 'SWITCHING');
CREATE INDEX projection_replay_projection_idx ON projection_replay (projection, requested_at DESC);

-- Each instance confirms here that its processor of the projection has stopped for a pause.
CREATE TABLE projection_replay_ack (
    replay_id VARCHAR(64)  NOT NULL REFERENCES projection_replay (id) ON DELETE CASCADE,
    node_id   VARCHAR(255) NOT NULL,
    pause     INTEGER      NOT NULL,
    acked_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (replay_id, node_id)
);
