package dev.ledger.core.coins;

import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A coin purchase: its tenant, the client's id, and the UUID that Stripe's metadata carries as
 * {@code reference_id} (the id itself when it is a UUID, else one derived from tenant and id).
 * {@link #toString()} is the aggregate identifier {@code tenant/coin-purchase/referenceId}, so a
 * webhook finds the purchase from its metadata alone.
 */
public record CoinPurchaseId(TenantId tenant, String id) {
  public CoinPurchaseId {
    if (tenant == null || !ResourceId.isValid(id)) {
      throw new IllegalArgumentException("ill-formed coin purchase id");
    }
  }

  public static CoinPurchaseId of(String tenant, String id) {
    return new CoinPurchaseId(new TenantId(tenant), id);
  }

  public String referenceId() {
    try {
      UUID uuid = UUID.fromString(id);
      if (uuid.toString().equalsIgnoreCase(id)) {
        return uuid.toString();
      }
    } catch (IllegalArgumentException notUuid) {
      // derived below
    }
    return UUID.nameUUIDFromBytes(
            (tenant.value() + "/coin-purchase/" + id).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** The aggregate identifier of the purchase a webhook's metadata points at. */
  public static String aggregateId(String tenant, String referenceId) {
    return tenant + "/coin-purchase/" + referenceId;
  }

  @Override
  public String toString() {
    return aggregateId(tenant.value(), referenceId());
  }
}
