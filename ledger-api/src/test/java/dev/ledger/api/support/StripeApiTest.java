package dev.ledger.api.support;

import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests of the Stripe integration: the engine as {@link ApiTest} has it, with Stripe
 * configured against {@link FakeStripe}, a fast inbox, and short payment timeouts.
 */
public abstract class StripeApiTest extends ApiTest {
  @DynamicPropertySource
  static void stripe(DynamicPropertyRegistry registry) {
    registry.add(ApiTest.OWN_DATABASE, TestDatabases::stripeDatabase);
    stripeSettings().forEach((key, value) -> registry.add(key, () -> value));
  }

  /** The settings of an engine that talks to the fake Stripe. */
  public static Map<String, String> stripeSettings() {
    return Map.of(
        "ledger.stripe.secret-key", FakeStripe.SECRET_KEY,
        "ledger.stripe.webhook-secret", FakeStripe.WEBHOOK_SECRET,
        "ledger.stripe.api-base", FakeStripe.apiBase(),
        "ledger.stripe.inbox-poll-interval", "50ms",
        "ledger.stripe.inbox-backoff-base", "200ms",
        "ledger.stripe.inbox-backoff-max", "1s",
        "ledger.stripe.inbox-attempts-max", "3",
        "ledger.stripe.reference-grace", "20s",
        "ledger.investments.payment-timeout", "1h");
  }

  /** Delivers a webhook as Stripe would: the raw body, signed now. */
  protected Http.Response deliver(String payload) {
    return new Http(port, null)
        .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now()))
        .postRaw("/v1/webhooks/stripe", payload, "application/json");
  }
}
