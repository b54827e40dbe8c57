package dev.ledger.core.payment;

/**
 * Idempotency keys for calls to the payment provider: derived from the tenant, the resource and the
 * step, never random, so that re-running a step after a crash or during a replay sends the same key
 * and the provider answers with what it did the first time.
 */
public final class IdempotencyKeys {
  private IdempotencyKeys() {}

  public static String of(String tenant, String resourceType, String resourceId, String step) {
    return "ledger:" + tenant + ":" + resourceType + ":" + resourceId + ":" + step;
  }
}
