-- Escrows, their transitions and their payees' failed payouts, maintained by the escrows projection.
CREATE TABLE escrow (
    tenant_id          VARCHAR(64)  NOT NULL,
    id                 VARCHAR(128) NOT NULL,
    reference_id       UUID         NOT NULL,
    payer_id           VARCHAR(64)  NOT NULL,
    payee_account      VARCHAR(255) NOT NULL,
    amount             BIGINT       NOT NULL,
    currency           VARCHAR(16)  NOT NULL,
    platform_fee       BIGINT       NOT NULL,
    payment_intent_id  VARCHAR(255) NOT NULL,
    status             VARCHAR(32)  NOT NULL,
    capture_deadline   TIMESTAMPTZ,
    captured_amount    BIGINT       NOT NULL DEFAULT 0,
    refunded_amount    BIGINT       NOT NULL DEFAULT 0,
    payee_amount       BIGINT       NOT NULL DEFAULT 0,
    fee_amount         BIGINT       NOT NULL DEFAULT 0,
    stripe_transfer_id VARCHAR(255),
    transfer_failures  INT          NOT NULL DEFAULT 0,
    review_step        VARCHAR(16),
    last_error         VARCHAR(1024),
    created_at         TIMESTAMPTZ  NOT NULL,
    updated_at         TIMESTAMPTZ  NOT NULL,
    last_position      BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX escrow_reference_idx ON escrow (tenant_id, reference_id);
CREATE INDEX escrow_held_deadline_idx ON escrow (capture_deadline) WHERE status = 'HELD';
CREATE INDEX escrow_open_idx ON escrow (tenant_id, updated_at)
    WHERE status NOT IN ('COMPLETED', 'CANCELED', 'REFUNDED');
CREATE INDEX escrow_created_idx ON escrow (tenant_id, created_at);
CREATE INDEX escrow_payee_idx ON escrow (payee_account);

CREATE TABLE escrow_transition (
    tenant_id VARCHAR(64)  NOT NULL,
    id        VARCHAR(128) NOT NULL,
    position  BIGINT       NOT NULL,
    status    VARCHAR(32)  NOT NULL,
    detail    VARCHAR(1024),
    at        TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (tenant_id, id, position)
);

CREATE TABLE escrow_payout_failure (
    tenant_id         VARCHAR(64)  NOT NULL,
    payout_id         VARCHAR(255) NOT NULL,
    connected_account VARCHAR(255) NOT NULL,
    amount            BIGINT       NOT NULL,
    currency          VARCHAR(16),
    failure_code      VARCHAR(255),
    failure_message   VARCHAR(1024),
    at                TIMESTAMPTZ  NOT NULL,
    position          BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, payout_id)
);
CREATE INDEX escrow_payout_failure_at_idx ON escrow_payout_failure (tenant_id, at);
