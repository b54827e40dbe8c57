package dev.ledger.core.checkout;

import dev.ledger.core.checkout.CheckoutCommands.PayWith;
import java.time.Instant;
import java.util.List;

/** Events of products and orders. Quantities are units; prices points or minor units. */
public final class CheckoutEvents {
  private CheckoutEvents() {}

  /** A product was created or its name or prices changed. */
  public record ProductDefined(
      Sku sku, String name, Long pricePoints, Long priceMinor, String currency) {}

  /** Stock was added or removed by hand; {@code onHandAfter} is the stock after it. */
  public record StockAdjusted(Sku sku, long delta, String reason, long onHandAfter) {}

  /** Units left the stock for a paid order. */
  public record StockTaken(Sku sku, String orderId, long quantity, long onHandAfter) {}

  /** Units are held for an order waiting for its payment. */
  public record StockReserved(Sku sku, String orderId, long quantity) {}

  /** Held units were released (the order was canceled or expired). */
  public record StockReleased(Sku sku, String orderId, long quantity) {}

  /** Held units left the stock: the order was paid. */
  public record StockCommitted(Sku sku, String orderId, long quantity, long onHandAfter) {}

  /**
   * One line of a placed order, priced from the catalog.
   *
   * @param unitPrice points or minor units, as the order is paid
   */
  public record OrderLine(String sku, long quantity, long unitPrice, long lineTotal) {}

  /**
   * An order was placed.
   *
   * @param total points, or minor units of {@code currency} for a card order
   * @param currency the currency of a card order (null for points)
   */
  public record OrderPlaced(
      OrderId orderId,
      String referenceId,
      String userId,
      List<OrderLine> lines,
      PayWith payWith,
      long total,
      String currency,
      String pointsTransferId,
      Instant placedAt,
      Instant expiresAt) {}

  /** The PaymentIntent that will pay a card order. */
  public record PaymentIntentAttached(OrderId orderId, String paymentIntentId) {}

  /** A points order is complete: stock taken and points spent in the same transaction. */
  public record OrderCompleted(OrderId orderId, Instant completedAt) {}

  /** A card order was paid; its reserved stock is committed. */
  public record OrderPaid(
      OrderId orderId, String paymentIntentId, long amountReceived, Instant paidAt) {}

  /** An unpaid order was canceled (by the client, a failed payment, or its deadline). */
  public record OrderCanceled(OrderId orderId, String reason, Instant canceledAt) {}

  /**
   * A payment arrived for an order already canceled (it raced with the cancellation). The stock was
   * released and is not taken back; the money is to be refunded (see reconciliation).
   */
  public record OrderPaymentAfterCancel(
      OrderId orderId, String paymentIntentId, long amountReceived, Instant at) {}

  /** A paid order was refunded in full. Its stock is not returned (see docs/architecture.md). */
  public record OrderRefunded(OrderId orderId, long refundedTotal, Instant refundedAt) {}
}
