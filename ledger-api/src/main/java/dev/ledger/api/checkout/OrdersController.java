package dev.ledger.api.checkout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.ledger.LedgerCommands;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.ledger.TransferRequests;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.checkout.CheckoutCommands.AttachPaymentIntent;
import dev.ledger.core.checkout.CheckoutCommands.CancelOrder;
import dev.ledger.core.checkout.CheckoutCommands.Checkout;
import dev.ledger.core.checkout.CheckoutCommands.Item;
import dev.ledger.core.checkout.CheckoutCommands.PayWith;
import dev.ledger.core.checkout.CheckoutResult;
import dev.ledger.core.checkout.Order;
import dev.ledger.core.checkout.OrderId;
import dev.ledger.core.checkout.Sku;
import dev.ledger.core.payment.IdempotencyKeys;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentGateway.NewPaymentIntent;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.projections.catalog.CatalogProjection;
import dev.ledger.projections.catalog.CatalogQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Orders (the Checkout command). With points, one unit of work checks and changes every line's
 * stock and the user's points. By card, the stock is reserved and the order priced first; then a
 * PaymentIntent for exactly that total is created under a key derived from the order, and tied to
 * it. If Stripe fails between the two, a retry of the same request finishes the job, and an order
 * left without a PaymentIntent releases its stock at its payment deadline.
 */
@RestController
public class OrdersController {
  private static final Set<String> FIELDS = Set.of("id", "userId", "items", "payWith");
  private static final Set<String> ITEM_FIELDS = Set.of("sku", "quantity");
  static final int ITEMS_MAX = 100;

  private final LedgerCommands commands;
  private final Positions positions;
  private final CatalogQueries queries;
  private final PaymentGateway gateway;
  private final dev.ledger.api.stripe.StripeAvailability stripe;
  private final Clock clock;
  private final Duration paymentTimeout;

  public OrdersController(
      LedgerCommands commands,
      Positions positions,
      CatalogQueries queries,
      PaymentGateway gateway,
      dev.ledger.api.stripe.StripeAvailability stripe,
      Clock clock,
      LedgerProperties properties) {
    this.commands = commands;
    this.positions = positions;
    this.queries = queries;
    this.gateway = gateway;
    this.stripe = stripe;
    this.clock = clock;
    this.paymentTimeout = properties.orders().paymentTimeout();
  }

  @PostMapping("/v1/orders")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> checkout(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(FIELDS);
    String id = body.optionalId("id");
    String userId = body.requiredUserId("userId");
    String payWith = body.requiredString("payWith", 16);
    PayWith way = null;
    if ("points".equals(payWith)) {
      way = PayWith.POINTS;
    } else if ("card".equals(payWith)) {
      way = PayWith.CARD;
    } else if (payWith != null) {
      body.problem("payWith", "must be points or card");
    }
    List<Item> items = new ArrayList<>();
    Set<String> skus = new HashSet<>();
    List<ObjectNode> nodes = body.requiredObjects("items", 1, ITEMS_MAX);
    for (int i = 0; i < nodes.size(); i++) {
      JsonRequest item = body.nested(nodes.get(i), "items[" + i + "]").allowOnly(ITEM_FIELDS);
      String sku = item.requiredString("sku", 64);
      if (sku != null && !Sku.isValid(sku)) {
        item.problem("sku", "must be 1 to 64 characters of [A-Za-z0-9_.-]");
      } else if (sku != null && !skus.add(sku)) {
        item.problem("sku", "appears more than once; give one line per product");
      }
      Long quantity = item.requiredAmount("quantity");
      if (quantity != null && quantity > 1_000_000) {
        item.problem("quantity", "must be at most 1000000");
      }
      if (sku != null && quantity != null) {
        items.add(new Item(sku, quantity));
      }
    }
    body.throwIfInvalid();
    if (way == PayWith.CARD && !stripe.configured()) {
      throw new ApiException(
          HttpStatus.SERVICE_UNAVAILABLE,
          "unavailable",
          "Stripe is not configured: set LEDGER_STRIPE_SECRET_KEY");
    }
    OrderId orderId = OrderId.of(tenant, TransferRequests.resourceId(id, request, tenant));
    CheckoutResult placed =
        commands.send(
            new Checkout(orderId, userId, items, way, clock.instant().plus(paymentTimeout)));
    if (way == PayWith.POINTS) {
      return answer(
          placed.order(), null, placed, placed.created() ? HttpStatus.CREATED : HttpStatus.OK);
    }
    Order.State order = placed.order();
    PaymentGateway.PaymentIntent intent;
    if (order.paymentIntentId() != null) {
      intent = gateway.retrievePaymentIntent(order.paymentIntentId());
    } else if (order.status() != dev.ledger.core.checkout.OrderStatus.PENDING_PAYMENT) {
      // canceled (say, its deadline passed) before a PaymentIntent was made: it takes no payment
      // now
      intent = null;
    } else {
      intent =
          gateway.createPaymentIntent(
              new NewPaymentIntent(
                  order.total(),
                  order.currency().toLowerCase(Locale.ROOT),
                  Map.of(
                      "order_type",
                      "order",
                      "reference_id",
                      orderId.referenceId(),
                      "tenant",
                      tenant,
                      "order_id",
                      orderId.id()),
                  false,
                  null,
                  "order " + orderId.id()),
              IdempotencyKeys.of(tenant, "order", orderId.referenceId(), "create-payment-intent"));
      CheckoutResult attached;
      try {
        attached = commands.send(new AttachPaymentIntent(orderId, intent.id()));
      } catch (dev.ledger.core.shared.LedgerRejection rejected) {
        // the order was canceled meanwhile (say, its deadline passed): this PaymentIntent must
        // not take money; cancel it under the order's cancellation key, then answer the refusal
        gateway.cancelPaymentIntent(
            intent.id(),
            IdempotencyKeys.of(tenant, "order", orderId.referenceId(), "cancel-payment-intent"));
        throw rejected;
      }
      order = attached.order();
      placed = new CheckoutResult(order, placed.created(), concat(placed, attached));
    }
    return answer(order, intent, placed, placed.created() ? HttpStatus.CREATED : HttpStatus.OK);
  }

  @PostMapping("/v1/orders/{id}/cancel")
  @RequiresScope(Scope.LEDGER_WRITE)
  Map<String, Object> cancel(@PathVariable String id, HttpServletRequest request) {
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), true).allowOnly(Set.of("reason"));
    String reason = body.optionalString("reason", 256);
    body.throwIfInvalid();
    OrderId orderId = orderId(id);
    CheckoutResult result =
        commands.send(
            new CancelOrder(
                orderId,
                reason == null ? "canceled by the client" : "canceled by the client: " + reason,
                true));
    return orderView(result.order(), null, positions.answered(result.events(), true));
  }

  @GetMapping("/v1/orders/{id}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String id, @RequestParam(required = false) String minPosition) {
    OrderId orderId = orderId(id);
    long position =
        positions.await(CatalogProjection.NAME, Positions.parseMinPosition(minPosition));
    var row =
        queries
            .order(orderId.tenant().value(), orderId.id())
            .orElseThrow(() -> ApiException.notFound("order_not_found", "no order " + id));
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", row.id());
    view.put("status", row.status());
    view.put("userId", row.userId());
    view.put("payWith", row.payWith().toLowerCase(Locale.ROOT));
    view.put("items", lines(row.lines()));
    if ("POINTS".equals(row.payWith())) {
      view.put("totalPoints", row.total());
    } else {
      view.put("totalMinor", row.total());
      view.put("currency", row.currency());
      view.put(
          "payment",
          row.paymentIntentId() == null
              ? null
              : Map.of("provider", "stripe", "paymentIntentId", row.paymentIntentId()));
    }
    view.put("detail", row.detail());
    view.put("placedAt", row.placedAt().toString());
    view.put("expiresAt", row.expiresAt() == null ? null : row.expiresAt().toString());
    view.put("position", Math.max(position, row.lastPosition()));
    return view;
  }

  private ResponseEntity<Object> answer(
      Order.State order,
      PaymentGateway.PaymentIntent intent,
      CheckoutResult result,
      HttpStatus status) {
    return ResponseEntity.status(status)
        .body(orderView(order, intent, positions.answered(result.events(), result.created())));
  }

  private static Map<String, Object> orderView(
      Order.State order, PaymentGateway.PaymentIntent intent, long position) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", order.orderId().id());
    view.put("status", order.status().name());
    view.put("userId", order.userId());
    view.put("items", lines(order.lines()));
    if (order.payWith() == PayWith.POINTS) {
      view.put("totalPoints", order.total());
    } else {
      view.put("totalMinor", order.total());
      view.put("currency", order.currency());
      Map<String, Object> payment = new LinkedHashMap<>();
      payment.put("provider", "stripe");
      payment.put("paymentIntentId", order.paymentIntentId());
      if (intent != null) {
        payment.put("clientSecret", intent.clientSecret());
      }
      view.put("payment", payment);
    }
    view.put("position", position);
    return view;
  }

  private static List<Map<String, Object>> lines(
      List<dev.ledger.core.checkout.CheckoutEvents.OrderLine> lines) {
    return lines.stream()
        .map(
            l -> {
              Map<String, Object> line = new LinkedHashMap<>();
              line.put("sku", l.sku());
              line.put("quantity", l.quantity());
              line.put("unitPrice", l.unitPrice());
              line.put("lineTotal", l.lineTotal());
              return line;
            })
        .toList();
  }

  private static List<dev.ledger.core.shared.EventRef> concat(CheckoutResult a, CheckoutResult b) {
    List<dev.ledger.core.shared.EventRef> events = new ArrayList<>(a.events());
    events.addAll(b.events());
    return events;
  }

  private static OrderId orderId(String id) {
    if (!ResourceId.isValid(id)) {
      throw ApiException.invalid("id", "must be 1 to 128 characters of [A-Za-z0-9_:.-]");
    }
    return OrderId.of(RequestContext.current().tenant(), id);
  }
}
