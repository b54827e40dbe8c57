-- Tamper evidence (ADR 0019, docs/audit.md): every event carries `hash`, the SHA-256 of a
-- canonical encoding of its stored columns and of `previous_hash`, which is the `hash` of the
-- previous event of the same aggregate (sequence_number - 1; NULL for an aggregate's first event).
-- The database computes both when the event is appended, so no code path can skip them. Changing
-- one stored byte of an event changes its hash, and the next event of the aggregate no longer
-- chains to it. `tenant_id` is the `tenant` of the event's metadata, for the audit endpoints.

ALTER TABLE domain_event_entry
    ADD COLUMN previous_hash BYTEA,
    ADD COLUMN hash          BYTEA,
    ADD COLUMN tenant_id     VARCHAR(64);

-- One field of the encoding: its length as 4 bytes big-endian, then its bytes; NULL is the 4 bytes
-- ff ff ff ff and nothing else.
CREATE FUNCTION ledger_hash_field(value BYTEA) RETURNS BYTEA
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value IS NULL THEN '\xffffffff'::bytea ELSE int4send(octet_length(value)) || value END
$$;

-- The hash of one event, version 1 of the encoding: SHA-256 over these twelve fields in this order,
-- text as UTF-8, numbers as decimal digits. docs/audit.md recomputes it in Python.
CREATE FUNCTION ledger_event_hash(
    previous_hash        BYTEA,
    global_index         BIGINT,
    aggregate_identifier TEXT,
    sequence_number      BIGINT,
    type                 TEXT,
    event_identifier     TEXT,
    payload_type         TEXT,
    payload_revision     TEXT,
    time_stamp           TEXT,
    meta_data            BYTEA,
    payload              BYTEA) RETURNS BYTEA
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(
               ledger_hash_field(convert_to('ledger-event-v1', 'UTF8'))
            || ledger_hash_field(previous_hash)
            || ledger_hash_field(convert_to(global_index::text, 'UTF8'))
            || ledger_hash_field(convert_to(aggregate_identifier, 'UTF8'))
            || ledger_hash_field(convert_to(sequence_number::text, 'UTF8'))
            || ledger_hash_field(convert_to(type, 'UTF8'))
            || ledger_hash_field(convert_to(event_identifier, 'UTF8'))
            || ledger_hash_field(convert_to(payload_type, 'UTF8'))
            || ledger_hash_field(convert_to(payload_revision, 'UTF8'))
            || ledger_hash_field(convert_to(time_stamp, 'UTF8'))
            || ledger_hash_field(meta_data)
            || ledger_hash_field(payload))
$$;

-- The tenant named in an event's metadata (JSON written by Jackson), or NULL.
CREATE FUNCTION ledger_event_tenant(meta_data BYTEA) RETURNS VARCHAR
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT left(convert_from(meta_data, 'UTF8')::jsonb ->> 'tenant', 64)
$$;

-- Existing events get their chain now, aggregate by aggregate in sequence order. The immutability
-- trigger (V3) is lifted for this one statement of the migration only.
ALTER TABLE domain_event_entry DISABLE TRIGGER domain_event_entry_immutable;
DO $$
DECLARE
    event          RECORD;
    last_aggregate TEXT := NULL;
    last_sequence  BIGINT;
    last_hash      BYTEA;
    chained        BYTEA;
BEGIN
    FOR event IN SELECT * FROM domain_event_entry ORDER BY aggregate_identifier, sequence_number LOOP
        IF event.aggregate_identifier IS DISTINCT FROM last_aggregate THEN
            last_hash := NULL;
            last_sequence := -1;
        END IF;
        IF event.sequence_number <> last_sequence + 1 THEN
            RAISE EXCEPTION 'event % of aggregate % follows sequence %: the history has a hole',
                event.sequence_number, event.aggregate_identifier, last_sequence;
        END IF;
        chained := ledger_event_hash(last_hash, event.global_index, event.aggregate_identifier,
            event.sequence_number, event.type, event.event_identifier, event.payload_type,
            event.payload_revision, event.time_stamp, event.meta_data, event.payload);
        UPDATE domain_event_entry
           SET previous_hash = last_hash, hash = chained, tenant_id = ledger_event_tenant(event.meta_data)
         WHERE global_index = event.global_index;
        last_aggregate := event.aggregate_identifier;
        last_sequence := event.sequence_number;
        last_hash := chained;
    END LOOP;
END;
$$;
ALTER TABLE domain_event_entry ENABLE TRIGGER domain_event_entry_immutable;

ALTER TABLE domain_event_entry ALTER COLUMN hash SET NOT NULL;

-- Runs before every append, after the column defaults (global_index) are assigned. Whatever the
-- writer put in the three columns is replaced. The previous event of the aggregate is committed,
-- or written earlier in the same transaction: a writer that appends sequence n has read n - 1.
CREATE FUNCTION chain_event() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    previous BYTEA := NULL;
BEGIN
    IF NEW.sequence_number > 0 THEN
        SELECT hash INTO previous FROM domain_event_entry
         WHERE aggregate_identifier = NEW.aggregate_identifier
           AND sequence_number = NEW.sequence_number - 1;
        IF previous IS NULL THEN
            RAISE EXCEPTION 'event % of aggregate % has no previous event to chain to',
                NEW.sequence_number, NEW.aggregate_identifier
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    NEW.previous_hash := previous;
    NEW.hash := ledger_event_hash(previous, NEW.global_index, NEW.aggregate_identifier,
        NEW.sequence_number, NEW.type, NEW.event_identifier, NEW.payload_type, NEW.payload_revision,
        NEW.time_stamp, NEW.meta_data, NEW.payload);
    NEW.tenant_id := ledger_event_tenant(NEW.meta_data);
    RETURN NEW;
END;
$$;

CREATE TRIGGER domain_event_entry_chain
    BEFORE INSERT ON domain_event_entry
    FOR EACH ROW EXECUTE FUNCTION chain_event();

-- The audit endpoints page through one tenant's events by position.
CREATE INDEX domain_event_entry_tenant_idx ON domain_event_entry (tenant_id, global_index);
