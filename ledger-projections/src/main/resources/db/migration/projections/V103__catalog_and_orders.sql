-- Products with their stock, and orders, maintained by the catalog projection.
CREATE TABLE product (
    tenant_id     VARCHAR(64)  NOT NULL,
    sku           VARCHAR(64)  NOT NULL,
    name          VARCHAR(256) NOT NULL,
    price_points  BIGINT,
    price_minor   BIGINT,
    currency      VARCHAR(16),
    on_hand       BIGINT       NOT NULL DEFAULT 0,
    reserved      BIGINT       NOT NULL DEFAULT 0,
    last_position BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, sku)
);

CREATE TABLE shop_order (
    tenant_id         VARCHAR(64)  NOT NULL,
    id                VARCHAR(128) NOT NULL,
    reference_id      UUID         NOT NULL,
    user_id           VARCHAR(64)  NOT NULL,
    pay_with          VARCHAR(16)  NOT NULL,
    total             BIGINT       NOT NULL,
    currency          VARCHAR(16),
    status            VARCHAR(32)  NOT NULL,
    payment_intent_id VARCHAR(255),
    lines             JSONB        NOT NULL,
    detail            VARCHAR(512),
    placed_at         TIMESTAMPTZ  NOT NULL,
    expires_at        TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ  NOT NULL,
    last_position     BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX shop_order_user_idx ON shop_order (tenant_id, user_id, placed_at DESC);
