-- Investments and the history of their transitions, maintained by the investments projection.
CREATE TABLE investment (
    tenant_id         VARCHAR(64)  NOT NULL,
    id                VARCHAR(128) NOT NULL,
    reference_id      UUID         NOT NULL,
    user_id           VARCHAR(64)  NOT NULL,
    amount            BIGINT       NOT NULL,
    currency          VARCHAR(16)  NOT NULL,
    points_reward     BIGINT       NOT NULL,
    payment_intent_id VARCHAR(255) NOT NULL,
    status            VARCHAR(32)  NOT NULL,
    points_awarded    BIGINT       NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ  NOT NULL,
    expires_at        TIMESTAMPTZ  NOT NULL,
    updated_at        TIMESTAMPTZ  NOT NULL,
    last_position     BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX investment_reference_idx ON investment (tenant_id, reference_id);
CREATE INDEX investment_payment_intent_idx ON investment (payment_intent_id);

CREATE TABLE investment_transition (
    tenant_id VARCHAR(64)  NOT NULL,
    id        VARCHAR(128) NOT NULL,
    position  BIGINT       NOT NULL,
    status    VARCHAR(32)  NOT NULL,
    detail    VARCHAR(512),
    at        TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (tenant_id, id, position)
);
