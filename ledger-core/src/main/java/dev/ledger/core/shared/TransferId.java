package dev.ledger.core.shared;

/**
 * A transfer, identified by its tenant and its client- or server-chosen id. {@link #toString()} is
 * the aggregate identifier: {@code tenant/transfer/id}.
 */
public record TransferId(TenantId tenant, String id) {
  public TransferId {
    if (tenant == null) {
      throw new IllegalArgumentException("tenant is required");
    }
    if (!ResourceId.isValid(id)) {
      throw new IllegalArgumentException("ill-formed transfer id");
    }
  }

  public static TransferId of(String tenant, String id) {
    return new TransferId(new TenantId(tenant), id);
  }

  @Override
  public String toString() {
    return tenant.value() + "/transfer/" + id;
  }
}
