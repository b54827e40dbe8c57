package dev.ledger.core.checkout;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.checkout.CheckoutCommands.DefineProduct;
import dev.ledger.core.checkout.CheckoutEvents.ProductDefined;
import dev.ledger.core.checkout.CheckoutEvents.StockAdjusted;
import dev.ledger.core.checkout.CheckoutEvents.StockCommitted;
import dev.ledger.core.checkout.CheckoutEvents.StockReleased;
import dev.ledger.core.checkout.CheckoutEvents.StockReserved;
import dev.ledger.core.checkout.CheckoutEvents.StockTaken;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * A product and its stock. {@code onHand} is what the shop holds; {@code reserved} is held for card
 * orders waiting for payment; {@code available = onHand − reserved} is what can be sold, and it
 * never goes below zero: the check and the change happen under the aggregate's lock.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class Product {
  @AggregateIdentifier private String id;
  private Sku sku;
  private String name;
  private Long pricePoints;
  private Long priceMinor;
  private String currency;
  private long onHand;
  private long reserved;
  private Map<String, Long> reservations;

  protected Product() {
    // for Axon
  }

  private Product(DefineProduct command) {
    apply(
        new ProductDefined(
            command.sku(),
            command.name(),
            command.pricePoints(),
            command.priceMinor(),
            command.currency()));
  }

  static Product define(DefineProduct command) {
    return new Product(command);
  }

  /** Changes name or prices; answers whether anything changed. */
  boolean redefine(DefineProduct command) {
    if (Objects.equals(name, command.name())
        && Objects.equals(pricePoints, command.pricePoints())
        && Objects.equals(priceMinor, command.priceMinor())
        && Objects.equals(currency, command.currency())) {
      return false;
    }
    apply(
        new ProductDefined(
            command.sku(),
            command.name(),
            command.pricePoints(),
            command.priceMinor(),
            command.currency()));
    return true;
  }

  void adjust(long delta, String reason) {
    long next;
    try {
      next = Math.addExact(onHand, delta);
    } catch (ArithmeticException e) {
      throw new LedgerRejection(
          Rejection.BALANCE_OVERFLOW, "stock of " + sku.value() + " would overflow");
    }
    if (next < reserved) {
      throw new LedgerRejection(
          Rejection.OUT_OF_STOCK,
          "stock of " + sku.value() + " cannot fall below what is reserved (" + reserved + ")");
    }
    apply(new StockAdjusted(sku, delta, reason, next));
  }

  void take(String orderId, long quantity) {
    requireAvailable(quantity);
    apply(new StockTaken(sku, orderId, quantity, onHand - quantity));
  }

  void reserve(String orderId, long quantity) {
    requireAvailable(quantity);
    apply(new StockReserved(sku, orderId, quantity));
  }

  void commit(String orderId) {
    Long quantity = reservations.get(orderId);
    if (quantity != null) {
      apply(new StockCommitted(sku, orderId, quantity, onHand - quantity));
    }
  }

  void release(String orderId) {
    Long quantity = reservations.get(orderId);
    if (quantity != null) {
      apply(new StockReleased(sku, orderId, quantity));
    }
  }

  private void requireAvailable(long quantity) {
    if (onHand - reserved < quantity) {
      throw new LedgerRejection(
          Rejection.OUT_OF_STOCK,
          "only " + Math.max(0, onHand - reserved) + " of " + sku.value() + " available");
    }
  }

  Long pricePoints() {
    return pricePoints;
  }

  Long priceMinor() {
    return priceMinor;
  }

  String currency() {
    return currency;
  }

  /** The product's state, for answers. */
  public record State(
      Sku sku,
      String name,
      Long pricePoints,
      Long priceMinor,
      String currency,
      long onHand,
      long reserved) {
    public long available() {
      return onHand - reserved;
    }
  }

  State state() {
    return new State(sku, name, pricePoints, priceMinor, currency, onHand, reserved);
  }

  @EventSourcingHandler
  void on(ProductDefined event) {
    if (id == null) {
      id = event.sku().toString();
      sku = event.sku();
      reservations = new HashMap<>();
    }
    name = event.name();
    pricePoints = event.pricePoints();
    priceMinor = event.priceMinor();
    currency = event.currency();
  }

  @EventSourcingHandler
  void on(StockAdjusted event) {
    onHand = event.onHandAfter();
  }

  @EventSourcingHandler
  void on(StockTaken event) {
    onHand = event.onHandAfter();
  }

  @EventSourcingHandler
  void on(StockReserved event) {
    reserved += event.quantity();
    reservations.merge(event.orderId(), event.quantity(), Long::sum);
  }

  @EventSourcingHandler
  void on(StockReleased event) {
    reserved -= event.quantity();
    reservations.remove(event.orderId());
  }

  @EventSourcingHandler
  void on(StockCommitted event) {
    reserved -= event.quantity();
    onHand = event.onHandAfter();
    reservations.remove(event.orderId());
  }
}
