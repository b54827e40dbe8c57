package dev.ledger.projections.reconciliation;

import dev.ledger.core.checkout.CheckoutCommands.PayWith;
import dev.ledger.core.checkout.CheckoutEvents.OrderCanceled;
import dev.ledger.core.checkout.CheckoutEvents.OrderPaid;
import dev.ledger.core.checkout.CheckoutEvents.OrderPaymentAfterCancel;
import dev.ledger.core.checkout.CheckoutEvents.OrderPlaced;
import dev.ledger.core.checkout.CheckoutEvents.OrderRefunded;
import dev.ledger.core.checkout.CheckoutEvents.PaymentIntentAttached;
import dev.ledger.core.checkout.OrderId;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseChargedBack;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseConfirmed;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreated;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreditRefused;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseExpired;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseFailed;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchasePaymentMismatched;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseRefunded;
import dev.ledger.core.coins.CoinPurchaseId;
import dev.ledger.core.escrow.EscrowEvents.EscrowCanceled;
import dev.ledger.core.escrow.EscrowEvents.EscrowCaptureRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowCaptured;
import dev.ledger.core.escrow.EscrowEvents.EscrowCompleted;
import dev.ledger.core.escrow.EscrowEvents.EscrowCreated;
import dev.ledger.core.escrow.EscrowEvents.EscrowHeld;
import dev.ledger.core.escrow.EscrowEvents.EscrowRefunded;
import dev.ledger.core.escrow.EscrowEvents.EscrowReleaseRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowRetryRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowSentToManualReview;
import dev.ledger.core.escrow.EscrowEvents.EscrowTransferFailed;
import dev.ledger.core.escrow.EscrowId;
import dev.ledger.core.escrow.EscrowStep;
import dev.ledger.core.investment.InvestmentEvents.InvestmentActivated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentCreated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentExpired;
import dev.ledger.core.investment.InvestmentEvents.InvestmentFailed;
import dev.ledger.core.investment.InvestmentEvents.InvestmentPaymentMismatched;
import dev.ledger.core.investment.InvestmentEvents.InvestmentRefunded;
import dev.ledger.core.investment.InvestmentId;
import dev.ledger.core.payment.PaymentEvents.PaymentAuthorized;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
import dev.ledger.core.payment.PaymentEvents.PaymentEvent;
import dev.ledger.core.payment.PaymentEvents.PaymentFailed;
import dev.ledger.core.payment.PaymentEvents.PaymentRefunded;
import dev.ledger.core.payment.PaymentEvents.PaymentSucceeded;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The facts payments reconciliation compares: what Stripe reported about each PaymentIntent ({@code
 * stripe_payment}, from the {@code StripePayment} events) and what the domain recorded about the
 * investment, card order, escrow or coin purchase it pays for ({@code payment_resource}, from their
 * events: the amount it expects, its status, the amount it took as paid, the transfers of its
 * points award and reversal). {@code v_reconciliation_payments} joins them with the ledger's
 * transfers and the webhook inbox.
 *
 * <p>Escrows and coin purchases reuse the generic columns: {@code status} is the domain status name
 * ({@code EscrowStatus}, {@code CoinPurchaseStatus}); {@code amount_received} what the escrow
 * captured or the purchase received; {@code mismatch} a coin payment of another amount or currency,
 * or whose coins could not be credited. The "award" columns name the ledger transfer the payment
 * must have made: an escrow's capture transfer ({@code award_transfer_id}) with the amount captured
 * ({@code points_awarded}, in minor units of money), a purchase's coin credit with the coins
 * credited. The "reversal" columns name the transfer of the latest refund: an escrow's refund
 * transfer with the amount it refunded then, a purchase's clawback with the coins taken out of the
 * user's account.
 *
 * <p>Every value comes from the events and their timestamps, so a replay rebuilds identical rows. A
 * row's {@code last_position} makes an event applied again change nothing; the events of one
 * aggregate arrive in order, on one segment.
 */
@ProcessingGroup(PaymentReconciliationProjection.NAME)
public class PaymentReconciliationProjection {
  public static final String NAME = "payments";

  static final String INVESTMENT = "investment";
  static final String ORDER = "order";
  static final String ESCROW = "escrow";
  static final String COIN_PURCHASE = "coin_purchase";

  private final JdbcTemplate jdbc;

  public PaymentReconciliationProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @EventHandler
  void on(
      PaymentAuthorized event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    payment(
        event,
        "AUTHORIZED",
        event.amount(),
        null,
        event.currency(),
        event.stripeEventId(),
        at,
        token);
  }

  @EventHandler
  void on(
      PaymentSucceeded event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    payment(
        event,
        "SUCCEEDED",
        null,
        event.amountReceived(),
        event.currency(),
        event.stripeEventId(),
        at,
        token);
  }

  @EventHandler
  void on(
      PaymentFailed event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    payment(event, "FAILED", null, null, null, event.stripeEventId(), at, token);
  }

  @EventHandler
  void on(
      PaymentCanceled event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    payment(event, "CANCELED", null, null, null, event.stripeEventId(), at, token);
  }

  @EventHandler
  void on(
      PaymentRefunded event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    long position = position(token);
    Timestamp when = Timestamp.from(at);
    jdbc.update(
        """
        INSERT INTO stripe_payment AS p (payment_intent_id, tenant_id, order_type, reference_id, status, currency,
                                         refunded_total, charge_id, stripe_event_id, first_seen_at, status_at,
                                         refunded_at, last_position)
        VALUES (?, ?, ?, ?, 'CREATED', ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (payment_intent_id) DO UPDATE SET refunded_total = EXCLUDED.refunded_total,
          charge_id = EXCLUDED.charge_id, stripe_event_id = EXCLUDED.stripe_event_id,
          currency = coalesce(p.currency, EXCLUDED.currency), refunded_at = EXCLUDED.refunded_at,
          last_position = EXCLUDED.last_position
        WHERE p.last_position < EXCLUDED.last_position""",
        event.paymentIntentId(),
        event.order().tenant(),
        event.order().orderType(),
        reference(event.order().referenceId()),
        upper(event.currency()),
        event.refundedTotal(),
        event.chargeId(),
        event.stripeEventId(),
        when,
        when,
        when,
        position);
  }

  @EventHandler
  void on(InvestmentCreated event, TrackingToken token) {
    jdbc.update(
        """
        INSERT INTO payment_resource (tenant_id, kind, resource_id, reference_id, payment_intent_id, expected_amount,
                                      currency, status, updated_at, last_position)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING_PAYMENT', ?, ?) ON CONFLICT DO NOTHING""",
        event.investmentId().tenant().value(),
        INVESTMENT,
        event.investmentId().id(),
        reference(event.referenceId()),
        event.paymentIntentId(),
        event.amount(),
        upper(event.currency()),
        Timestamp.from(event.createdAt()),
        position(token));
  }

  @EventHandler
  void on(InvestmentActivated event, TrackingToken token) {
    investment(
        event.investmentId(),
        "status = 'ACTIVE', amount_received = ?, points_awarded = ?, award_transfer_id = ?",
        event.activatedAt(),
        token,
        event.amountReceived(),
        event.pointsAwarded(),
        event.awardTransferId());
  }

  @EventHandler
  void on(InvestmentPaymentMismatched event, TrackingToken token) {
    investment(
        event.investmentId(),
        "status = 'FAILED', mismatch = true, amount_received = ?, received_currency = ?",
        event.at(),
        token,
        event.receivedAmount(),
        upper(event.receivedCurrency()));
  }

  @EventHandler
  void on(InvestmentFailed event, TrackingToken token) {
    investment(event.investmentId(), "status = 'FAILED'", event.failedAt(), token);
  }

  @EventHandler
  void on(InvestmentExpired event, TrackingToken token) {
    investment(event.investmentId(), "status = 'EXPIRED'", event.expiredAt(), token);
  }

  @EventHandler
  void on(InvestmentRefunded event, TrackingToken token) {
    investment(
        event.investmentId(),
        "status = 'REFUNDED', refunded_total = ?, points_reversed = ?, reversal_transfer_id = ?",
        event.refundedAt(),
        token,
        event.refundedTotal(),
        event.pointsReversed(),
        event.reversalTransferId());
  }

  /** A card order is paid through Stripe; a points order never is. */
  @EventHandler
  void on(OrderPlaced event, TrackingToken token) {
    if (event.payWith() != PayWith.CARD) {
      return;
    }
    jdbc.update(
        """
        INSERT INTO payment_resource (tenant_id, kind, resource_id, reference_id, expected_amount, currency, status,
                                      updated_at, last_position)
        VALUES (?, ?, ?, ?, ?, ?, 'PENDING_PAYMENT', ?, ?) ON CONFLICT DO NOTHING""",
        event.orderId().tenant().value(),
        ORDER,
        event.orderId().id(),
        reference(event.referenceId()),
        event.total(),
        upper(event.currency()),
        Timestamp.from(event.placedAt()),
        position(token));
  }

  @EventHandler
  void on(
      PaymentIntentAttached event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    order(event.orderId(), "payment_intent_id = ?", at, token, event.paymentIntentId());
  }

  @EventHandler
  void on(OrderPaid event, TrackingToken token) {
    order(
        event.orderId(),
        "status = 'PAID', amount_received = ?",
        event.paidAt(),
        token,
        event.amountReceived());
  }

  @EventHandler
  void on(OrderCanceled event, TrackingToken token) {
    order(event.orderId(), "status = 'CANCELED'", event.canceledAt(), token);
  }

  @EventHandler
  void on(OrderPaymentAfterCancel event, TrackingToken token) {
    order(
        event.orderId(),
        "paid_after_cancel = true, amount_received = ?",
        event.at(),
        token,
        event.amountReceived());
  }

  @EventHandler
  void on(OrderRefunded event, TrackingToken token) {
    order(
        event.orderId(),
        "status = 'REFUNDED', refunded_total = ?",
        event.refundedAt(),
        token,
        event.refundedTotal());
  }

  @EventHandler
  void on(EscrowCreated event, TrackingToken token) {
    jdbc.update(
        """
        INSERT INTO payment_resource (tenant_id, kind, resource_id, reference_id, payment_intent_id, expected_amount,
                                      currency, status, updated_at, last_position)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'AWAITING_AUTHORIZATION', ?, ?) ON CONFLICT DO NOTHING""",
        event.escrowId().tenant().value(),
        ESCROW,
        event.escrowId().id(),
        reference(event.referenceId()),
        event.paymentIntentId(),
        event.amount(),
        upper(event.currency()),
        Timestamp.from(event.at()),
        position(token));
  }

  @EventHandler
  void on(EscrowHeld event, TrackingToken token) {
    escrow(event.escrowId(), "status = 'HELD'", event.at(), token);
  }

  @EventHandler
  void on(EscrowCaptureRequested event, TrackingToken token) {
    escrow(event.escrowId(), "status = 'CAPTURING'", event.at(), token);
  }

  /** The capture transfer is the ledger's trace of the payment, as an award is an investment's. */
  @EventHandler
  void on(EscrowCaptured event, TrackingToken token) {
    escrow(
        event.escrowId(),
        "status = 'CAPTURED', amount_received = ?, points_awarded = ?, award_transfer_id = ?",
        event.at(),
        token,
        event.amountCaptured(),
        event.amountCaptured(),
        event.ledgerTransferId());
  }

  @EventHandler
  void on(EscrowTransferFailed event, TrackingToken token) {
    escrow(event.escrowId(), "status = 'TRANSFER_FAILED'", event.at(), token);
  }

  @EventHandler
  void on(EscrowSentToManualReview event, TrackingToken token) {
    escrow(event.escrowId(), "status = 'MANUAL_REVIEW'", event.at(), token);
  }

  @EventHandler
  void on(EscrowRetryRequested event, TrackingToken token) {
    escrow(
        event.escrowId(),
        event.step() == EscrowStep.CAPTURE ? "status = 'CAPTURING'" : "status = 'CAPTURED'",
        event.at(),
        token);
  }

  @EventHandler
  void on(EscrowCompleted event, TrackingToken token) {
    escrow(event.escrowId(), "status = 'COMPLETED'", event.at(), token);
  }

  @EventHandler
  void on(EscrowReleaseRequested event, TrackingToken token) {
    escrow(event.escrowId(), "status = 'RELEASING'", event.at(), token);
  }

  @EventHandler
  void on(EscrowCanceled event, TrackingToken token) {
    escrow(event.escrowId(), "status = 'CANCELED'", event.at(), token);
  }

  /**
   * As the aggregate: a full refund ends the escrow; a partial one before the transfer sends it to
   * manual review; after completion it is only recorded.
   */
  @EventHandler
  void on(EscrowRefunded event, TrackingToken token) {
    escrow(
        event.escrowId(),
        "status = CASE WHEN ? THEN 'REFUNDED' WHEN ? THEN 'MANUAL_REVIEW' ELSE status END,"
            + " refunded_total = ?, points_reversed = ?, reversal_transfer_id = ?",
        event.at(),
        token,
        event.fullyRefunded(),
        event.fromEscrow(),
        event.refundedTotal(),
        event.refundedNow(),
        event.ledgerTransferId());
  }

  @EventHandler
  void on(CoinPurchaseCreated event, TrackingToken token) {
    jdbc.update(
        """
        INSERT INTO payment_resource (tenant_id, kind, resource_id, reference_id, payment_intent_id, expected_amount,
                                      currency, status, updated_at, last_position)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?) ON CONFLICT DO NOTHING""",
        event.purchaseId().tenant().value(),
        COIN_PURCHASE,
        event.purchaseId().id(),
        reference(event.referenceId()),
        event.paymentIntentId(),
        event.priceMinor(),
        upper(event.currency()),
        Timestamp.from(event.createdAt()),
        position(token));
  }

  /**
   * The coin credit is the ledger's trace of the payment (none when every coin settled a
   * shortfall).
   */
  @EventHandler
  void on(CoinPurchaseConfirmed event, TrackingToken token) {
    coinPurchase(
        event.purchaseId(),
        "status = 'CONFIRMED', amount_received = ?, points_awarded = ?, award_transfer_id = ?",
        event.confirmedAt(),
        token,
        event.amountReceived(),
        event.coinsCredited(),
        event.creditTransferId());
  }

  @EventHandler
  void on(CoinPurchasePaymentMismatched event, TrackingToken token) {
    coinPurchase(
        event.purchaseId(),
        "status = 'FAILED', mismatch = true, amount_received = ?, received_currency = ?",
        event.at(),
        token,
        event.receivedAmount(),
        upper(event.receivedCurrency()));
  }

  @EventHandler
  void on(CoinPurchaseCreditRefused event, TrackingToken token) {
    coinPurchase(
        event.purchaseId(),
        "status = 'FAILED', mismatch = true, amount_received = ?",
        event.at(),
        token,
        event.amountReceived());
  }

  @EventHandler
  void on(CoinPurchaseFailed event, TrackingToken token) {
    coinPurchase(event.purchaseId(), "status = 'FAILED'", event.failedAt(), token);
  }

  @EventHandler
  void on(CoinPurchaseExpired event, TrackingToken token) {
    coinPurchase(event.purchaseId(), "status = 'EXPIRED'", event.expiredAt(), token);
  }

  @EventHandler
  void on(CoinPurchaseRefunded event, TrackingToken token) {
    coinPurchase(
        event.purchaseId(),
        "status = CASE WHEN ? THEN 'REFUNDED' ELSE status END, refunded_total = ?,"
            + " points_reversed = ?, reversal_transfer_id = ?",
        event.refundedAt(),
        token,
        event.fullyRefunded(),
        event.refundedTotal(),
        event.coinsFromAccount(),
        event.clawbackTransferId());
  }

  /** A dispute is no refund at Stripe: the purchase's refund columns stay as they are. */
  @EventHandler
  void on(CoinPurchaseChargedBack event, TrackingToken token) {
    coinPurchase(event.purchaseId(), "status = 'CHARGEBACK'", event.chargedBackAt(), token);
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM stripe_payment");
    jdbc.update("DELETE FROM payment_resource");
  }

  /**
   * Records a PaymentIntent's new status. The aggregate records a status only when it ranks higher
   * than the last, so the latest event is the latest status.
   */
  private void payment(
      PaymentEvent event,
      String status,
      Long amount,
      Long amountReceived,
      String currency,
      String stripeEventId,
      Instant at,
      TrackingToken token) {
    Timestamp when = Timestamp.from(at);
    jdbc.update(
        """
        INSERT INTO stripe_payment AS p (payment_intent_id, tenant_id, order_type, reference_id, status, amount,
                                         amount_received, currency, stripe_event_id, first_seen_at, status_at,
                                         last_position)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (payment_intent_id) DO UPDATE SET status = EXCLUDED.status,
          amount = coalesce(EXCLUDED.amount, p.amount), amount_received = coalesce(EXCLUDED.amount_received, p.amount_received),
          currency = coalesce(EXCLUDED.currency, p.currency), stripe_event_id = EXCLUDED.stripe_event_id,
          status_at = EXCLUDED.status_at, last_position = EXCLUDED.last_position
        WHERE p.last_position < EXCLUDED.last_position""",
        event.paymentIntentId(),
        event.order().tenant(),
        event.order().orderType(),
        reference(event.order().referenceId()),
        status,
        amount,
        amountReceived,
        upper(currency),
        stripeEventId,
        when,
        when,
        position(token));
  }

  private void investment(
      InvestmentId id, String assignments, Instant at, TrackingToken token, Object... values) {
    update(id.tenant().value(), INVESTMENT, id.id(), assignments, at, token, values);
  }

  private void order(
      OrderId id, String assignments, Instant at, TrackingToken token, Object... values) {
    update(id.tenant().value(), ORDER, id.id(), assignments, at, token, values);
  }

  private void escrow(
      EscrowId id, String assignments, Instant at, TrackingToken token, Object... values) {
    update(id.tenant().value(), ESCROW, id.id(), assignments, at, token, values);
  }

  private void coinPurchase(
      CoinPurchaseId id, String assignments, Instant at, TrackingToken token, Object... values) {
    update(id.tenant().value(), COIN_PURCHASE, id.id(), assignments, at, token, values);
  }

  /** {@code assignments} is one of the constants above, never input. */
  private void update(
      String tenant,
      String kind,
      String resourceId,
      String assignments,
      Instant at,
      TrackingToken token,
      Object... values) {
    Object[] args = new Object[values.length + 6];
    System.arraycopy(values, 0, args, 0, values.length);
    long position = position(token);
    args[values.length] = Timestamp.from(at);
    args[values.length + 1] = position;
    args[values.length + 2] = tenant;
    args[values.length + 3] = kind;
    args[values.length + 4] = resourceId;
    args[values.length + 5] = position;
    jdbc.update(
        "UPDATE payment_resource SET "
            + assignments
            + ", updated_at = ?, last_position = ?"
            + " WHERE tenant_id = ? AND kind = ? AND resource_id = ? AND last_position < ?",
        args);
  }

  private static String reference(String referenceId) {
    return referenceId == null ? null : referenceId.toLowerCase(Locale.ROOT);
  }

  private static String upper(String currency) {
    return currency == null ? null : currency.toUpperCase(Locale.ROOT);
  }

  private static long position(TrackingToken token) {
    return token
        .position()
        .orElseThrow(() -> new IllegalStateException("event without a position"));
  }
}
