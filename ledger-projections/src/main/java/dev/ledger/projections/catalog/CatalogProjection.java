package dev.ledger.projections.catalog;

import dev.ledger.core.checkout.CheckoutEvents.OrderCanceled;
import dev.ledger.core.checkout.CheckoutEvents.OrderCompleted;
import dev.ledger.core.checkout.CheckoutEvents.OrderPaid;
import dev.ledger.core.checkout.CheckoutEvents.OrderPaymentAfterCancel;
import dev.ledger.core.checkout.CheckoutEvents.OrderPlaced;
import dev.ledger.core.checkout.CheckoutEvents.OrderRefunded;
import dev.ledger.core.checkout.CheckoutEvents.PaymentIntentAttached;
import dev.ledger.core.checkout.CheckoutEvents.ProductDefined;
import dev.ledger.core.checkout.CheckoutEvents.StockAdjusted;
import dev.ledger.core.checkout.CheckoutEvents.StockCommitted;
import dev.ledger.core.checkout.CheckoutEvents.StockReleased;
import dev.ledger.core.checkout.CheckoutEvents.StockReserved;
import dev.ledger.core.checkout.CheckoutEvents.StockTaken;
import dev.ledger.core.checkout.OrderId;
import dev.ledger.core.checkout.Sku;
import dev.ledger.projections.support.Json;
import java.sql.Timestamp;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/** Products and their stock, and orders, for the catalog and order endpoints. */
@ProcessingGroup(CatalogProjection.NAME)
public class CatalogProjection {
  public static final String NAME = "catalog";

  private final JdbcTemplate jdbc;

  public CatalogProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @EventHandler
  void on(ProductDefined event, TrackingToken token) {
    jdbc.update(
        """
        INSERT INTO product (tenant_id, sku, name, price_points, price_minor, currency, last_position)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (tenant_id, sku) DO UPDATE SET name = EXCLUDED.name, price_points = EXCLUDED.price_points,
          price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency, last_position = EXCLUDED.last_position""",
        event.sku().tenant().value(),
        event.sku().value(),
        event.name(),
        event.pricePoints(),
        event.priceMinor(),
        event.currency(),
        position(token));
  }

  @EventHandler
  void on(StockAdjusted event, TrackingToken token) {
    stock(event.sku(), "on_hand = ?", event.onHandAfter(), token);
  }

  @EventHandler
  void on(StockTaken event, TrackingToken token) {
    stock(event.sku(), "on_hand = ?", event.onHandAfter(), token);
  }

  @EventHandler
  void on(StockReserved event, TrackingToken token) {
    stock(event.sku(), "reserved = reserved + ?", event.quantity(), token);
  }

  @EventHandler
  void on(StockReleased event, TrackingToken token) {
    stock(event.sku(), "reserved = reserved - ?", event.quantity(), token);
  }

  @EventHandler
  void on(StockCommitted event, TrackingToken token) {
    jdbc.update(
        "UPDATE product SET reserved = reserved - ?, on_hand = ?, last_position = ? WHERE tenant_id = ? AND sku = ?",
        event.quantity(),
        event.onHandAfter(),
        position(token),
        event.sku().tenant().value(),
        event.sku().value());
  }

  @EventHandler
  void on(OrderPlaced event, TrackingToken token) {
    jdbc.update(
        """
        INSERT INTO shop_order (tenant_id, id, reference_id, user_id, pay_with, total, currency, status, lines,
                                placed_at, expires_at, updated_at, last_position)
        VALUES (?, ?, ?::uuid, ?, ?, ?, ?, 'PENDING_PAYMENT', ?::jsonb, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        event.orderId().tenant().value(),
        event.orderId().id(),
        event.referenceId(),
        event.userId(),
        event.payWith().name(),
        event.total(),
        event.currency(),
        Json.write(event.lines()),
        Timestamp.from(event.placedAt()),
        event.expiresAt() == null ? null : Timestamp.from(event.expiresAt()),
        Timestamp.from(event.placedAt()),
        position(token));
  }

  @EventHandler
  void on(PaymentIntentAttached event, TrackingToken token) {
    jdbc.update(
        "UPDATE shop_order SET payment_intent_id = ?, last_position = ? WHERE tenant_id = ? AND id = ?",
        event.paymentIntentId(),
        position(token),
        event.orderId().tenant().value(),
        event.orderId().id());
  }

  @EventHandler
  void on(OrderCompleted event, TrackingToken token) {
    status(event.orderId(), "COMPLETED", null, event.completedAt(), token);
  }

  @EventHandler
  void on(OrderPaid event, TrackingToken token) {
    status(event.orderId(), "PAID", null, event.paidAt(), token);
  }

  @EventHandler
  void on(OrderCanceled event, TrackingToken token) {
    status(event.orderId(), "CANCELED", event.reason(), event.canceledAt(), token);
  }

  @EventHandler
  void on(OrderPaymentAfterCancel event, TrackingToken token) {
    status(
        event.orderId(),
        "CANCELED",
        "paid after cancellation (" + event.amountReceived() + "): to be refunded",
        event.at(),
        token);
  }

  @EventHandler
  void on(OrderRefunded event, TrackingToken token) {
    status(
        event.orderId(),
        "REFUNDED",
        "refunded " + event.refundedTotal(),
        event.refundedAt(),
        token);
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM shop_order");
    jdbc.update("DELETE FROM product");
  }

  private void stock(Sku sku, String assignment, long value, TrackingToken token) {
    // assignment is one of the constants above, never input
    jdbc.update(
        "UPDATE product SET " + assignment + ", last_position = ? WHERE tenant_id = ? AND sku = ?",
        value,
        position(token),
        sku.tenant().value(),
        sku.value());
  }

  private void status(OrderId id, String status, String detail, Instant at, TrackingToken token) {
    jdbc.update(
        "UPDATE shop_order SET status = ?, detail = ?, updated_at = ?, last_position = ? WHERE tenant_id = ? AND id = ?",
        status,
        detail == null ? null : detail.length() > 512 ? detail.substring(0, 512) : detail,
        Timestamp.from(at),
        position(token),
        id.tenant().value(),
        id.id());
  }

  private static long position(TrackingToken token) {
    return token
        .position()
        .orElseThrow(() -> new IllegalStateException("event without a position"));
  }
}
