package dev.ledger.api.coins;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.ledger.Assets;
import dev.ledger.api.ledger.LedgerCommands;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.ledger.TransferRequests;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.coins.CoinPurchaseCommands.CreateCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseId;
import dev.ledger.core.coins.CoinPurchaseView;
import dev.ledger.core.payment.IdempotencyKeys;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentGateway.NewPaymentIntent;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.projections.coins.CoinProjection;
import dev.ledger.projections.coins.CoinQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Coin purchases. As for investments (ADR 0013), the PaymentIntent is created first, under an
 * idempotency key derived from the purchase, and only then is the purchase recorded: if Stripe
 * cannot be reached nothing is created (503), and a retry finds the same PaymentIntent rather than
 * a second one. A repeat of a recorded purchase retrieves its PaymentIntent instead of creating
 * one.
 */
@RestController
public class CoinPurchasesController {
  private static final Set<String> FIELDS =
      Set.of("id", "userId", "coins", "priceMinor", "currency");

  /** The {@code order_type} of a coin purchase's PaymentIntent. */
  public static final String ORDER_TYPE = "coin_purchase";

  private final LedgerCommands commands;
  private final Positions positions;
  private final PaymentGateway gateway;
  private final CoinQueries queries;
  private final Assets assets;
  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final Duration paymentTimeout;

  public CoinPurchasesController(
      LedgerCommands commands,
      Positions positions,
      PaymentGateway gateway,
      CoinQueries queries,
      Assets assets,
      JdbcTemplate jdbc,
      Clock clock,
      LedgerProperties properties) {
    this.commands = commands;
    this.positions = positions;
    this.gateway = gateway;
    this.queries = queries;
    this.assets = assets;
    this.jdbc = jdbc;
    this.clock = clock;
    this.paymentTimeout = properties.coins().paymentTimeout();
  }

  @PostMapping("/v1/coins/purchases")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> create(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(FIELDS);
    String id = body.optionalId("id");
    String userId = body.requiredUserId("userId");
    Long coins = body.requiredAmount("coins");
    Long priceMinor = body.requiredAmount("priceMinor");
    String currency = body.requiredString("currency", 3);
    if (currency != null && !(assets.isKnown(currency) && assets.isCurrency(currency))) {
      body.problem("currency", "must be a currency the engine knows, such as USD");
    }
    body.throwIfInvalid();
    CoinPurchaseId purchase =
        CoinPurchaseId.of(tenant, TransferRequests.resourceId(id, request, tenant));

    if (exists(purchase)) {
      CoinPurchaseView view =
          commands.send(command(purchase, userId, coins, priceMinor, currency, null));
      var intent = gateway.retrievePaymentIntent(view.paymentIntentId());
      return answer(view, intent.clientSecret(), HttpStatus.OK);
    }
    var intent =
        gateway.createPaymentIntent(
            new NewPaymentIntent(
                priceMinor,
                currency.toLowerCase(Locale.ROOT),
                Map.of(
                    "order_type",
                    ORDER_TYPE,
                    "reference_id",
                    purchase.referenceId(),
                    "tenant",
                    tenant,
                    "coin_purchase_id",
                    purchase.id()),
                false,
                null,
                coins + " coins, purchase " + purchase.id()),
            IdempotencyKeys.of(
                tenant, "coin-purchase", purchase.referenceId(), "create-payment-intent"));
    CoinPurchaseView view =
        commands.send(command(purchase, userId, coins, priceMinor, currency, intent.id()));
    return answer(view, intent.clientSecret(), view.created() ? HttpStatus.CREATED : HttpStatus.OK);
  }

  @GetMapping("/v1/coins/purchases/{id}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String id, @RequestParam(required = false) String minPosition) {
    if (!ResourceId.isValid(id)) {
      throw ApiException.invalid("id", "must be 1 to 128 characters of [A-Za-z0-9_:.-]");
    }
    long position = positions.await(CoinProjection.NAME, Positions.parseMinPosition(minPosition));
    var row =
        queries
            .purchase(RequestContext.current().tenant(), id)
            .orElseThrow(
                () -> ApiException.notFound("coin_purchase_not_found", "no coin purchase " + id));
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", row.id());
    view.put("status", row.status());
    view.put("userId", row.userId());
    view.put("coins", row.coins());
    view.put("priceMinor", row.priceMinor());
    view.put("currency", row.currency());
    view.put("payment", Map.of("provider", "stripe", "paymentIntentId", row.paymentIntentId()));
    view.put("coinsCredited", row.coinsCredited());
    view.put("coinsSettled", row.coinsSettled());
    view.put("refundedMinor", row.refundedMinor());
    view.put("coinsTakenBack", row.coinsTakenBack());
    view.put("coinsShortfall", row.coinsShortfall());
    view.put("createdAt", row.createdAt().toString());
    view.put("expiresAt", row.expiresAt().toString());
    view.put(
        "transitions",
        row.transitions().stream()
            .map(
                t -> {
                  Map<String, Object> transition = new LinkedHashMap<>();
                  transition.put("status", t.status());
                  transition.put("detail", t.detail());
                  transition.put("at", t.at().toString());
                  transition.put("position", t.position());
                  return transition;
                })
            .toList());
    view.put("position", Math.max(position, row.lastPosition()));
    return view;
  }

  private CreateCoinPurchase command(
      CoinPurchaseId purchase,
      String userId,
      long coins,
      long priceMinor,
      String currency,
      String paymentIntentId) {
    return new CreateCoinPurchase(
        purchase,
        userId,
        coins,
        priceMinor,
        currency,
        paymentIntentId,
        clock.instant().plus(paymentTimeout));
  }

  private boolean exists(CoinPurchaseId purchase) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "SELECT EXISTS (SELECT 1 FROM domain_event_entry WHERE aggregate_identifier = ?)",
            Boolean.class,
            purchase.toString()));
  }

  private ResponseEntity<Object> answer(
      CoinPurchaseView view, String clientSecret, HttpStatus status) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", view.purchaseId().id());
    body.put("status", view.status().name());
    body.put("userId", view.userId());
    body.put("coins", view.coins());
    body.put("priceMinor", view.priceMinor());
    body.put("currency", view.currency());
    Map<String, Object> payment = new LinkedHashMap<>();
    payment.put("provider", "stripe");
    payment.put("paymentIntentId", view.paymentIntentId());
    payment.put("clientSecret", clientSecret);
    body.put("payment", payment);
    body.put("position", positions.answered(List.of(view.lastEvent()), view.created()));
    return ResponseEntity.status(status).body(body);
  }
}
