package dev.ledger.api.coins;

import dev.ledger.api.ledger.LedgerCommands;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.ledger.TransferRequests;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.coins.GiftCommands.SendGift;
import dev.ledger.core.coins.GiftEvents.GiftSent;
import dev.ledger.core.coins.GiftId;
import dev.ledger.core.coins.GiftResult;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.projections.coins.CoinProjection;
import dev.ledger.projections.coins.CoinQueries;
import jakarta.servlet.http.HttpServletRequest;
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

/**
 * Gifts: one command moves the sender's coins to the recipient's earnings and the platform's
 * revenue, or nothing ({@code 409 insufficient_funds}, {@code 409 account_frozen}).
 */
@RestController
public class GiftsController {
  private static final Set<String> FIELDS = Set.of("id", "senderId", "recipientId", "coins");

  private final LedgerCommands commands;
  private final Positions positions;
  private final CoinQueries queries;

  public GiftsController(LedgerCommands commands, Positions positions, CoinQueries queries) {
    this.commands = commands;
    this.positions = positions;
    this.queries = queries;
  }

  @PostMapping("/v1/gifts")
  @RequiresScope(Scope.LEDGER_WRITE)
  ResponseEntity<Object> send(HttpServletRequest request) {
    String tenant = RequestContext.current().tenant();
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(FIELDS);
    String id = body.optionalId("id");
    String senderId = body.requiredUserId("senderId");
    String recipientId = body.requiredUserId("recipientId");
    Long coins = body.requiredAmount("coins");
    if (senderId != null && senderId.equals(recipientId)) {
      body.problem("recipientId", "must differ from senderId: a user cannot gift to themselves");
    }
    body.throwIfInvalid();
    GiftId gift = GiftId.of(tenant, TransferRequests.resourceId(id, request, tenant));
    GiftResult result = commands.send(new SendGift(gift, senderId, recipientId, coins));
    Map<String, Object> view = view(result.gift());
    if (result.senderCoins() != null) {
      view.put("senderCoins", result.senderCoins());
    }
    view.put("position", positions.answered(result.events(), result.created()));
    return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK).body(view);
  }

  @GetMapping("/v1/gifts/{id}")
  @RequiresScope(Scope.LEDGER_READ)
  Map<String, Object> get(
      @PathVariable String id, @RequestParam(required = false) String minPosition) {
    if (!ResourceId.isValid(id)) {
      throw ApiException.invalid("id", "must be 1 to 128 characters of [A-Za-z0-9_:.-]");
    }
    long position = positions.await(CoinProjection.NAME, Positions.parseMinPosition(minPosition));
    var row =
        queries
            .gift(RequestContext.current().tenant(), id)
            .orElseThrow(() -> ApiException.notFound("gift_not_found", "no gift " + id));
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", row.id());
    view.put("senderId", row.senderId());
    view.put("recipientId", row.recipientId());
    view.put("coins", row.coins());
    view.put("fee", row.fee());
    view.put("earnings", row.earnings());
    view.put("feeRate", rate(row.feeBasisPoints()));
    view.put("sentAt", row.sentAt().toString());
    view.put("position", Math.max(position, row.position()));
    return view;
  }

  private static Map<String, Object> view(GiftSent gift) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", gift.giftId().id());
    view.put("senderId", gift.senderId());
    view.put("recipientId", gift.recipientId());
    view.put("coins", gift.coins());
    view.put("fee", gift.fee());
    view.put("earnings", gift.earnings());
    view.put("feeRate", rate(gift.feeBasisPoints()));
    view.put("sentAt", gift.sentAt().toString());
    return view;
  }

  /** A rate in basis points as the decimal string it was configured as: 3000 is "0.3". */
  private static String rate(long basisPoints) {
    return java.math.BigDecimal.valueOf(basisPoints, 4).stripTrailingZeros().toPlainString();
  }
}
