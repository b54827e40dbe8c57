package dev.ledger.core.shared;

/** Checks for conditions that can only fail through a programming error. */
public final class Invariants {
  private Invariants() {}

  public static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("invariant broken: " + message);
    }
  }
}
