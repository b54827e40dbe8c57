package dev.ledger.core.shared;

/**
 * An account, identified by its tenant and address. {@link #toString()} is the aggregate identifier
 * in the event store: {@code tenant/account/address}.
 */
public record AccountId(TenantId tenant, String address) implements Comparable<AccountId> {
  public AccountId {
    if (tenant == null) {
      throw new IllegalArgumentException("tenant is required");
    }
    if (!AccountAddress.isValid(address)) {
      throw new IllegalArgumentException("ill-formed account address");
    }
  }

  public static AccountId of(String tenant, String address) {
    return new AccountId(new TenantId(tenant), address);
  }

  @Override
  public int compareTo(AccountId other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return tenant.value() + "/account/" + address;
  }
}
