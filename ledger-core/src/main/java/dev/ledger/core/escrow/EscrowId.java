package dev.ledger.core.escrow;

import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An escrow: tenant, the client's id, and the UUID that Stripe's metadata carries as {@code
 * reference_id} (the id itself when it is a UUID, else one derived from tenant and id). The
 * reference id also names the escrow's ledger account ({@code escrow:{referenceId}}) and its Stripe
 * {@code transfer_group}. {@link #toString()} is the aggregate identifier {@code
 * tenant/escrow/referenceId}.
 */
public record EscrowId(TenantId tenant, String id) {
  public EscrowId {
    if (tenant == null || !ResourceId.isValid(id)) {
      throw new IllegalArgumentException("ill-formed escrow id");
    }
  }

  public static EscrowId of(String tenant, String id) {
    return new EscrowId(new TenantId(tenant), id);
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
            (tenant.value() + "/escrow/" + id).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  public static String aggregateId(String tenant, String referenceId) {
    return tenant + "/escrow/" + referenceId;
  }

  @Override
  public String toString() {
    return aggregateId(tenant.value(), referenceId());
  }
}
