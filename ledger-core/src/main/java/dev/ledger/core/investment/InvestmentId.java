package dev.ledger.core.investment;

import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An investment: its tenant, the client's id, and the UUID that Stripe's metadata carries as {@code
 * reference_id} (the id itself when it is a UUID, else one derived from tenant and id). {@link
 * #toString()} is the aggregate identifier {@code tenant/investment/referenceId}, so a webhook
 * finds the investment from its metadata alone.
 */
public record InvestmentId(TenantId tenant, String id) {
  public InvestmentId {
    if (tenant == null || !ResourceId.isValid(id)) {
      throw new IllegalArgumentException("ill-formed investment id");
    }
  }

  public static InvestmentId of(String tenant, String id) {
    return new InvestmentId(new TenantId(tenant), id);
  }

  public String referenceId() {
    try {
      return UUID.fromString(id).toString().equals(id.toLowerCase()) ? id.toLowerCase() : derived();
    } catch (IllegalArgumentException notUuid) {
      return derived();
    }
  }

  private String derived() {
    return UUID.nameUUIDFromBytes(
            (tenant.value() + "/investment/" + id).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** The aggregate identifier of the investment a webhook's metadata points at. */
  public static String aggregateId(String tenant, String referenceId) {
    return tenant + "/investment/" + referenceId;
  }

  @Override
  public String toString() {
    return aggregateId(tenant.value(), referenceId());
  }
}
