-- Coin purchases, the history of their transitions, and gifts, maintained by the coins projection.
-- Coins are whole coins; money in the currency's minor unit.
CREATE TABLE coin_purchase (
    tenant_id         VARCHAR(64)  NOT NULL,
    id                VARCHAR(128) NOT NULL,
    reference_id      UUID         NOT NULL,
    user_id           VARCHAR(64)  NOT NULL,
    coins             BIGINT       NOT NULL,
    price_minor       BIGINT       NOT NULL,
    currency          VARCHAR(16)  NOT NULL,
    payment_intent_id VARCHAR(255) NOT NULL,
    status            VARCHAR(32)  NOT NULL,
    -- issued on confirmation: to user:{id}:coins, and to settle an earlier shortfall
    coins_credited    BIGINT       NOT NULL DEFAULT 0,
    coins_settled     BIGINT       NOT NULL DEFAULT 0,
    -- refunds and chargebacks: money refunded so far, coins taken back, and of those the part the
    -- user no longer had (posted from user:{id}:coins:shortfall)
    refunded_minor    BIGINT       NOT NULL DEFAULT 0,
    coins_taken_back  BIGINT       NOT NULL DEFAULT 0,
    coins_shortfall   BIGINT       NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ  NOT NULL,
    expires_at        TIMESTAMPTZ  NOT NULL,
    updated_at        TIMESTAMPTZ  NOT NULL,
    last_position     BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX coin_purchase_reference_idx ON coin_purchase (tenant_id, reference_id);
CREATE INDEX coin_purchase_user_idx ON coin_purchase (tenant_id, user_id);
CREATE INDEX coin_purchase_payment_intent_idx ON coin_purchase (payment_intent_id);

CREATE TABLE coin_purchase_transition (
    tenant_id VARCHAR(64)  NOT NULL,
    id        VARCHAR(128) NOT NULL,
    position  BIGINT       NOT NULL,
    status    VARCHAR(32)  NOT NULL,
    detail    VARCHAR(512),
    at        TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (tenant_id, id, position)
);

CREATE TABLE gift (
    tenant_id        VARCHAR(64)  NOT NULL,
    id               VARCHAR(128) NOT NULL,
    sender_id        VARCHAR(64)  NOT NULL,
    recipient_id     VARCHAR(64)  NOT NULL,
    coins            BIGINT       NOT NULL,
    fee              BIGINT       NOT NULL,
    earnings         BIGINT       NOT NULL,
    fee_basis_points BIGINT       NOT NULL,
    sent_at          TIMESTAMPTZ  NOT NULL,
    position         BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX gift_sender_idx ON gift (tenant_id, sender_id, position);
CREATE INDEX gift_recipient_idx ON gift (tenant_id, recipient_id, position);
