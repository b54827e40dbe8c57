package dev.ledger.api.ledger;

import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.IdempotencyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.AssetCode;
import dev.ledger.core.shared.Limits;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.transfer.TransferSpec;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Reads transfer bodies, shared by the single and the batch endpoint. */
@Component
public class TransferRequests {
  static final Set<String> FIELDS =
      Set.of(
          "id",
          "debitAccount",
          "creditAccount",
          "amount",
          "asset",
          "code",
          "reference",
          "metadata",
          "pending",
          "timeoutSeconds");

  private final Assets assets;

  public TransferRequests(Assets assets) {
    this.assets = assets;
  }

  /** A transfer body read into a spec; null fields mean the body had problems (see the request). */
  public record Parsed(String id, TransferSpec spec) {}

  public Parsed parse(JsonRequest body, TenantId tenant) {
    body.allowOnly(FIELDS);
    String id = body.optionalId("id");
    String debit = body.requiredAddress("debitAccount");
    String credit = body.requiredAddress("creditAccount");
    Long amount = body.requiredAmount("amount");
    String asset = asset(body, "asset");
    String code = body.optionalString("code", Limits.CODE_LENGTH_MAX);
    String reference = body.optionalString("reference", Limits.REFERENCE_LENGTH_MAX);
    Map<String, String> metadata = body.optionalMetadata("metadata");
    boolean pending = Boolean.TRUE.equals(body.optionalBoolean("pending"));
    Long timeout = body.optionalLong("timeoutSeconds");
    if (timeout != null && !pending) {
      body.problem("timeoutSeconds", "applies to pending transfers only");
    } else if (timeout != null && (timeout < 1 || timeout > Limits.PENDING_TIMEOUT_SECONDS_MAX)) {
      body.problem("timeoutSeconds", "must be from 1 to " + Limits.PENDING_TIMEOUT_SECONDS_MAX);
    }
    if (body.hasProblems()) {
      return new Parsed(id, null);
    }
    return new Parsed(
        id,
        new TransferSpec(
            new AccountId(tenant, debit),
            new AccountId(tenant, credit),
            amount,
            asset,
            code,
            reference,
            metadata,
            pending,
            timeout));
  }

  String asset(JsonRequest body, String field) {
    String asset = body.requiredString(field, 16);
    if (asset != null && !(AssetCode.isValid(asset) && assets.isKnown(asset))) {
      body.problem(field, "is not a known asset");
      return null;
    }
    return asset;
  }

  /**
   * The id of a value-moving resource: the client's, or one derived from its Idempotency-Key, so
   * that even a retry after a crash (when the stored response was lost) cannot move value twice.
   * Neither is {@code 400 idempotency_key_required}.
   */
  public static String resourceId(String clientId, HttpServletRequest request, String tenant) {
    if (clientId != null) {
      return clientId;
    }
    String key = IdempotencyFilter.keyOf(request);
    if (key == null) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          "idempotency_key_required",
          "a request that moves value needs a client id or an Idempotency-Key header");
    }
    return UUID.nameUUIDFromBytes(
            (tenant + "\n" + request.getRequestURI() + "\n" + key).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
