package dev.ledger.projections.coins;

import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseChargedBack;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseConfirmed;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreated;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreditRefused;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseExpired;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseFailed;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchasePaymentMismatched;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseRefunded;
import dev.ledger.core.coins.CoinPurchaseId;
import dev.ledger.core.coins.GiftEvents.GiftSent;
import java.sql.Timestamp;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Coin purchases with their status, what they issued and what was taken back, and every transition,
 * for {@code GET /v1/coins/purchases/{id}}; and gifts, for {@code GET /v1/gifts/{id}}. The events
 * of one purchase arrive in order on one segment; each update is guarded by the purchase's {@code
 * last_position}, so an event applied again changes nothing.
 */
@ProcessingGroup(CoinProjection.NAME)
public class CoinProjection {
  public static final String NAME = "coins";

  private final JdbcTemplate jdbc;

  public CoinProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @EventHandler
  void on(CoinPurchaseCreated event, TrackingToken token) {
    long position = position(token);
    jdbc.update(
        """
        INSERT INTO coin_purchase (tenant_id, id, reference_id, user_id, coins, price_minor, currency,
                                   payment_intent_id, status, created_at, expires_at, updated_at, last_position)
        VALUES (?, ?, ?::uuid, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        event.purchaseId().tenant().value(),
        event.purchaseId().id(),
        event.referenceId(),
        event.userId(),
        event.coins(),
        event.priceMinor(),
        event.currency(),
        event.paymentIntentId(),
        Timestamp.from(event.createdAt()),
        Timestamp.from(event.expiresAt()),
        Timestamp.from(event.createdAt()),
        position);
    transition(event.purchaseId(), position, "PENDING", null, event.createdAt());
  }

  @EventHandler
  void on(CoinPurchaseConfirmed event, TrackingToken token) {
    long position = position(token);
    update(
        event.purchaseId(),
        "status = 'CONFIRMED', coins_credited = ?, coins_settled = ?",
        position,
        event.confirmedAt(),
        event.coinsCredited(),
        event.coinsSettled());
    transition(
        event.purchaseId(),
        position,
        "CONFIRMED",
        "payment "
            + event.paymentIntentId()
            + "; "
            + event.coinsCredited()
            + " coins credited"
            + (event.coinsSettled() > 0
                ? ", " + event.coinsSettled() + " settled an earlier shortfall"
                : ""),
        event.confirmedAt());
  }

  @EventHandler
  void on(CoinPurchasePaymentMismatched event, TrackingToken token) {
    status(
        event.purchaseId(),
        "FAILED",
        "payment mismatched: expected "
            + event.expectedAmount()
            + " "
            + event.expectedCurrency()
            + ", received "
            + event.receivedAmount()
            + " "
            + event.receivedCurrency(),
        event.at(),
        token);
  }

  @EventHandler
  void on(CoinPurchaseCreditRefused event, TrackingToken token) {
    status(
        event.purchaseId(),
        "FAILED",
        "payment " + event.paymentIntentId() + " received, coins not credited: " + event.reason(),
        event.at(),
        token);
  }

  @EventHandler
  void on(CoinPurchaseFailed event, TrackingToken token) {
    status(event.purchaseId(), "FAILED", event.reason(), event.failedAt(), token);
  }

  @EventHandler
  void on(CoinPurchaseExpired event, TrackingToken token) {
    status(event.purchaseId(), "EXPIRED", null, event.expiredAt(), token);
  }

  @EventHandler
  void on(CoinPurchaseRefunded event, TrackingToken token) {
    long position = position(token);
    update(
        event.purchaseId(),
        "refunded_minor = ?, coins_taken_back = coins_taken_back + ?,"
            + " coins_shortfall = coins_shortfall + ?"
            + (event.fullyRefunded() ? ", status = 'REFUNDED'" : ""),
        position,
        event.refundedAt(),
        event.refundedTotal(),
        event.coinsTakenBack(),
        event.coinsShortfall());
    transition(
        event.purchaseId(),
        position,
        event.fullyRefunded() ? "REFUNDED" : "CONFIRMED",
        (event.fullyRefunded() ? "" : "partially ")
            + "refunded "
            + event.refundedTotal()
            + "; coins taken back "
            + event.coinsTakenBack()
            + ", shortfall "
            + event.coinsShortfall(),
        event.refundedAt());
  }

  @EventHandler
  void on(CoinPurchaseChargedBack event, TrackingToken token) {
    long position = position(token);
    update(
        event.purchaseId(),
        "status = 'CHARGEBACK', coins_taken_back = coins_taken_back + ?,"
            + " coins_shortfall = coins_shortfall + ?",
        position,
        event.chargedBackAt(),
        event.coinsTakenBack(),
        event.coinsShortfall());
    transition(
        event.purchaseId(),
        position,
        "CHARGEBACK",
        "dispute "
            + event.disputeId()
            + " of "
            + event.disputedAmount()
            + "; coins taken back "
            + event.coinsTakenBack()
            + ", shortfall "
            + event.coinsShortfall(),
        event.chargedBackAt());
  }

  @EventHandler
  void on(GiftSent event, TrackingToken token) {
    jdbc.update(
        """
        INSERT INTO gift (tenant_id, id, sender_id, recipient_id, coins, fee, earnings, fee_basis_points,
                          sent_at, position)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        event.giftId().tenant().value(),
        event.giftId().id(),
        event.senderId(),
        event.recipientId(),
        event.coins(),
        event.fee(),
        event.earnings(),
        event.feeBasisPoints(),
        Timestamp.from(event.sentAt()),
        position(token));
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM coin_purchase_transition");
    jdbc.update("DELETE FROM coin_purchase");
    jdbc.update("DELETE FROM gift");
  }

  private void status(
      CoinPurchaseId id, String status, String detail, Instant at, TrackingToken token) {
    long position = position(token);
    update(id, "status = ?", position, at, status);
    transition(id, position, status, detail, at);
  }

  /**
   * Sets {@code assignments} (SQL with {@code ?} for {@code values}; always one of the constants
   * above, never input) on the purchase, unless it has seen this event already.
   */
  private void update(
      CoinPurchaseId id, String assignments, long position, Instant at, Object... values) {
    Object[] args = new Object[values.length + 5];
    System.arraycopy(values, 0, args, 0, values.length);
    args[values.length] = Timestamp.from(at);
    args[values.length + 1] = position;
    args[values.length + 2] = id.tenant().value();
    args[values.length + 3] = id.id();
    args[values.length + 4] = position;
    jdbc.update(
        "UPDATE coin_purchase SET "
            + assignments
            + ", updated_at = ?, last_position = ? WHERE tenant_id = ? AND id = ? AND last_position < ?",
        args);
  }

  private void transition(
      CoinPurchaseId id, long position, String status, String detail, Instant at) {
    jdbc.update(
        "INSERT INTO coin_purchase_transition (tenant_id, id, position, status, detail, at)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        id.tenant().value(),
        id.id(),
        position,
        status,
        detail == null ? null : detail.length() > 512 ? detail.substring(0, 512) : detail,
        Timestamp.from(at));
  }

  private static long position(TrackingToken token) {
    return token
        .position()
        .orElseThrow(() -> new IllegalStateException("event without a position"));
  }
}
