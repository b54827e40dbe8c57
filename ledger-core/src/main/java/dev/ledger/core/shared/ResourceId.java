package dev.ledger.core.shared;

import java.util.regex.Pattern;

/**
 * The client-chosen id of a value-moving resource (transfer, journal entry, ...): 1 to {@value
 * #MAX_LENGTH} characters of {@code [A-Za-z0-9_:.-]}.
 */
public final class ResourceId {
  public static final int MAX_LENGTH = 128;
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_:.-]{1,128}");

  private ResourceId() {}

  public static boolean isValid(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }
}
