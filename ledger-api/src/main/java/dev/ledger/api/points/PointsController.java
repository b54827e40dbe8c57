package dev.ledger.api.points;

import dev.ledger.api.ledger.BalanceHistory;
import dev.ledger.api.ledger.LedgerCommands;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.ledger.TransferRequests;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.points.Points;
import dev.ledger.core.points.PointsCommands.AwardPoints;
import dev.ledger.core.points.PointsCommands.RedeemPoints;
import dev.ledger.core.shared.Limits;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferResult;
import dev.ledger.projections.ledger.BalanceProjection;
import dev.ledger.projections.ledger.LedgerQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Loyalty points: awards, redemptions, and a user's wallet. */
@RestController
public class PointsController {
  private static final Set<String> AWARD_FIELDS =
      Set.of("id", "userId", "amount", "reason", "reference", "expiresAt");
  private static final Set<String> REDEMPTION_FIELDS =
      Set.of("id", "userId", "amount", "reason", "reference");

  private final LedgerCommands commands;
  private final Positions positions;
  private final LedgerQueries queries;
  private final BalanceHistory history;

  public PointsController(
      LedgerCommands commands, Positions positions, LedgerQueries queries, BalanceHistory history) {
    this.commands = commands;
    this.positions = positions;
    this.queries = queries;
    this.history = history;
  }

  @PostMapping("/v1/points/awards")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> award(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(AWARD_FIELDS);
    String id = body.optionalId("id");
    String userId = userId(body);
    Long amount = body.requiredAmount("amount");
    String reason = body.requiredString("reason", 256);
    String reference = body.optionalString("reference", Limits.REFERENCE_LENGTH_MAX);
    Instant expiresAt = null;
    String expires = body.optionalString("expiresAt", 64);
    if (expires != null) {
      try {
        expiresAt = Instant.parse(expires);
      } catch (DateTimeParseException e) {
        body.problem("expiresAt", "must be an ISO-8601 UTC time such as 2027-01-01T00:00:00Z");
      }
    }
    body.throwIfInvalid();
    String transferId = TransferRequests.resourceId(id, request, tenant);
    TransferResult result =
        commands.send(
            new AwardPoints(
                TransferId.of(tenant, transferId), userId, amount, reason, reference, expiresAt));
    return answer(result, userId, tenant);
  }

  @PostMapping("/v1/points/redemptions")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> redeem(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body =
        JsonRequest.parse(BodyFilter.of(request), false).allowOnly(REDEMPTION_FIELDS);
    String id = body.optionalId("id");
    String userId = userId(body);
    Long amount = body.requiredAmount("amount");
    String reason = body.requiredString("reason", 256);
    String reference = body.optionalString("reference", Limits.REFERENCE_LENGTH_MAX);
    body.throwIfInvalid();
    String transferId = TransferRequests.resourceId(id, request, tenant);
    TransferResult result =
        commands.send(
            new RedeemPoints(TransferId.of(tenant, transferId), userId, amount, reason, reference));
    return answer(result, userId, tenant);
  }

  /**
   * Points, coins and earnings of a user, from the balance cache. Coins also say what the user owes
   * from refunded or disputed purchases ({@code shortfall}) and whether they can be spent.
   */
  @GetMapping("/v1/users/{userId}/wallet")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> wallet(
      @PathVariable String userId, @RequestParam(required = false) String minPosition) {
    if (!Points.isValidUserId(userId)) {
      throw ApiException.invalid("userId", "must be 1 to 64 characters of [a-zA-Z0-9_-]");
    }
    String tenant = RequestContext.current().tenant();
    long position =
        positions.await(BalanceProjection.NAME, Positions.parseMinPosition(minPosition));
    Map<String, Object> wallet = new LinkedHashMap<>();
    wallet.put("userId", userId);
    for (String kind : new String[] {"points", "coins", "earnings"}) {
      long balance =
          queries.account(tenant, "user:" + userId + ":" + kind).map(a -> a.available()).orElse(0L);
      wallet.put(kind, Map.of("balance", balance));
    }
    // coins a refund or chargeback could not take back, owed by the user; while any are owed the
    // user's coins cannot be spent (ADR 0021)
    long shortfall =
        queries
            .account(tenant, "user:" + userId + ":coins:shortfall")
            .map(a -> Math.max(0, -a.posted()))
            .orElse(0L);
    boolean coinsFrozen =
        shortfall > 0
            || queries
                .account(tenant, "user:" + userId + ":coins")
                .map(a -> a.frozen())
                .orElse(false);
    Map<String, Object> coins = new LinkedHashMap<>();
    coins.put("balance", ((Map<?, ?>) wallet.get("coins")).get("balance"));
    coins.put("shortfall", shortfall);
    coins.put("frozen", coinsFrozen);
    wallet.put("coins", coins);
    wallet.put("position", position);
    return wallet;
  }

  private ResponseEntity<Object> answer(TransferResult result, String userId, String tenant) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("transferId", result.transfer().transferId().id());
    view.put("userId", userId);
    view.put("amount", result.transfer().spec().amount());
    String account = Points.userAccount(new TenantId(tenant), userId).address();
    view.put(
        "balance",
        result
            .balanceOf(account)
            .or(
                () ->
                    history
                        .balance(Points.userAccount(new TenantId(tenant), userId), null, null)
                        .map(b -> b.balance()))
            .map(b -> b.available())
            .orElse(0L));
    view.put("position", positions.answered(result.events(), result.created()));
    return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK).body(view);
  }

  private static String userId(JsonRequest body) {
    return body.requiredUserId("userId");
  }
}
