-- Invariant 7: events are never updated or deleted; corrections are new events. The database
-- itself refuses, so no code path, script or operator mistake can rewrite history quietly.
-- (A superuser can still disable the trigger: database roles and backups are the defence there.)
CREATE FUNCTION refuse_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'events are immutable: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER domain_event_entry_immutable
    BEFORE UPDATE OR DELETE ON domain_event_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER domain_event_entry_no_truncate
    BEFORE TRUNCATE ON domain_event_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();
