package dev.ledger.core.checkout;

import dev.ledger.core.checkout.CheckoutCommands.AdjustStock;
import dev.ledger.core.checkout.CheckoutCommands.CancelOrder;
import dev.ledger.core.checkout.CheckoutCommands.Checkout;
import dev.ledger.core.checkout.CheckoutCommands.DefineProduct;
import dev.ledger.core.checkout.CheckoutCommands.Item;
import dev.ledger.core.checkout.CheckoutCommands.MarkOrderPaid;
import dev.ledger.core.checkout.CheckoutCommands.PayWith;
import dev.ledger.core.checkout.CheckoutCommands.RefundOrder;
import dev.ledger.core.checkout.CheckoutEvents.OrderLine;
import dev.ledger.core.checkout.CheckoutEvents.OrderPlaced;
import dev.ledger.core.points.Points;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.Postings;
import dev.ledger.core.transfer.TransferResult;
import dev.ledger.core.transfer.TransferSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * The catalog and checkout. A checkout is one unit of work: every line's stock and, for a points
 * order, the user's points are checked and changed together, or nothing changes. Products are
 * loaded in sorted order (before any account, as every command here does), so concurrent orders
 * never deadlock. Prices come from the catalog, never from the client.
 *
 * <p>Rejections, in order: {@code PRODUCT_NOT_FOUND}, {@code PRICE_NOT_AVAILABLE} (no price in the
 * way the order pays, or card lines in different currencies), {@code OUT_OF_STOCK}, then those of
 * {@link Postings} ({@code INSUFFICIENT_FUNDS}); {@code ID_CONFLICT} for a repeated id with other
 * content; {@code ORDER_NOT_FOUND}, {@code INVALID_STATE} for cancellations.
 */
public class CheckoutCommandHandler {
  /** Where points spent in the shop go. */
  public static final String POINTS_CODE = "checkout";

  private final Repository<Product> products;
  private final Repository<Order> orders;
  private final Postings postings;
  private final Clock clock;

  public CheckoutCommandHandler(
      Repository<Product> products, Repository<Order> orders, Postings postings, Clock clock) {
    this.products = products;
    this.orders = orders;
    this.postings = postings;
    this.clock = clock;
  }

  @CommandHandler
  public ProductResult handle(DefineProduct command) throws Exception {
    var existing = Aggregates.find(products, command.sku().toString());
    if (existing.isPresent()) {
      existing.get().invoke(p -> p.redefine(command));
      return result(existing.get(), false);
    }
    return result(products.newInstance(() -> Product.define(command)), true);
  }

  @CommandHandler
  public ProductResult handle(AdjustStock command) {
    Aggregate<Product> product = loadProduct(command.sku());
    product.execute(p -> p.adjust(command.delta(), command.reason()));
    return result(product, false);
  }

  @CommandHandler
  public CheckoutResult handle(Checkout command) throws Exception {
    TenantId tenant = command.orderId().tenant();
    // lock order: the order, then its products (sorted), then accounts, as every command here
    var existing = Aggregates.find(orders, command.orderId().toString());
    if (existing.isPresent()) {
      if (!existing
          .get()
          .invoke(o -> o.isSameRequest(command.userId(), command.items(), command.payWith()))) {
        throw new LedgerRejection(
            Rejection.ID_CONFLICT,
            "order " + command.orderId().id() + " exists with other content");
      }
      return new CheckoutResult(
          existing.get().invoke(Order::state),
          false,
          List.of(Aggregates.lastEvent(existing.get())));
    }
    Map<Sku, Aggregate<Product>> loaded = new TreeMap<>();
    for (Item item : command.items()) {
      loaded.putIfAbsent(new Sku(tenant, item.sku()), null);
    }
    for (Sku sku : loaded.keySet()) {
      loaded.put(sku, loadProduct(sku));
    }
    List<OrderLine> lines = price(command, loaded);
    long total = 0;
    for (OrderLine line : lines) {
      total = addExact(total, line.lineTotal());
    }
    String orderKey = command.orderId().id();
    for (Item item : command.items()) {
      Aggregate<Product> product = loaded.get(new Sku(tenant, item.sku()));
      if (command.payWith() == PayWith.POINTS) {
        product.execute(p -> p.take(orderKey, item.quantity()));
      } else {
        product.execute(p -> p.reserve(orderKey, item.quantity()));
      }
    }
    Instant now = clock.instant();
    String currency =
        command.payWith() == PayWith.CARD
            ? loaded.values().iterator().next().invoke(Product::currency)
            : null;
    TransferId pointsTransfer =
        command.payWith() == PayWith.POINTS
            ? TransferId.of(
                tenant.value(),
                ResourceId.engine("order", command.orderId().referenceId(), "points"))
            : null;
    OrderPlaced placed =
        new OrderPlaced(
            command.orderId(),
            command.orderId().referenceId(),
            command.userId(),
            lines,
            command.payWith(),
            total,
            currency,
            pointsTransfer == null ? null : pointsTransfer.id(),
            now,
            command.payWith() == PayWith.CARD ? command.expiresAt() : null);
    Aggregate<Order> order = orders.newInstance(() -> Order.place(placed));
    List<EventRef> events = new ArrayList<>();
    if (command.payWith() == PayWith.POINTS) {
      postings.openIfMissing(Points.userAccount(tenant, command.userId()), Points.ASSET, false);
      postings.openIfMissing(Points.redeemed(tenant), Points.ASSET, true);
      TransferResult spent =
          postings.postNeverBelowZero(
              pointsTransfer,
              new TransferSpec(
                  Points.userAccount(tenant, command.userId()),
                  Points.redeemed(tenant),
                  total,
                  Points.ASSET,
                  POINTS_CODE,
                  "order:" + command.orderId().id(),
                  Map.of(),
                  false,
                  null));
      order.execute(o -> o.complete(now));
      events.addAll(spent.events());
    }
    events.add(Aggregates.lastEvent(order));
    loaded.values().forEach(p -> events.add(Aggregates.lastEvent(p)));
    return new CheckoutResult(order.invoke(Order::state), true, events);
  }

  @CommandHandler
  public CheckoutResult handle(CheckoutCommands.AttachPaymentIntent command) {
    Aggregate<Order> order = loadOrder(command.orderId());
    order.execute(o -> o.attach(command.paymentIntentId()));
    return touched(order);
  }

  @CommandHandler
  public CheckoutResult handle(MarkOrderPaid command) {
    Aggregate<Order> order = loadOrder(command.orderId());
    Order.State state = order.invoke(Order::state);
    if (state.status() == OrderStatus.PENDING_PAYMENT
        && (command.amountReceived() < state.total()
            || !state.currency().equalsIgnoreCase(command.currency()))) {
      // not what the order costs: it is not paid, and the money goes back by hand
      cancelAndRelease(
          order,
          "payment of "
              + command.amountReceived()
              + " "
              + command.currency()
              + " does not cover "
              + state.total()
              + " "
              + state.currency());
      order.execute(
          o -> o.pay(command.paymentIntentId(), command.amountReceived(), clock.instant()));
      return touched(order);
    }
    boolean paid =
        order.invoke(
            o -> o.pay(command.paymentIntentId(), command.amountReceived(), clock.instant()));
    if (paid) {
      String orderKey = command.orderId().id();
      for (Aggregate<Product> product : productsOf(order)) {
        product.execute(p -> p.commit(orderKey));
      }
    }
    return touched(order);
  }

  @CommandHandler
  public CheckoutResult handle(CancelOrder command) {
    Aggregate<Order> order = loadOrder(command.orderId());
    if (command.byClient()) {
      order.execute(Order::requireCancelable);
    }
    List<Aggregate<Product>> released = cancelAndRelease(order, command.reason());
    // the answer's position must cover the released stock, so a read at it sees the stock back
    List<EventRef> events = new ArrayList<>();
    events.add(Aggregates.lastEvent(order));
    released.forEach(p -> events.add(Aggregates.lastEvent(p)));
    return new CheckoutResult(order.invoke(Order::state), false, events);
  }

  @CommandHandler
  public CheckoutResult handle(RefundOrder command) {
    Aggregate<Order> order = loadOrder(command.orderId());
    order.execute(o -> o.refund(command.refundedTotal(), clock.instant()));
    return touched(order);
  }

  /** Cancels an unpaid order and releases its stock; answers the products it released. */
  private List<Aggregate<Product>> cancelAndRelease(Aggregate<Order> order, String reason) {
    boolean canceled = order.invoke(o -> o.cancel(reason, clock.instant()));
    if (!canceled) {
      return List.of();
    }
    String orderKey = order.invoke(o -> o.state().orderId().id());
    List<Aggregate<Product>> products = productsOf(order);
    for (Aggregate<Product> product : products) {
      product.execute(p -> p.release(orderKey));
    }
    return products;
  }

  private List<Aggregate<Product>> productsOf(Aggregate<Order> order) {
    Order.State state = order.invoke(Order::state);
    TreeMap<Sku, Aggregate<Product>> loaded = new TreeMap<>();
    for (OrderLine line : state.lines()) {
      loaded.putIfAbsent(new Sku(state.orderId().tenant(), line.sku()), null);
    }
    loaded.replaceAll((sku, none) -> loadProduct(sku));
    return new ArrayList<>(loaded.values());
  }

  private List<OrderLine> price(Checkout command, Map<Sku, Aggregate<Product>> loaded) {
    List<OrderLine> lines = new ArrayList<>();
    String currency = null;
    for (Item item : command.items()) {
      Aggregate<Product> product = loaded.get(new Sku(command.orderId().tenant(), item.sku()));
      Long unit;
      if (command.payWith() == PayWith.POINTS) {
        unit = product.invoke(Product::pricePoints);
      } else {
        unit = product.invoke(Product::priceMinor);
        String lineCurrency = product.invoke(Product::currency);
        if (currency != null && unit != null && !currency.equals(lineCurrency)) {
          throw new LedgerRejection(
              Rejection.PRICE_NOT_AVAILABLE, "an order by card is paid in one currency");
        }
        currency = lineCurrency;
      }
      if (unit == null) {
        throw new LedgerRejection(
            Rejection.PRICE_NOT_AVAILABLE,
            item.sku() + " has no price in " + command.payWith().name().toLowerCase());
      }
      lines.add(
          new OrderLine(item.sku(), item.quantity(), unit, multiplyExact(unit, item.quantity())));
    }
    return lines;
  }

  private Aggregate<Product> loadProduct(Sku sku) {
    return Aggregates.find(products, sku.toString())
        .orElseThrow(
            () -> new LedgerRejection(Rejection.PRODUCT_NOT_FOUND, "no product " + sku.value()));
  }

  private Aggregate<Order> loadOrder(OrderId id) {
    return Aggregates.find(orders, id.toString())
        .orElseThrow(() -> new LedgerRejection(Rejection.ORDER_NOT_FOUND, "no order " + id.id()));
  }

  private static ProductResult result(Aggregate<Product> product, boolean created) {
    return new ProductResult(
        product.invoke(Product::state), created, Aggregates.lastEvent(product));
  }

  private static CheckoutResult touched(Aggregate<Order> order) {
    return new CheckoutResult(
        order.invoke(Order::state), false, List.of(Aggregates.lastEvent(order)));
  }

  private static long addExact(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new LedgerRejection(
          Rejection.BALANCE_OVERFLOW, "the order total would overflow 64 bits");
    }
  }

  private static long multiplyExact(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new LedgerRejection(Rejection.BALANCE_OVERFLOW, "a line total would overflow 64 bits");
    }
  }
}
