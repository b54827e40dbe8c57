package dev.ledger.core.checkout;

import java.time.Instant;
import java.util.List;

/** Commands of the catalog and of checkout. Prices in points or the currency's minor unit. */
public final class CheckoutCommands {
  private CheckoutCommands() {}

  /**
   * Creates a product or changes its name and prices (stock is changed by adjustments only).
   *
   * @param pricePoints the price in points, or null if it cannot be bought with points
   * @param priceMinor the price in {@code currency}'s minor unit, or null if not by card
   */
  public record DefineProduct(
      Sku sku, String name, Long pricePoints, Long priceMinor, String currency) {}

  /** Adds ({@code delta > 0}) or removes stock, for a stated reason. */
  public record AdjustStock(Sku sku, long delta, String reason) {}

  /** One line of an order as the client asks for it: a product and a quantity. */
  public record Item(String sku, long quantity) {}

  /** How an order is paid. */
  public enum PayWith {
    POINTS,
    CARD
  }

  /**
   * Places an order. Prices come from the catalog. With points, it completes at once; by card it
   * reserves the stock and waits for its payment until {@code expiresAt}.
   */
  public record Checkout(
      OrderId orderId, String userId, List<Item> items, PayWith payWith, Instant expiresAt) {
    public Checkout {
      items = List.copyOf(items);
    }
  }

  /**
   * Ties a card order to the PaymentIntent created for it (after the order, since its amount is the
   * order's total as priced from the catalog).
   */
  public record AttachPaymentIntent(OrderId orderId, String paymentIntentId) {}

  /** Stripe reported the payment of a card order. */
  public record MarkOrderPaid(
      OrderId orderId, String paymentIntentId, long amountReceived, String currency) {}

  /**
   * Cancels an order that is not paid yet, releasing its stock.
   *
   * @param byClient whether a client asked (then a paid or completed order is {@code
   *     INVALID_STATE}); the engine's own cancellations leave such orders alone
   */
  public record CancelOrder(OrderId orderId, String reason, boolean byClient) {}

  /** The payment of a paid order was refunded, {@code refundedTotal} in all. */
  public record RefundOrder(OrderId orderId, long refundedTotal) {}
}
