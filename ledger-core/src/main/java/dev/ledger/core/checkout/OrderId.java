package dev.ledger.core.checkout;

import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An order: tenant, the client's id, and the UUID Stripe's metadata carries as {@code reference_id}
 * (the id itself when it is a UUID). {@link #toString()} is the aggregate identifier {@code
 * tenant/order/referenceId}.
 */
public record OrderId(TenantId tenant, String id) {
  public OrderId {
    if (tenant == null || !ResourceId.isValid(id)) {
      throw new IllegalArgumentException("ill-formed order id");
    }
  }

  public static OrderId of(String tenant, String id) {
    return new OrderId(new TenantId(tenant), id);
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
            (tenant.value() + "/order/" + id).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  public static String aggregateId(String tenant, String referenceId) {
    return tenant + "/order/" + referenceId;
  }

  @Override
  public String toString() {
    return aggregateId(tenant.value(), referenceId());
  }
}
