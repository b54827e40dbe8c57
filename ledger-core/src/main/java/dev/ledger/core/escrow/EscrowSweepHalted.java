package dev.ledger.core.escrow;

import java.time.Instant;
import java.util.Map;

/**
 * The expiry sweep stopped at its circuit breaker: releasing more holds in this sweep would have
 * passed {@code maxReleases} or, in some currency, {@code maxAmount}. The holds left wait for the
 * next sweep; a burst of expiries (after an outage, say) is thereby spread out and visible, rather
 * than a stampede of cancellations. An engine event, not a tenant's: it names no tenant.
 *
 * @param released holds released by this sweep before it stopped
 * @param releasedAmounts per currency, the amounts of those holds
 * @param reason {@code max_releases} or {@code max_amount:{CURRENCY}}
 */
public record EscrowSweepHalted(
    String sweepId,
    String reason,
    int released,
    Map<String, Long> releasedAmounts,
    int maxReleases,
    long maxAmount,
    Instant at) {}
