package dev.ledger.api.stripe;

import dev.ledger.api.config.LedgerProperties;

/**
 * Whether Stripe is configured (a secret key is set). Callers that can tell before calling the
 * gateway ask this bean: a controller answers {@code 503 unavailable} before recording an order
 * that could never be paid, health and start-up logs report it. The gateway itself gives the same
 * answer by failing {@code UNAVAILABLE}, so this is a convenience, never the only guard.
 */
public record StripeAvailability(boolean configured) {
  public static StripeAvailability of(LedgerProperties.Stripe stripe) {
    return new StripeAvailability(stripe.secretKey() != null);
  }
}
