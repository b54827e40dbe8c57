package dev.ledger.core.coins;

import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A gift, identified by its tenant and its client- or server-chosen id. {@link #toString()} is the
 * aggregate identifier {@code tenant/gift/id}. {@link #referenceId()} is a UUID (the id itself when
 * it is one) that names the gift's transfers, which must fit a transfer id's 128 characters.
 */
public record GiftId(TenantId tenant, String id) {
  public GiftId {
    if (tenant == null || !ResourceId.isValid(id)) {
      throw new IllegalArgumentException("ill-formed gift id");
    }
  }

  public static GiftId of(String tenant, String id) {
    return new GiftId(new TenantId(tenant), id);
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
    return UUID.nameUUIDFromBytes((tenant.value() + "/gift/" + id).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  @Override
  public String toString() {
    return tenant.value() + "/gift/" + id;
  }
}
