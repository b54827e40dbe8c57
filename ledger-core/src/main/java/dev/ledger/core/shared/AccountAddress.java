package dev.ledger.core.shared;

import java.util.regex.Pattern;

/**
 * An account's address inside a tenant: segments of {@code [a-zA-Z0-9_-]{1,64}} joined by {@code
 * :}, at most {@value #MAX_LENGTH} characters, e.g. {@code user:42:points}.
 */
public final class AccountAddress {
  public static final int MAX_LENGTH = 256;
  private static final Pattern FORMAT =
      Pattern.compile("[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_-]{1,64})*");

  private AccountAddress() {}

  public static boolean isValid(String address) {
    return address != null && address.length() <= MAX_LENGTH && FORMAT.matcher(address).matches();
  }
}
