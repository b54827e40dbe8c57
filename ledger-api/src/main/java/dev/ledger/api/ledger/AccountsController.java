package dev.ledger.api.ledger;

import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.Paging;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountCommands.UnfreezeAccount;
import dev.ledger.core.account.AccountState;
import dev.ledger.core.shared.AccountAddress;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.AssetCode;
import dev.ledger.core.shared.TenantId;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Accounts: open, read, list, statement, balance in the past, freeze. */
@RestController
@RequestMapping("/v1/accounts")
public class AccountsController {
  private static final Set<String> OPEN_FIELDS = Set.of("id", "asset", "flags", "metadata");

  private final LedgerCommands commands;
  private final LedgerQueries queries;
  private final Positions positions;
  private final Paging paging;
  private final Assets assets;
  private final BalanceHistory history;

  public AccountsController(
      LedgerCommands commands,
      LedgerQueries queries,
      Positions positions,
      Paging paging,
      Assets assets,
      BalanceHistory history) {
    this.commands = commands;
    this.queries = queries;
    this.positions = positions;
    this.paging = paging;
    this.assets = assets;
    this.history = history;
  }

  @PostMapping
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> open(HttpServletRequest request) {
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(OPEN_FIELDS);
    String id = body.requiredAddress("id");
    String asset = body.requiredString("asset", 16);
    if (asset != null && !(AssetCode.isValid(asset) && assets.isKnown(asset))) {
      body.problem("asset", "is not a known asset");
    }
    boolean allowNegative = false;
    var flags = body.optionalObject("flags");
    if (flags != null) {
      JsonRequest flagsBody = body.nested(flags, "flags").allowOnly(Set.of("allowNegative"));
      allowNegative = Boolean.TRUE.equals(flagsBody.optionalBoolean("allowNegative"));
    }
    Map<String, String> metadata = body.optionalMetadata("metadata");
    body.throwIfInvalid();
    AccountState state =
        commands.send(new OpenAccount(accountId(id), asset, allowNegative, metadata));
    return ResponseEntity.status(state.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(
            Views.account(
                state, positions.answered(java.util.List.of(state.lastEvent()), state.created())));
  }

  @GetMapping("/{id}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String id, @RequestParam(required = false) String minPosition) {
    long position =
        positions.await(BalanceProjection.NAME, Positions.parseMinPosition(minPosition));
    var row =
        queries
            .account(tenant(), address(id))
            .orElseThrow(() -> ApiException.notFound("account_not_found", "no account " + id));
    return Views.account(row, position);
  }

  @GetMapping
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> list(
      @RequestParam(required = false) String prefix,
      @RequestParam(required = false) String asset,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String minPosition) {
    if (prefix != null
        && (prefix.length() > AccountAddress.MAX_LENGTH || !prefix.matches("[a-zA-Z0-9_:-]*"))) {
      throw ApiException.invalid("prefix", "must be the start of an account address");
    }
    if (asset != null && !AssetCode.isValid(asset)) {
      throw ApiException.invalid("asset", "is not an asset code");
    }
    int size = paging.limit(limit);
    Paging.checkCursor(cursor);
    long position =
        positions.await(BalanceProjection.NAME, Positions.parseMinPosition(minPosition));
    var page = queries.accounts(tenant(), prefix, asset, size, cursor);
    return Views.page(
        page.data().stream().map(r -> Views.account(r, r.lastPosition())).toList(),
        page.nextCursor(),
        position);
  }

  @GetMapping("/{id}/entries")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> entries(
      @PathVariable String id,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String minPosition) {
    int size = paging.limit(limit);
    Paging.checkCursor(cursor);
    long position =
        positions.await(BalanceProjection.NAME, Positions.parseMinPosition(minPosition));
    String address = address(id);
    if (queries.account(tenant(), address).isEmpty()) {
      throw ApiException.notFound("account_not_found", "no account " + id);
    }
    var page = queries.entries(tenant(), address, size, cursor);
    return Views.page(page.data().stream().map(Views::entry).toList(), page.nextCursor(), position);
  }

  /** The balance at a past time or position, computed from the event history, not the cache. */
  @GetMapping("/{id}/balance")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> balance(
      @PathVariable String id,
      @RequestParam(required = false) String asOf,
      @RequestParam(required = false) String atPosition) {
    if (asOf != null && atPosition != null) {
      throw ApiException.invalid("asOf", "give asOf or atPosition, not both");
    }
    Instant at = null;
    if (asOf != null) {
      try {
        at = Instant.parse(asOf);
      } catch (DateTimeParseException e) {
        throw ApiException.invalid(
            "asOf", "must be an ISO-8601 UTC time such as 2026-11-21T12:00:00Z");
      }
    }
    Long position = null;
    if (atPosition != null) {
      try {
        position = Long.parseLong(atPosition);
      } catch (NumberFormatException e) {
        throw ApiException.invalid("atPosition", "must be a non-negative integer");
      }
      if (position < 0) {
        throw ApiException.invalid("atPosition", "must be a non-negative integer");
      }
    }
    var found =
        history
            .balance(accountId(id), position, at)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "account_not_found", "account " + id + " did not exist then"));
    Map<String, Object> view = new LinkedHashMap<>(Views.balance(found.balance()));
    view.put("asOf", Views.time(at != null ? at : found.lastEventAt()));
    view.put("position", found.position());
    return view;
  }

  @PostMapping("/{id}/freeze")
  @RequiresScope(Scope.ADMIN)
  Map<String, Object> freeze(@PathVariable String id, HttpServletRequest request) {
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), true).allowOnly(Set.of("reason"));
    String reason = body.optionalString("reason", 256);
    body.throwIfInvalid();
    AccountState state = commands.send(new FreezeAccount(accountId(id), reason));
    return Views.account(state, positions.of(java.util.List.of(state.lastEvent())));
  }

  @PostMapping("/{id}/unfreeze")
  @RequiresScope(Scope.ADMIN)
  Map<String, Object> unfreeze(@PathVariable String id, HttpServletRequest request) {
    JsonRequest.parse(BodyFilter.of(request), true).allowOnly(Set.of()).throwIfInvalid();
    AccountState state = commands.send(new UnfreezeAccount(accountId(id)));
    return Views.account(state, positions.of(java.util.List.of(state.lastEvent())));
  }

  private static String tenant() {
    return RequestContext.current().tenant();
  }

  private static String address(String id) {
    if (!AccountAddress.isValid(id)) {
      throw ApiException.invalid(
          "id", "must be an account address: segments of [a-zA-Z0-9_-]{1,64} joined by ':'");
    }
    return id;
  }

  private static AccountId accountId(String id) {
    return new AccountId(new TenantId(tenant()), address(id));
  }
}
