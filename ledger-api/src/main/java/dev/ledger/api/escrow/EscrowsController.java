package dev.ledger.api.escrow;

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
import dev.ledger.core.escrow.EscrowCommands.CaptureEscrow;
import dev.ledger.core.escrow.EscrowCommands.CreateEscrow;
import dev.ledger.core.escrow.EscrowCommands.ReleaseEscrow;
import dev.ledger.core.escrow.EscrowCommands.ResolveEscrow;
import dev.ledger.core.escrow.EscrowCommands.RetryEscrow;
import dev.ledger.core.escrow.EscrowId;
import dev.ledger.core.escrow.EscrowView;
import dev.ledger.core.payment.IdempotencyKeys;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentGateway.NewPaymentIntent;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.projections.escrow.EscrowProjection;
import dev.ledger.projections.escrow.EscrowQueries;
import dev.ledger.projections.escrow.EscrowQueries.EscrowRow;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Escrows. Creating one asks Stripe for a manual-capture PaymentIntent first (its {@code
 * transfer_group} is the escrow's reference id), under an idempotency key derived from the escrow,
 * and only then records the escrow: if Stripe cannot be reached nothing is created (503), and a
 * retry finds the same PaymentIntent. Capture and release are decided by the escrow at once (one
 * {@code 202}, any concurrent second one {@code 409 invalid_state}); the Stripe calls follow in the
 * escrow saga.
 */
@RestController
public class EscrowsController {
  public static final String ORDER_TYPE = "escrow";
  private static final Set<String> FIELDS =
      Set.of("id", "payerId", "payeeStripeAccount", "amount", "currency", "platformFee");
  private static final Set<String> RESOLVE_FIELDS = Set.of("stripeTransferId", "note");
  private static final Pattern CONNECTED_ACCOUNT = Pattern.compile("acct_[A-Za-z0-9]{1,64}");
  private static final Pattern TRANSFER_ID = Pattern.compile("tr_[A-Za-z0-9]{1,250}");

  private final LedgerCommands commands;
  private final Positions positions;
  private final PaymentGateway gateway;
  private final EscrowQueries queries;
  private final Assets assets;
  private final EventHistory history;

  public EscrowsController(
      LedgerCommands commands,
      Positions positions,
      PaymentGateway gateway,
      EscrowQueries queries,
      Assets assets,
      EventHistory history) {
    this.commands = commands;
    this.positions = positions;
    this.gateway = gateway;
    this.queries = queries;
    this.assets = assets;
    this.history = history;
  }

  @PostMapping("/v1/escrows")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> create(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(FIELDS);
    String id = body.optionalId("id");
    String payerId = body.requiredUserId("payerId");
    String payee = body.requiredString("payeeStripeAccount", 69);
    if (payee != null && !CONNECTED_ACCOUNT.matcher(payee).matches()) {
      body.problem("payeeStripeAccount", "must be a Stripe connected account id (acct_…)");
      payee = null;
    }
    Long amount = body.requiredAmount("amount");
    String currency = body.requiredString("currency", 3);
    if (currency != null && !(assets.isKnown(currency) && assets.isCurrency(currency))) {
      body.problem("currency", "must be a currency the engine knows, such as USD");
    }
    Long platformFee = body.optionalLong("platformFee");
    if (!body.has("platformFee")) {
      body.problem("platformFee", "is required (0 for none)");
    } else if (platformFee != null && platformFee < 0) {
      body.problem("platformFee", "must not be negative");
    } else if (platformFee != null && amount != null && platformFee > amount) {
      body.problem("platformFee", "must not exceed the amount");
    }
    body.throwIfInvalid();
    EscrowId escrow = EscrowId.of(tenant, TransferRequests.resourceId(id, request, tenant));
    String paymentIntentId;
    String clientSecret;
    if (exists(escrow)) {
      EscrowView view =
          commands.send(
              new CreateEscrow(escrow, payerId, payee, amount, currency, platformFee, null));
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
                    escrow.referenceId(),
                    "tenant",
                    tenant,
                    "escrow_id",
                    escrow.id()),
                true,
                escrow.referenceId(),
                "escrow " + escrow.id()),
            IdempotencyKeys.of(tenant, ORDER_TYPE, escrow.referenceId(), "create-payment-intent"));
    paymentIntentId = intent.id();
    clientSecret = intent.clientSecret();
    EscrowView view =
        commands.send(
            new CreateEscrow(
                escrow, payerId, payee, amount, currency, platformFee, paymentIntentId));
    return answer(view, clientSecret, view.created() ? HttpStatus.CREATED : HttpStatus.OK);
  }

  @GetMapping("/v1/escrows/{id}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String id, @RequestParam(required = false) String minPosition) {
    checkId(id);
    long position = positions.await(EscrowProjection.NAME, Positions.parseMinPosition(minPosition));
    String tenant = RequestContext.current().tenant();
    EscrowRow row =
        queries
            .escrow(tenant, id)
            .orElseThrow(() -> ApiException.notFound("escrow_not_found", "no escrow " + id));
    Map<String, Object> view = EscrowJson.of(row);
    view.put(
        "transitions",
        queries.transitions(tenant, id).stream()
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

  @PostMapping("/v1/escrows/{id}/capture")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> capture(@PathVariable String id, HttpServletRequest request) {
    EscrowId escrow = escrowFrom(id, request);
    return accepted(commands.send(new CaptureEscrow(escrow)));
  }

  @PostMapping("/v1/escrows/{id}/release")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> release(@PathVariable String id, HttpServletRequest request) {
    EscrowId escrow = escrowFrom(id, request);
    return accepted(commands.send(new ReleaseEscrow(escrow)));
  }

  /** An operator retries the failed step of an escrow in manual review. */
  @PostMapping("/v1/admin/escrows/{id}/retry")
  @RequiresScope(Scope.ADMIN)
  ResponseEntity<Object> retry(@PathVariable String id, HttpServletRequest request) {
    EscrowId escrow = escrowFrom(id, request);
    return accepted(commands.send(new RetryEscrow(escrow)));
  }

  /**
   * An operator records that the payee was paid by hand (Stripe transfer {@code stripeTransferId});
   * the escrow completes and the ledger moves as if the saga had made the transfer.
   */
  @PostMapping("/v1/admin/escrows/{id}/resolve")
  @RequiresScope(Scope.ADMIN)
  ResponseEntity<Object> resolve(@PathVariable String id, HttpServletRequest request) {
    checkId(id);
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(RESOLVE_FIELDS);
    String transfer = body.requiredString("stripeTransferId", 255);
    if (transfer != null && !TRANSFER_ID.matcher(transfer).matches()) {
      body.problem("stripeTransferId", "must be a Stripe transfer id (tr_…)");
    }
    String note = body.requiredString("note", 512);
    body.throwIfInvalid();
    EscrowId escrow = EscrowId.of(RequestContext.current().tenant(), id);
    requireExists(escrow, id);
    EscrowView view = commands.send(new ResolveEscrow(escrow, transfer, note));
    return answer(view, null, HttpStatus.OK);
  }

  private EscrowId escrowFrom(String id, HttpServletRequest request) {
    checkId(id);
    JsonRequest.parse(BodyFilter.of(request), true).allowOnly(Set.of()).throwIfInvalid();
    EscrowId escrow = EscrowId.of(RequestContext.current().tenant(), id);
    requireExists(escrow, id);
    return escrow;
  }

  private void requireExists(EscrowId escrow, String id) {
    if (!exists(escrow)) {
      throw ApiException.notFound("escrow_not_found", "no escrow " + id);
    }
  }

  private static void checkId(String id) {
    if (!ResourceId.isValid(id)) {
      throw ApiException.invalid("id", "must be 1 to 128 characters of [A-Za-z0-9_:.-]");
    }
  }

  private boolean exists(EscrowId escrow) {
    return history.exists(escrow.toString());
  }

  private ResponseEntity<Object> accepted(EscrowView view) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", view.escrowId().id());
    body.put("status", view.status().name());
    body.put("position", positions.answered(List.of(view.lastEvent()), true));
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
  }

  private ResponseEntity<Object> answer(EscrowView view, String clientSecret, HttpStatus status) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", view.escrowId().id());
    body.put("status", view.status().name());
    Map<String, Object> payment = new LinkedHashMap<>();
    payment.put("provider", "stripe");
    payment.put("paymentIntentId", view.paymentIntentId());
    if (clientSecret != null) {
      payment.put("clientSecret", clientSecret);
    }
    body.put("payment", payment);
    body.put("position", positions.answered(List.of(view.lastEvent()), view.created()));
    return ResponseEntity.status(status).body(body);
  }
}
