package dev.ledger.core.shared;

/**
 * A journal entry, identified by its tenant and id. {@link #toString()} is the aggregate
 * identifier: {@code tenant/journal/id}.
 */
public record JournalEntryId(TenantId tenant, String id) {
  public JournalEntryId {
    if (tenant == null) {
      throw new IllegalArgumentException("tenant is required");
    }
    if (!ResourceId.isValid(id)) {
      throw new IllegalArgumentException("ill-formed journal entry id");
    }
  }

  public static JournalEntryId of(String tenant, String id) {
    return new JournalEntryId(new TenantId(tenant), id);
  }

  @Override
  public String toString() {
    return tenant.value() + "/journal/" + id;
  }
}
