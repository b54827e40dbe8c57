-- The payments reconciliation read model, maintained by the `payments` projection
-- (PaymentReconciliationProjection): what Stripe reported about each money object, and what the
-- domain recorded about the resource it pays for. v_reconciliation_payments (V111) compares them.

-- One row per PaymentIntent the engine has recorded a report about (a StripePayment aggregate).
CREATE TABLE stripe_payment (
    payment_intent_id VARCHAR(255) PRIMARY KEY,
    tenant_id         VARCHAR(64)  NOT NULL,
    order_type        VARCHAR(32)  NOT NULL,
    reference_id      VARCHAR(64)  NOT NULL,
    status            VARCHAR(16)  NOT NULL, -- AUTHORIZED, SUCCEEDED, FAILED, CANCELED
    amount            BIGINT,                -- authorized, in minor units
    amount_received   BIGINT,                -- captured, in minor units
    currency          VARCHAR(16),
    refunded_total    BIGINT       NOT NULL DEFAULT 0,
    charge_id         VARCHAR(255),          -- the charge of the latest refund
    stripe_event_id   VARCHAR(255),          -- the webhook event of the latest report
    first_seen_at     TIMESTAMPTZ  NOT NULL,
    status_at         TIMESTAMPTZ  NOT NULL,
    refunded_at       TIMESTAMPTZ,
    last_position     BIGINT       NOT NULL
);
CREATE INDEX stripe_payment_reference_idx ON stripe_payment (tenant_id, order_type, reference_id);

-- One row per resource paid through Stripe (an investment, a card order), as its events tell it.
CREATE TABLE payment_resource (
    tenant_id            VARCHAR(64)  NOT NULL,
    kind                 VARCHAR(32)  NOT NULL, -- the order_type of its PaymentIntent: investment, order
    resource_id          VARCHAR(128) NOT NULL,
    reference_id         VARCHAR(64)  NOT NULL,
    payment_intent_id    VARCHAR(255),
    expected_amount      BIGINT       NOT NULL, -- in minor units of currency
    currency             VARCHAR(16),
    status               VARCHAR(32)  NOT NULL,
    amount_received      BIGINT,                -- what the domain recorded as paid
    received_currency    VARCHAR(16),
    mismatch             BOOLEAN      NOT NULL DEFAULT false, -- the domain refused the payment's amount
    paid_after_cancel    BOOLEAN      NOT NULL DEFAULT false, -- an order paid after it was canceled
    refunded_total       BIGINT       NOT NULL DEFAULT 0,
    points_awarded       BIGINT       NOT NULL DEFAULT 0,
    award_transfer_id    VARCHAR(128),
    points_reversed      BIGINT       NOT NULL DEFAULT 0,
    reversal_transfer_id VARCHAR(128),
    updated_at           TIMESTAMPTZ  NOT NULL,
    last_position        BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, kind, resource_id)
);
CREATE UNIQUE INDEX payment_resource_reference_idx ON payment_resource (tenant_id, kind, reference_id);
