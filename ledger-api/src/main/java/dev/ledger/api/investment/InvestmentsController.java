package dev.ledger.api.investment;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.ledger.Assets;
import dev.ledger.api.ledger.EventHistory;
import dev.ledger.api.ledger.LedgerCommands;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.ledger.TransferRequests;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.investment.InvestmentCommands.CreateInvestment;
import dev.ledger.core.investment.InvestmentId;
import dev.ledger.core.investment.InvestmentView;
import dev.ledger.core.payment.IdempotencyKeys;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentGateway.NewPaymentIntent;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.projections.investment.InvestmentProjection;
import dev.ledger.projections.investment.InvestmentQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * Investments. Creating one asks Stripe for a PaymentIntent first, under an idempotency key derived
 * from the investment, and only then records the investment: if Stripe cannot be reached nothing is
 * created (503), and a retry finds the same PaymentIntent rather than a second one.
 */
@RestController
public class InvestmentsController {
  private static final Set<String> FIELDS =
      Set.of("id", "userId", "amount", "currency", "pointsReward");
  public static final String ORDER_TYPE = "investment";

  private final LedgerCommands commands;
  private final Positions positions;
  private final PaymentGateway gateway;
  private final InvestmentQueries queries;
  private final Assets assets;
  private final EventHistory history;
  private final Clock clock;
  private final Duration paymentTimeout;

  public InvestmentsController(
      LedgerCommands commands,
      Positions positions,
      PaymentGateway gateway,
      InvestmentQueries queries,
      Assets assets,
      EventHistory history,
      Clock clock,
      LedgerProperties properties) {
    this.commands = commands;
    this.positions = positions;
    this.gateway = gateway;
    this.queries = queries;
    this.assets = assets;
    this.history = history;
    this.clock = clock;
    this.paymentTimeout = properties.investments().paymentTimeout();
  }

  @PostMapping("/v1/investments")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> create(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(FIELDS);
    String id = body.optionalId("id");
    String userId = body.requiredUserId("userId");
    Long amount = body.requiredAmount("amount");
    String currency = body.requiredString("currency", 3);
    if (currency != null && !(assets.isKnown(currency) && assets.isCurrency(currency))) {
      body.problem("currency", "must be a currency the engine knows, such as USD");
    }
    Long pointsReward = body.optionalLong("pointsReward");
    if (!body.has("pointsReward")) {
      body.problem("pointsReward", "is required");
    } else if (pointsReward != null && pointsReward < 0) {
      body.problem("pointsReward", "must not be negative");
    }
    body.throwIfInvalid();
    InvestmentId investment =
        InvestmentId.of(tenant, TransferRequests.resourceId(id, request, tenant));

    if (exists(investment)) {
      InvestmentView view =
          commands.send(command(investment, userId, amount, currency, pointsReward, null));
      var intent = gateway.retrievePaymentIntent(view.paymentIntentId());
      return answer(view, intent.clientSecret(), HttpStatus.OK);
    }
    var intent =
        gateway.createPaymentIntent(
            new NewPaymentIntent(
                amount,
                currency.toLowerCase(Locale.ROOT),
                Map.of(
                    "order_type",
                    ORDER_TYPE,
                    "reference_id",
                    investment.referenceId(),
                    "tenant",
                    tenant,
                    "investment_id",
                    investment.id()),
                false,
                null,
                "investment " + investment.id()),
            IdempotencyKeys.of(
                tenant, "investment", investment.referenceId(), "create-payment-intent"));
    InvestmentView view =
        commands.send(command(investment, userId, amount, currency, pointsReward, intent.id()));
    return answer(view, intent.clientSecret(), view.created() ? HttpStatus.CREATED : HttpStatus.OK);
  }

  @GetMapping("/v1/investments/{id}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String id, @RequestParam(required = false) String minPosition) {
    if (!ResourceId.isValid(id)) {
      throw ApiException.invalid("id", "must be 1 to 128 characters of [A-Za-z0-9_:.-]");
    }
    long position =
        positions.await(InvestmentProjection.NAME, Positions.parseMinPosition(minPosition));
    var row =
        queries
            .investment(RequestContext.current().tenant(), id)
            .orElseThrow(
                () -> ApiException.notFound("investment_not_found", "no investment " + id));
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", row.id());
    view.put("status", row.status());
    view.put("userId", row.userId());
    view.put("amount", row.amount());
    view.put("currency", row.currency());
    view.put("pointsReward", row.pointsReward());
    view.put("pointsAwarded", row.pointsAwarded());
    view.put("payment", Map.of("provider", "stripe", "paymentIntentId", row.paymentIntentId()));
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

  private CreateInvestment command(
      InvestmentId investment,
      String userId,
      long amount,
      String currency,
      long pointsReward,
      String paymentIntentId) {
    return new CreateInvestment(
        investment,
        userId,
        amount,
        currency,
        pointsReward,
        paymentIntentId,
        clock.instant().plus(paymentTimeout));
  }

  private boolean exists(InvestmentId investment) {
    return history.exists(investment.toString());
  }

  private ResponseEntity<Object> answer(
      InvestmentView view, String clientSecret, HttpStatus status) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", view.investmentId().id());
    body.put("status", view.status().name());
    body.put("userId", view.userId());
    Map<String, Object> payment = new LinkedHashMap<>();
    payment.put("provider", "stripe");
    payment.put("paymentIntentId", view.paymentIntentId());
    payment.put("clientSecret", clientSecret);
    body.put("payment", payment);
    body.put("position", positions.answered(java.util.List.of(view.lastEvent()), view.created()));
    return ResponseEntity.status(status).body(body);
  }
}
