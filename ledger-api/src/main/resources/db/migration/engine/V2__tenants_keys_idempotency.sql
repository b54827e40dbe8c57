-- Tenants, API keys (secrets stored as SHA-256 hashes) and stored responses for Idempotency-Key.

CREATE TABLE tenant (
    id         VARCHAR(64) PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_key (
    id          VARCHAR(64)  PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenant (id),
    name        VARCHAR(128) NOT NULL,
    secret_hash CHAR(64)     NOT NULL UNIQUE,
    scopes      TEXT[]       NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);

CREATE TABLE idempotency_record (
    tenant_id       VARCHAR(64)  NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash    CHAR(64)     NOT NULL,
    state           VARCHAR(16)  NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE')),
    status          INTEGER,
    content_type    VARCHAR(255),
    response_body   BYTEA,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, idempotency_key)
);
CREATE INDEX idempotency_record_created_idx ON idempotency_record (created_at);
