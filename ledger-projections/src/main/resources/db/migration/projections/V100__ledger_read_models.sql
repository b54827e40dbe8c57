-- Read models of the double-entry core, maintained by the projections from the event stream.
-- Each can be rebuilt from history; none is a source of truth.

CREATE TABLE account_balance (
    tenant_id        VARCHAR(64)  NOT NULL,
    address          VARCHAR(256) COLLATE "C" NOT NULL, -- byte order, so keyset paging is stable
    asset            VARCHAR(16)  NOT NULL,
    allow_negative   BOOLEAN      NOT NULL,
    frozen           BOOLEAN      NOT NULL DEFAULT false,
    metadata         JSONB        NOT NULL DEFAULT '{}',
    debits_posted    BIGINT       NOT NULL DEFAULT 0,
    credits_posted   BIGINT       NOT NULL DEFAULT 0,
    debits_pending   BIGINT       NOT NULL DEFAULT 0,
    credits_pending  BIGINT       NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ  NOT NULL,
    last_position    BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, address)
);
CREATE INDEX account_balance_asset_idx ON account_balance (tenant_id, asset, address);

-- One row per posted movement on an account: the account statement.
CREATE TABLE account_entry (
    tenant_id     VARCHAR(64)  NOT NULL,
    address       VARCHAR(256) NOT NULL,
    position      BIGINT       NOT NULL,
    transfer_id   VARCHAR(128) NOT NULL,
    counterparty  VARCHAR(256) NOT NULL,
    amount        BIGINT       NOT NULL, -- signed: negative for a debit
    balance_after BIGINT       NOT NULL,
    code          VARCHAR(64),
    reference     VARCHAR(256),
    occurred_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (tenant_id, address, position)
);

CREATE TABLE transfer (
    tenant_id       VARCHAR(64)  NOT NULL,
    id              VARCHAR(128) NOT NULL,
    debit_account   VARCHAR(256) NOT NULL,
    credit_account  VARCHAR(256) NOT NULL,
    amount          BIGINT       NOT NULL,
    posted_amount   BIGINT       NOT NULL DEFAULT 0,
    asset           VARCHAR(16)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    code            VARCHAR(64),
    reference       VARCHAR(256),
    metadata        JSONB        NOT NULL DEFAULT '{}',
    pending         BOOLEAN      NOT NULL,
    timeout_seconds BIGINT,
    created_at      TIMESTAMPTZ  NOT NULL,
    expires_at      TIMESTAMPTZ,
    closed_at        TIMESTAMPTZ,
    created_position BIGINT       NOT NULL,
    last_position    BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX transfer_debit_idx ON transfer (tenant_id, debit_account, created_position DESC);
CREATE INDEX transfer_credit_idx ON transfer (tenant_id, credit_account, created_position DESC);
CREATE INDEX transfer_reference_idx ON transfer (tenant_id, reference, created_position DESC);
CREATE INDEX transfer_created_idx ON transfer (tenant_id, created_position DESC);

CREATE TABLE journal_entry (
    tenant_id     VARCHAR(64)  NOT NULL,
    id            VARCHAR(128) NOT NULL,
    postings      JSONB        NOT NULL,
    code          VARCHAR(64),
    reference     VARCHAR(256),
    metadata      JSONB        NOT NULL DEFAULT '{}',
    posted_at     TIMESTAMPTZ  NOT NULL,
    last_position BIGINT       NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
