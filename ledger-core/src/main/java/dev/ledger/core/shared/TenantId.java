package dev.ledger.core.shared;

import java.util.regex.Pattern;

/** The tenant that owns a resource. Every aggregate identifier starts with it. */
public record TenantId(String value) {
  private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public TenantId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("tenant id must match " + FORMAT.pattern());
    }
  }

  public static boolean isValid(String value) {
    return value != null && FORMAT.matcher(value).matches();
  }

  @Override
  public String toString() {
    return value;
  }
}
