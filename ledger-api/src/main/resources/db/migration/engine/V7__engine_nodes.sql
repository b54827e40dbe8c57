-- The engine instances sharing this database, with a heartbeat each, so that event processors
-- can share their segments fairly between the nodes alive (SegmentBalancer).
CREATE TABLE engine_node (
    node_id      VARCHAR(255) PRIMARY KEY,
    started_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
