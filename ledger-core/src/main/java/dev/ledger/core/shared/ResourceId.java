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

  /**
   * Ids the engine chooses for what it does by itself (an investment's points award, its reversal)
   * start with this; clients may not use it, so they can never take such an id first.
   */
  public static final String ENGINE_PREFIX = "engine:";

  /** An id the engine derives for its own resource, never one a client can choose. */
  public static String engine(String... parts) {
    return ENGINE_PREFIX + String.join(":", parts);
  }

  /** Whether a client may choose this id. */
  public static boolean isClientChoosable(String id) {
    return isValid(id) && !id.startsWith(ENGINE_PREFIX);
  }

  public static boolean isValid(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }
}
