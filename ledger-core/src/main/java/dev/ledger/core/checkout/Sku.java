package dev.ledger.core.checkout;

import dev.ledger.core.shared.TenantId;
import java.util.regex.Pattern;

/** A product's stock-keeping unit within a tenant: 1–64 characters of {@code [A-Za-z0-9_.-]}. */
public record Sku(TenantId tenant, String value) implements Comparable<Sku> {
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  public Sku {
    if (tenant == null || !isValid(value)) {
      throw new IllegalArgumentException("ill-formed sku");
    }
  }

  public static boolean isValid(String value) {
    return value != null && FORMAT.matcher(value).matches();
  }

  public static Sku of(String tenant, String value) {
    return new Sku(new TenantId(tenant), value);
  }

  @Override
  public int compareTo(Sku other) {
    return toString().compareTo(other.toString());
  }

  /** The aggregate identifier: {@code tenant/product/sku}. */
  @Override
  public String toString() {
    return tenant.value() + "/product/" + value;
  }
}
