-- Verified Stripe webhooks, stored before they are acknowledged and processed from here: the
-- event id is the key, so a redelivery is counted but never processed twice. Processing is
-- retried with backoff; after the last attempt an event is parked as DEAD (a dead letter).
CREATE TABLE stripe_webhook_event (
    event_id         VARCHAR(255)  PRIMARY KEY,
    type             VARCHAR(255)  NOT NULL,
    api_version      VARCHAR(64),
    livemode         BOOLEAN       NOT NULL DEFAULT false,
    payload          BYTEA         NOT NULL,
    status           VARCHAR(16)   NOT NULL
        CHECK (status IN ('RECEIVED', 'RETRYING', 'PROCESSED', 'IGNORED', 'REJECTED', 'DEAD')),
    deliveries       INTEGER       NOT NULL DEFAULT 1,
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
    received_at      TIMESTAMPTZ   NOT NULL DEFAULT now(),
    processed_at     TIMESTAMPTZ,
    last_error       VARCHAR(1024),
    rejection_reason VARCHAR(1024)
);
CREATE INDEX stripe_webhook_event_due_idx ON stripe_webhook_event (next_attempt_at)
    WHERE status IN ('RECEIVED', 'RETRYING');
CREATE INDEX stripe_webhook_event_status_idx ON stripe_webhook_event (status, received_at);
