-- Leaderboards, maintained by the leaderboards projection. Rebuilt from history on a replay.

-- The accounts the points boards follow: user:{userId}:points of asset POINTS. Debits and credits
-- carry no asset, so the projection remembers which accounts opened as POINTS.
CREATE TABLE leaderboard_points_account (
    tenant_id VARCHAR(64)  NOT NULL,
    address   VARCHAR(256) NOT NULL,
    user_id   VARCHAR(64)  COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, address)
);

-- One row per user on each board and period: `period_key` is 'all', a month ('2026-11') or an ISO
-- week ('2026-W47'), all UTC. `value` is in the asset's minor unit. `reached_position` is the
-- position of the event that set the value (kept when an event leaves the value as it was), so
-- that of two equal values the one reached first ranks higher; `last_position` is the latest
-- event applied, so an event applied again changes nothing.
CREATE TABLE leaderboard_entry (
    tenant_id        VARCHAR(64) NOT NULL,
    board            VARCHAR(32) NOT NULL,
    period_key       VARCHAR(16) NOT NULL,
    user_id          VARCHAR(64) COLLATE "C" NOT NULL, -- byte order, so ties end the same everywhere
    value            BIGINT      NOT NULL,
    reached_position BIGINT      NOT NULL,
    last_position    BIGINT      NOT NULL,
    PRIMARY KEY (tenant_id, board, period_key, user_id)
);
-- Serves ORDER BY value DESC, reached_position ASC, user_id ASC LIMIT n by reading n index entries.
CREATE INDEX leaderboard_entry_rank_idx
    ON leaderboard_entry (tenant_id, board, period_key, value DESC, reached_position ASC, user_id ASC);
