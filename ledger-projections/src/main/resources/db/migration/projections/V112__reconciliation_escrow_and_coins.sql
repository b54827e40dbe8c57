-- Payments reconciliation for escrows (order type `escrow`) and coin purchases (`coin_purchase`):
-- v_reconciliation_payments as V111 defines it, with their rules added. Same columns in the same
-- order (the view is a contract); the rules are in docs/analysts.md.
--
-- payment_resource holds escrows and coin purchases in its generic columns (see
-- PaymentReconciliationProjection): status is the domain status name; the award columns are the
-- transfer the payment made (an escrow's capture, a purchase's coin credit); the reversal columns
-- the transfer of the latest refund (an escrow's refund transfer, a purchase's coin clawback).
--
-- Beyond V111:
--   * paid: whether the domain took the payment (an investment ACTIVE/REFUNDED, an order
--     PAID/REFUNDED, an escrow whose capture is recorded and CAPTURED, TRANSFER_FAILED,
--     MANUAL_REVIEW, COMPLETED or REFUNDED, a coin purchase CONFIRMED, REFUNDED or CHARGEBACK).
--   * rule_status, rule_received: an escrow's payment still AUTHORIZED at Stripe whose capture the
--     escrow already recorded is judged as SUCCEEDED (the saga captured; Stripe's succeeded webhook
--     may come later), with the authorized amount as received.
--   * an escrow's payment AUTHORIZED and not captured is MATCHED while the escrow holds it (HELD,
--     CAPTURING, RELEASING); CANCELED at Stripe is MATCHED when the escrow is CANCELED, open (then
--     STUCK) while the escrow still thinks it holds the money.
--   * refunds of escrows and coin purchases may be partial (the domain handles them): MATCHED when
--     the domain recorded the same refunded total as Stripe and the latest refund's transfer, if
--     any, is POSTED for its amount.
CREATE OR REPLACE VIEW v_reconciliation_payments AS
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
           p.order_type IN ('investment', 'order', 'escrow', 'coin_purchase') AS has_rule,
           CASE p.order_type
               WHEN 'investment' THEN r.status IN ('ACTIVE', 'REFUNDED')
               WHEN 'order' THEN r.status IN ('PAID', 'REFUNDED')
               WHEN 'escrow' THEN r.award_transfer_id IS NOT NULL
                   AND r.status IN ('CAPTURED', 'TRANSFER_FAILED', 'MANUAL_REVIEW', 'COMPLETED', 'REFUNDED')
               WHEN 'coin_purchase' THEN r.status IN ('CONFIRMED', 'REFUNDED', 'CHARGEBACK')
               ELSE false
           END                 AS paid,
           CASE
               WHEN p.order_type = 'escrow' AND p.status = 'AUTHORIZED' AND r.award_transfer_id IS NOT NULL
                   THEN 'SUCCEEDED'
               ELSE p.status
           END                 AS rule_status,
           CASE
               WHEN p.order_type = 'escrow' AND p.status = 'AUTHORIZED' AND r.award_transfer_id IS NOT NULL
                   THEN coalesce(p.amount_received, p.amount)
               ELSE p.amount_received
           END                 AS rule_received,
           CASE p.order_type WHEN 'escrow' THEN 'capture transfer'
                             WHEN 'coin_purchase' THEN 'credit transfer'
                             ELSE 'award transfer' END AS award_label,
           CASE p.order_type WHEN 'escrow' THEN 'refund transfer'
                             WHEN 'coin_purchase' THEN 'clawback transfer'
                             ELSE 'reversal transfer' END AS reversal_label,
           CASE p.order_type WHEN 'escrow' THEN ''
                             WHEN 'coin_purchase' THEN ' coins'
                             ELSE ' points' END AS unit
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
               WHEN rule_status = 'SUCCEEDED' THEN
                   CASE
                       WHEN (mismatch OR rule_received <> expected_amount
                             OR upper(currency) IS DISTINCT FROM upper(expected_currency))
                            AND refunded_total >= rule_received THEN 'MATCHED'
                       WHEN mismatch OR rule_received <> expected_amount
                            OR upper(currency) IS DISTINCT FROM upper(expected_currency) THEN 'AMOUNT_MISMATCH'
                       WHEN paid_after_cancel AND refunded_total >= rule_received THEN 'MATCHED'
                       WHEN paid_after_cancel THEN 'STUCK'
                       WHEN order_type <> 'order' AND paid THEN
                           CASE
                               WHEN points_awarded = 0 THEN 'MATCHED'
                               WHEN award_status IS NULL THEN 'OPEN:MISSING_IN_LEDGER'
                               WHEN award_status <> 'POSTED' OR award_amount <> points_awarded THEN 'AMOUNT_MISMATCH'
                               ELSE 'MATCHED'
                           END
                       WHEN order_type = 'order' AND paid THEN 'MATCHED'
                       ELSE 'OPEN:MISSING_IN_LEDGER'
                   END
               WHEN rule_status = 'AUTHORIZED' AND order_type = 'escrow'
                    AND domain_status IN ('HELD', 'CAPTURING', 'RELEASING') THEN 'MATCHED'
               WHEN rule_status = 'AUTHORIZED' THEN 'OPEN:STUCK'
               WHEN paid THEN 'AMOUNT_MISMATCH'
               WHEN rule_status = 'CANCELED' AND order_type = 'escrow'
                    AND domain_status IN ('HELD', 'CAPTURING', 'RELEASING') THEN 'OPEN:STUCK'
               ELSE 'MATCHED'
           END AS verdict,
           CASE
               WHEN NOT has_rule THEN 'no reconciliation rule for order type ' || order_type
               WHEN resource_id IS NULL THEN 'no ' || order_type || ' with reference ' || reference_id
               WHEN rule_status = 'SUCCEEDED' AND (mismatch OR rule_received <> expected_amount
                        OR upper(currency) IS DISTINCT FROM upper(expected_currency))
                    AND rule_received = expected_amount
                    AND upper(currency) IS NOT DISTINCT FROM upper(expected_currency) THEN
                   'the ' || order_type || ' refused the payment of ' || rule_received || ' '
                       || coalesce(currency, '?')
                       || CASE WHEN refunded_total >= rule_received THEN '; refunded in full' ELSE '' END
               WHEN rule_status = 'SUCCEEDED' AND (mismatch OR rule_received <> expected_amount
                        OR upper(currency) IS DISTINCT FROM upper(expected_currency)) THEN
                   'received ' || rule_received || ' ' || coalesce(currency, '?') || ', expected '
                       || expected_amount || ' ' || coalesce(expected_currency, '?')
                       || CASE WHEN refunded_total >= rule_received THEN '; refunded in full' ELSE '' END
               WHEN rule_status = 'SUCCEEDED' AND paid_after_cancel THEN
                   'paid after the order was canceled'
                       || CASE WHEN refunded_total >= rule_received THEN '; refunded in full'
                               ELSE ': to be refunded' END
               WHEN rule_status = 'SUCCEEDED' AND order_type <> 'order' AND paid
                    AND points_awarded > 0 AND award_status IS NULL THEN
                   award_label || ' ' || award_transfer_id || ' of ' || points_awarded || unit
                       || ' is not in the ledger'
               WHEN rule_status = 'SUCCEEDED' AND order_type <> 'order' AND paid
                    AND points_awarded > 0 AND (award_status <> 'POSTED' OR award_amount <> points_awarded) THEN
                   award_label || ' ' || award_transfer_id || ' is ' || award_status || ' of ' || award_amount
                       || ', expected POSTED of ' || points_awarded
               WHEN rule_status = 'SUCCEEDED' AND status = 'AUTHORIZED' THEN
                   'the escrow recorded its capture; Stripe has not reported the payment succeeded yet'
               WHEN rule_status = 'SUCCEEDED' AND NOT paid THEN
                   'Stripe reports the payment succeeded; the ' || order_type || ' is ' || domain_status
               WHEN rule_status = 'AUTHORIZED' AND order_type = 'escrow'
                    AND domain_status IN ('HELD', 'CAPTURING', 'RELEASING') THEN
                   'authorized and held by the escrow, which is ' || domain_status
               WHEN rule_status = 'AUTHORIZED' AND order_type = 'escrow' THEN
                   'authorized and not captured; the escrow is ' || domain_status
               WHEN rule_status = 'AUTHORIZED' THEN 'authorized and not captured'
               WHEN rule_status IN ('FAILED', 'CANCELED', 'CREATED') AND paid THEN
                   'the ' || order_type || ' is ' || domain_status || ' but Stripe reports the payment '
                       || lower(rule_status)
               WHEN rule_status = 'CANCELED' AND order_type = 'escrow'
                    AND domain_status IN ('HELD', 'CAPTURING', 'RELEASING') THEN
                   'Stripe reports the payment canceled; the escrow is ' || domain_status
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
               WHEN order_type IN ('escrow', 'coin_purchase') THEN
                   CASE
                       WHEN domain_refunded <> refunded_total THEN 'OPEN:MISSING_IN_LEDGER'
                       WHEN points_reversed = 0 OR reversal_transfer_id IS NULL THEN 'MATCHED'
                       WHEN reversal_status IS NULL THEN 'OPEN:MISSING_IN_LEDGER'
                       WHEN reversal_status <> 'POSTED' OR reversal_amount <> points_reversed THEN 'AMOUNT_MISMATCH'
                       ELSE 'MATCHED'
                   END
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
               WHEN order_type IN ('escrow', 'coin_purchase') AND domain_refunded <> refunded_total THEN
                   'Stripe refunded ' || refunded_total || '; the ' || order_type || ' recorded '
                       || domain_refunded || ' refunded and is ' || domain_status
               WHEN order_type IN ('escrow', 'coin_purchase') AND points_reversed > 0
                    AND reversal_transfer_id IS NOT NULL AND reversal_status IS NULL THEN
                   reversal_label || ' ' || reversal_transfer_id || ' of ' || points_reversed || unit
                       || ' is not in the ledger'
               WHEN order_type IN ('escrow', 'coin_purchase') AND points_reversed > 0
                    AND reversal_transfer_id IS NOT NULL
                    AND (reversal_status <> 'POSTED' OR reversal_amount <> points_reversed) THEN
                   reversal_label || ' ' || reversal_transfer_id || ' is ' || reversal_status || ' of '
                       || reversal_amount || ', expected POSTED of ' || points_reversed
               WHEN order_type IN ('escrow', 'coin_purchase') THEN NULL
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

-- CREATE OR REPLACE keeps the view's grants; granted again all the same, guarded as V111 grants
-- (the role may not exist where the migrating user may not create it: docs/analysts.md).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_analyst') THEN
        GRANT SELECT ON v_reconciliation_payments TO ledger_analyst;
    ELSE
        RAISE NOTICE 'role ledger_analyst does not exist: see docs/analysts.md';
    END IF;
END;
$$;
