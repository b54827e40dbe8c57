-- Stable views for analysts (docs/analysts.md) and the reconciliation the engine's own endpoints
-- read (GET /v1/reconciliation/*, GET /v1/audit/verify). Column names and meanings of the v_ views
-- are a contract: add columns at the end, never rename or drop one.

------------------------------------------------------------------------------------------------
-- Internal: the account events of the history, with what each does to the balances. Reads the
-- event store, so it is not granted to analysts; the reconciliation views below summarise it.
-- The tenant and address come from the aggregate identifier (tenant/account/address).
CREATE VIEW ledger_account_movement AS
SELECT e.aggregate_identifier,
       split_part(e.aggregate_identifier, '/', 1)                                       AS tenant_id,
       substr(e.aggregate_identifier, strpos(e.aggregate_identifier, '/account/') + 9) AS address,
       e.global_index                                                                   AS position,
       t.event_type,
       CASE t.event_type WHEN 'AccountOpened' THEN t.payload ->> 'asset' END           AS asset,
       CASE t.event_type WHEN 'AccountDebited'
           THEN (t.payload -> 'movement' ->> 'amount')::bigint ELSE 0 END              AS debit,
       CASE t.event_type WHEN 'AccountCredited'
           THEN (t.payload -> 'movement' ->> 'amount')::bigint ELSE 0 END              AS credit,
       CASE t.event_type
           WHEN 'AccountDebitReserved' THEN (t.payload -> 'movement' ->> 'amount')::bigint
           WHEN 'AccountDebitReservationReleased' THEN -(t.payload ->> 'amount')::bigint
           ELSE 0 END                                                                   AS debit_pending,
       CASE t.event_type
           WHEN 'AccountCreditReserved' THEN (t.payload -> 'movement' ->> 'amount')::bigint
           WHEN 'AccountCreditReservationReleased' THEN -(t.payload ->> 'amount')::bigint
           ELSE 0 END                                                                   AS credit_pending
  FROM domain_event_entry e
 CROSS JOIN LATERAL (SELECT substr(e.payload_type, strpos(e.payload_type, '$') + 1) AS event_type,
                            convert_from(e.payload, 'UTF8')::jsonb                 AS payload) t
 WHERE e.type = 'Account';

-- A tenant's account events, for the views above and below that read one tenant's history.
CREATE INDEX domain_event_entry_account_tenant_idx
    ON domain_event_entry (split_part(aggregate_identifier, '/', 1), global_index)
    WHERE type = 'Account';

-- Internal: every account's balances as its whole history says.
CREATE VIEW ledger_account_history AS
SELECT tenant_id,
       address,
       max(asset)                                                AS asset,
       min(position) FILTER (WHERE event_type = 'AccountOpened') AS opened_position,
       max(position)                                             AS last_position,
       sum(debit)::bigint                                        AS debits_posted,
       sum(credit)::bigint                                       AS credits_posted,
       sum(debit_pending)::bigint                                AS debits_pending,
       sum(credit_pending)::bigint                               AS credits_pending
  FROM ledger_account_movement
 GROUP BY tenant_id, address;

------------------------------------------------------------------------------------------------
-- Balances from the balance cache (the `balances` projection): one row per account. `posted` is
-- credits minus debits posted; `available` is posted minus pending debits. `position` is the
-- position of the latest event applied to the account.
CREATE VIEW v_account_balances AS
SELECT tenant_id,
       address                          AS account_id,
       asset,
       allow_negative,
       frozen,
       metadata,
       credits_posted - debits_posted   AS posted,
       debits_pending                   AS pending_debits,
       credits_pending                  AS pending_credits,
       credits_posted - debits_posted - debits_pending AS available,
       debits_posted,
       credits_posted,
       created_at,
       last_position                    AS position
  FROM account_balance;

-- Account statements: one row per posted movement; `amount` is negative for a debit.
CREATE VIEW v_account_entries AS
SELECT tenant_id,
       address      AS account_id,
       position,
       transfer_id,
       counterparty,
       amount,
       balance_after,
       code,
       reference,
       occurred_at
  FROM account_entry;

-- Every leaderboard (points-balance, points-earned, and any board added later) in every period,
-- ranked as GET /v1/leaderboards/{board} ranks: highest value first; of equal values the one
-- reached at the lower position, then the lower user id (byte order).
CREATE VIEW v_leaderboard_entries AS
SELECT tenant_id,
       board,
       period_key,
       row_number() OVER (PARTITION BY tenant_id, board, period_key
                          ORDER BY value DESC, reached_position ASC, user_id ASC) AS rank,
       user_id,
       value,
       reached_position,
       last_position AS position
  FROM leaderboard_entry;

------------------------------------------------------------------------------------------------
-- Invariant 1 per tenant and asset, from the event history itself: the posted balances of all
-- accounts sum to zero, and what pending transfers hold on debit sides equals what they will credit.
CREATE VIEW v_reconciliation_ledger AS
SELECT tenant_id,
       asset,
       count(*)                                               AS accounts,
       sum(credits_posted - debits_posted)                    AS posted_sum,
       sum(debits_pending)                                    AS pending_debits_sum,
       sum(credits_pending)                                   AS pending_credits_sum,
       sum(credits_posted - debits_posted) = 0
           AND sum(debits_pending) = sum(credits_pending)     AS balanced,
       max(last_position)                                     AS position
  FROM ledger_account_history
 GROUP BY tenant_id, asset;

-- Invariant 5: accounts whose cached balances differ from their history. A cached row is compared
-- with the history up to the position it says it has applied, so a cache that lags is no
-- difference. issue: BALANCE_DIFFERS; NOT_IN_HISTORY (a cached account without an AccountOpened
-- event); MISSING_IN_CACHE (an account of the history the cache does not hold: a difference once the
-- `balances` projection has passed `position`, the position of its AccountOpened).
CREATE VIEW v_reconciliation_accounts AS
SELECT b.tenant_id,
       b.address                      AS account_id,
       b.asset,
       CASE WHEN h.opened = 0 THEN 'NOT_IN_HISTORY' ELSE 'BALANCE_DIFFERS' END AS issue,
       b.last_position                AS position,
       b.debits_posted                AS cached_debits_posted,
       b.credits_posted               AS cached_credits_posted,
       b.debits_pending               AS cached_debits_pending,
       b.credits_pending              AS cached_credits_pending,
       h.debits_posted                AS history_debits_posted,
       h.credits_posted               AS history_credits_posted,
       h.debits_pending               AS history_debits_pending,
       h.credits_pending              AS history_credits_pending
  FROM account_balance b
 CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE m.event_type = 'AccountOpened') AS opened,
              coalesce(sum(m.debit), 0)::bigint          AS debits_posted,
              coalesce(sum(m.credit), 0)::bigint         AS credits_posted,
              coalesce(sum(m.debit_pending), 0)::bigint  AS debits_pending,
              coalesce(sum(m.credit_pending), 0)::bigint AS credits_pending
         FROM ledger_account_movement m
        WHERE m.aggregate_identifier = b.tenant_id || '/account/' || b.address
          AND m.position <= b.last_position) h
 WHERE h.opened = 0
    OR (b.debits_posted, b.credits_posted, b.debits_pending, b.credits_pending)
       IS DISTINCT FROM (h.debits_posted, h.credits_posted, h.debits_pending, h.credits_pending)
UNION ALL
SELECT h.tenant_id,
       h.address,
       h.asset,
       'MISSING_IN_CACHE',
       h.opened_position,
       NULL, NULL, NULL, NULL,
       h.debits_posted,
       h.credits_posted,
       h.debits_pending,
       h.credits_pending
  FROM ledger_account_history h
 WHERE NOT EXISTS (SELECT 1 FROM account_balance b WHERE b.tenant_id = h.tenant_id AND b.address = h.address);

------------------------------------------------------------------------------------------------
-- How long a payment may stay open (not yet reflected, or not final) before it counts as
-- MISSING_IN_LEDGER or STUCK rather than IN_PROGRESS: the session setting
-- ledger.reconciliation_stuck_after (an interval; the engine sets it from
-- LEDGER_RECONCILIATION_STUCK_AFTER), one hour when unset.
CREATE FUNCTION ledger_reconciliation_stuck_after() RETURNS INTERVAL
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('ledger.reconciliation_stuck_after', true), '')::interval,
                    interval '1 hour')
$$;

-- Every Stripe money movement the engine has seen, against the domain and the ledger: a PaymentIntent
-- (movement `payment`), the refunds of its charge (movement `refund`), and verified webhooks about
-- money that no recorded PaymentIntent reflects (source `webhook`). status:
--   MATCHED            Stripe, the domain and the ledger agree (or nothing moved).
--   AMOUNT_MISMATCH    an amount or currency differs (payment vs expected, award vs points).
--   MISSING_IN_LEDGER  money moved at Stripe and the domain or the ledger has no trace of it.
--   STUCK              a movement that is not final: held, parked as a dead letter, or paid after
--                      its order was canceled and not refunded yet.
--   IN_PROGRESS        not reflected yet, for less than ledger_reconciliation_stuck_after(); then it
--                      becomes MISSING_IN_LEDGER or STUCK.
-- The rules are in docs/analysts.md.
CREATE VIEW v_reconciliation_payments AS
WITH payment AS (
    SELECT p.*,
           r.resource_id,
           r.status            AS domain_status,
           r.expected_amount,
           r.currency          AS expected_currency,
           r.amount_received   AS domain_amount,
           r.mismatch,
           r.paid_after_cancel,
           r.refunded_total    AS domain_refunded,
           r.points_awarded,
           r.award_transfer_id,
           r.points_reversed,
           r.reversal_transfer_id,
           award.status        AS award_status,
           award.amount        AS award_amount,
           reversal.status     AS reversal_status,
           reversal.amount     AS reversal_amount,
           p.order_type IN ('investment', 'order') AS has_rule
      FROM stripe_payment p
      LEFT JOIN payment_resource r
             ON r.tenant_id = p.tenant_id AND r.kind = p.order_type AND r.reference_id = p.reference_id
      LEFT JOIN transfer award
             ON award.tenant_id = r.tenant_id AND award.id = r.award_transfer_id
      LEFT JOIN transfer reversal
             ON reversal.tenant_id = r.tenant_id AND reversal.id = r.reversal_transfer_id
),
judged AS (
    SELECT tenant_id, 'payment' AS movement, payment_intent_id AS stripe_object_id, payment_intent_id,
           order_type, reference_id, resource_id, status AS stripe_status,
           coalesce(amount_received, amount) AS stripe_amount, currency, domain_status, expected_amount,
           domain_amount,
           CASE WHEN points_awarded > 0 THEN award_transfer_id END AS ledger_transfer_id,
           CASE WHEN points_awarded > 0 THEN award_amount END      AS ledger_amount,
           status_at AS since, stripe_event_id AS webhook_event_id,
           CASE
               WHEN NOT has_rule THEN 'OPEN:STUCK'
               WHEN resource_id IS NULL THEN
                   CASE WHEN status IN ('SUCCEEDED', 'AUTHORIZED') THEN 'OPEN:MISSING_IN_LEDGER' ELSE 'MATCHED' END
               WHEN status = 'SUCCEEDED' THEN
                   CASE
                       WHEN (mismatch OR amount_received <> expected_amount
                             OR upper(currency) IS DISTINCT FROM upper(expected_currency))
                            AND refunded_total >= amount_received THEN 'MATCHED'
                       WHEN mismatch OR amount_received <> expected_amount
                            OR upper(currency) IS DISTINCT FROM upper(expected_currency) THEN 'AMOUNT_MISMATCH'
                       WHEN paid_after_cancel AND refunded_total >= amount_received THEN 'MATCHED'
                       WHEN paid_after_cancel THEN 'STUCK'
                       WHEN order_type = 'investment' AND domain_status IN ('ACTIVE', 'REFUNDED') THEN
                           CASE
                               WHEN points_awarded = 0 THEN 'MATCHED'
                               WHEN award_status IS NULL THEN 'OPEN:MISSING_IN_LEDGER'
                               WHEN award_status <> 'POSTED' OR award_amount <> points_awarded THEN 'AMOUNT_MISMATCH'
                               ELSE 'MATCHED'
                           END
                       WHEN order_type = 'order' AND domain_status IN ('PAID', 'REFUNDED') THEN 'MATCHED'
                       ELSE 'OPEN:MISSING_IN_LEDGER'
                   END
               WHEN status = 'AUTHORIZED' THEN 'OPEN:STUCK'
               WHEN domain_status IN ('ACTIVE', 'PAID', 'REFUNDED') THEN 'AMOUNT_MISMATCH'
               ELSE 'MATCHED'
           END AS verdict,
           CASE
               WHEN NOT has_rule THEN 'no reconciliation rule for order type ' || order_type
               WHEN resource_id IS NULL THEN 'no ' || order_type || ' with reference ' || reference_id
               WHEN status = 'SUCCEEDED' AND (mismatch OR amount_received <> expected_amount
                        OR upper(currency) IS DISTINCT FROM upper(expected_currency)) THEN
                   'received ' || amount_received || ' ' || coalesce(currency, '?') || ', expected '
                       || expected_amount || ' ' || coalesce(expected_currency, '?')
                       || CASE WHEN refunded_total >= amount_received THEN '; refunded in full' ELSE '' END
               WHEN status = 'SUCCEEDED' AND paid_after_cancel THEN
                   'paid after the order was canceled'
                       || CASE WHEN refunded_total >= amount_received THEN '; refunded in full'
                               ELSE ': to be refunded' END
               WHEN status = 'SUCCEEDED' AND order_type = 'investment' AND domain_status IN ('ACTIVE', 'REFUNDED')
                    AND points_awarded > 0 AND award_status IS NULL THEN
                   'award transfer ' || award_transfer_id || ' of ' || points_awarded || ' points is not in the ledger'
               WHEN status = 'SUCCEEDED' AND order_type = 'investment' AND domain_status IN ('ACTIVE', 'REFUNDED')
                    AND points_awarded > 0 AND (award_status <> 'POSTED' OR award_amount <> points_awarded) THEN
                   'award transfer ' || award_transfer_id || ' is ' || award_status || ' of ' || award_amount
                       || ', expected POSTED of ' || points_awarded
               WHEN status = 'SUCCEEDED' AND NOT (order_type = 'investment' AND domain_status IN ('ACTIVE', 'REFUNDED'))
                    AND NOT (order_type = 'order' AND domain_status IN ('PAID', 'REFUNDED')) THEN
                   'Stripe reports the payment succeeded; the ' || order_type || ' is ' || domain_status
               WHEN status = 'AUTHORIZED' THEN 'authorized and not captured'
               WHEN status IN ('FAILED', 'CANCELED', 'CREATED') AND domain_status IN ('ACTIVE', 'PAID', 'REFUNDED') THEN
                   'the ' || order_type || ' is ' || domain_status || ' but Stripe reports the payment '
                       || lower(status)
           END AS detail
      FROM payment
    UNION ALL
    SELECT tenant_id, 'refund', coalesce(charge_id, payment_intent_id), payment_intent_id,
           order_type, reference_id, resource_id, 'REFUNDED', refunded_total, currency, domain_status,
           coalesce(domain_amount, expected_amount), domain_refunded,
           CASE WHEN points_reversed > 0 THEN reversal_transfer_id END,
           CASE WHEN points_reversed > 0 THEN reversal_amount END,
           coalesce(refunded_at, status_at), stripe_event_id,
           CASE
               WHEN NOT has_rule THEN 'OPEN:STUCK'
               WHEN resource_id IS NULL THEN 'OPEN:MISSING_IN_LEDGER'
               WHEN paid_after_cancel OR mismatch THEN
                   CASE WHEN refunded_total >= coalesce(amount_received, domain_amount, 0) THEN 'MATCHED'
                        ELSE 'MISSING_IN_LEDGER' END
               WHEN refunded_total < expected_amount THEN 'MISSING_IN_LEDGER'
               WHEN domain_status = 'REFUNDED' THEN
                   CASE
                       WHEN points_reversed = 0 THEN 'MATCHED'
                       WHEN reversal_status IS NULL THEN 'OPEN:MISSING_IN_LEDGER'
                       WHEN reversal_status <> 'POSTED' OR reversal_amount <> points_reversed THEN 'AMOUNT_MISMATCH'
                       ELSE 'MATCHED'
                   END
               ELSE 'OPEN:MISSING_IN_LEDGER'
           END,
           CASE
               WHEN NOT has_rule THEN 'no reconciliation rule for order type ' || order_type
               WHEN resource_id IS NULL THEN 'no ' || order_type || ' with reference ' || reference_id
               WHEN (paid_after_cancel OR mismatch)
                    AND refunded_total < coalesce(amount_received, domain_amount, 0) THEN
                   'refunded ' || refunded_total || ' of ' || coalesce(amount_received, domain_amount, 0)
                       || ' received; the rest is to be refunded'
               WHEN paid_after_cancel OR mismatch THEN 'the payment the ' || order_type || ' refused was refunded'
               WHEN refunded_total < expected_amount THEN
                   'partial refund of ' || refunded_total || ' of ' || expected_amount
                       || ': the engine acts on full refunds only; settle by hand'
               WHEN domain_status = 'REFUNDED' AND points_reversed > 0 AND reversal_status IS NULL THEN
                   'reversal transfer ' || reversal_transfer_id || ' of ' || points_reversed
                       || ' points is not in the ledger'
               WHEN domain_status = 'REFUNDED' AND points_reversed > 0
                    AND (reversal_status <> 'POSTED' OR reversal_amount <> points_reversed) THEN
                   'reversal transfer ' || reversal_transfer_id || ' is ' || reversal_status || ' of '
                       || reversal_amount || ', expected POSTED of ' || points_reversed
               WHEN domain_status <> 'REFUNDED' THEN
                   'Stripe refunded ' || refunded_total || '; the ' || order_type || ' is ' || domain_status
           END
      FROM payment
     WHERE refunded_total > 0
    UNION ALL
    SELECT w.tenant_id, w.movement, w.object_id, w.payment_intent_id, w.order_type, w.reference_id, NULL,
           w.stripe_status, w.amount, w.currency, NULL, NULL, NULL, NULL, NULL, w.received_at, w.event_id,
           CASE w.status WHEN 'REJECTED' THEN 'MISSING_IN_LEDGER' WHEN 'DEAD' THEN 'STUCK' ELSE 'OPEN:STUCK' END,
           CASE w.status
               WHEN 'REJECTED' THEN 'webhook ' || w.event_id || ' was rejected: ' || coalesce(w.rejection_reason, '?')
               WHEN 'DEAD' THEN 'webhook ' || w.event_id || ' is a dead letter: ' || coalesce(w.last_error, '?')
               ELSE 'webhook ' || w.event_id || ' is not processed yet'
           END
      FROM (SELECT e.event_id, e.status, e.received_at, e.rejection_reason, e.last_error, e.type,
                   o.object ->> 'id' AS object_id,
                   o.object -> 'metadata' ->> 'tenant'       AS tenant_id,
                   o.object -> 'metadata' ->> 'order_type'   AS order_type,
                   lower(o.object -> 'metadata' ->> 'reference_id') AS reference_id,
                   upper(o.object ->> 'currency')            AS currency,
                   CASE e.type WHEN 'charge.refunded' THEN 'refund' ELSE 'payment' END AS movement,
                   CASE e.type WHEN 'charge.refunded' THEN o.object ->> 'payment_intent'
                               ELSE o.object ->> 'id' END    AS payment_intent_id,
                   CASE e.type WHEN 'payment_intent.succeeded' THEN 'SUCCEEDED'
                               WHEN 'payment_intent.amount_capturable_updated' THEN 'AUTHORIZED'
                               ELSE 'REFUNDED' END          AS stripe_status,
                   CASE e.type WHEN 'payment_intent.succeeded' THEN (o.object ->> 'amount_received')::bigint
                               WHEN 'payment_intent.amount_capturable_updated' THEN (o.object ->> 'amount')::bigint
                               ELSE (o.object ->> 'amount_refunded')::bigint END AS amount
              FROM stripe_webhook_event e
             CROSS JOIN LATERAL (SELECT convert_from(e.payload, 'UTF8')::jsonb -> 'data' -> 'object' AS object) o
             WHERE e.type IN ('payment_intent.succeeded', 'payment_intent.amount_capturable_updated', 'charge.refunded')
               AND e.status IN ('RECEIVED', 'RETRYING', 'REJECTED', 'DEAD')) w
     WHERE NOT EXISTS (
           SELECT 1 FROM stripe_payment p
            WHERE p.payment_intent_id = w.payment_intent_id
              AND CASE w.type
                      WHEN 'payment_intent.succeeded' THEN p.status = 'SUCCEEDED'
                      WHEN 'payment_intent.amount_capturable_updated' THEN p.status IN ('AUTHORIZED', 'SUCCEEDED', 'CANCELED')
                      ELSE p.refunded_total >= coalesce(w.amount, 0)
                  END)
)
SELECT tenant_id, movement, stripe_object_id, payment_intent_id, order_type, reference_id, resource_id,
       stripe_status, stripe_amount, currency, domain_status, expected_amount, domain_amount,
       ledger_transfer_id, ledger_amount,
       CASE
           WHEN verdict NOT LIKE 'OPEN:%' THEN verdict
           WHEN since < now() - ledger_reconciliation_stuck_after() THEN substr(verdict, 6)
           ELSE 'IN_PROGRESS'
       END AS status,
       detail,
       since,
       webhook_event_id
  FROM judged;

------------------------------------------------------------------------------------------------
-- The analysts' role: it may read the v_ views and nothing else (not the event store, not the
-- read-model tables, no writes). NOLOGIN: a DBA lets people in with a login role of their own that
-- is a member of it (docs/analysts.md). Roles belong to the whole PostgreSQL server, so the role is
-- created only when missing, and only when the migrating user may create roles; otherwise the
-- grants wait until a DBA has created it (and migrations that add views grant them the same way).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_analyst')
       AND (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
        BEGIN
            CREATE ROLE ledger_analyst NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created meanwhile by the migration of another database on this server
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_analyst') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO ledger_analyst', current_schema());
        GRANT SELECT ON v_account_balances, v_account_entries, v_leaderboard_entries,
                        v_reconciliation_ledger, v_reconciliation_accounts, v_reconciliation_payments
            TO ledger_analyst;
    ELSE
        RAISE NOTICE 'role ledger_analyst does not exist and % may not create it: see docs/analysts.md',
            current_user;
    END IF;
END;
$$;
