package dev.ledger.core.escrow;

import java.time.Duration;

/**
 * How the escrow saga retries a Stripe step (capture, transfer to the payee) that failed: after
 * {@code backoffBase}, doubling up to {@code backoffMax}, at most {@code attemptsMax} attempts in
 * all; then the escrow goes to manual review with the last error. {@code holdFallback} is how long
 * a hold lasts when Stripe does not say ({@code capture_before} missing).
 */
public record EscrowPolicy(
    Duration backoffBase, Duration backoffMax, int attemptsMax, Duration holdFallback) {
  public EscrowPolicy {
    if (holdFallback == null || holdFallback.isNegative() || holdFallback.isZero()) {
      throw new IllegalArgumentException("holdFallback must be positive");
    }
    if (backoffBase == null || backoffBase.isNegative() || backoffBase.isZero()) {
      throw new IllegalArgumentException("backoffBase must be positive");
    }
    if (backoffMax == null || backoffMax.compareTo(backoffBase) < 0) {
      throw new IllegalArgumentException("backoffMax must be at least backoffBase");
    }
    if (attemptsMax < 1) {
      throw new IllegalArgumentException("attemptsMax must be at least 1");
    }
  }

  public static EscrowPolicy defaults() {
    return new EscrowPolicy(Duration.ofSeconds(30), Duration.ofHours(1), 5, Duration.ofDays(6));
  }

  /** The wait after the {@code failed}-th failed attempt (1-based): base × 2^(failed−1), capped. */
  public Duration backoff(int failed) {
    int doublings = Math.min(Math.max(failed - 1, 0), 30);
    Duration delay = backoffBase.multipliedBy(1L << doublings);
    return delay.compareTo(backoffMax) > 0 ? backoffMax : delay;
  }

  /** Whether another attempt is allowed after {@code failed} failed ones. */
  public boolean mayRetry(int failed) {
    return failed < attemptsMax;
  }
}
