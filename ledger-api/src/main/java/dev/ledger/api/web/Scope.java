package dev.ledger.api.web;

import java.util.Arrays;
import java.util.Optional;

/** What an API key may do. {@code admin} is the platform operator's scope: it spans tenants. */
public enum Scope {
  LEDGER_WRITE("ledger:write"),
  LEDGER_READ("ledger:read"),
  AUDIT_READ("audit:read"),
  ADMIN("admin");

  private final String value;

  Scope(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  public static Optional<Scope> parse(String value) {
    return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
  }
}
