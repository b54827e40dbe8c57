package dev.ledger.api.investment;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.api.support.Engine;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import dev.ledger.api.support.TestDatabases;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Restarts do not lose a payment or a deadline: a webhook that arrives after the engine restarted
 * between creating the PaymentIntent and the payment still activates the investment, and a payment
 * deadline pending across a restart still fires, cancels the PaymentIntent and expires it.
 */
class InvestmentRestartTest {
  private static final String TENANT = "default";

  private static Map<String, String> settings(String database, String paymentTimeout) {
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(database));
    settings.putAll(StripeApiTest.stripeSettings());
    settings.put("ledger.investments.payment-timeout", paymentTimeout);
    return settings;
  }

  private static Map<String, String> metadata(String id) {
    return Map.of("order_type", "investment", "reference_id", id, "tenant", TENANT);
  }

  private static Http.Response invest(Http api, String id, String pi) {
    FakeStripe.onCreate(
        id,
        FakeStripe.paymentIntent(pi, "requires_payment_method", 10_000, 0, "usd", metadata(id)));
    return api.post(
        "/v1/investments",
        Map.of("id", id, "userId", "u1", "amount", 10_000, "currency", "USD", "pointsReward", 100));
  }

  @Test
  void aPaymentAfterARestartStillActivates() {
    String database = TestDatabases.newDatabase();
    String id = UUID.randomUUID().toString();
    String pi = "pi_restart" + id.replace("-", "").substring(0, 14);
    try (Engine first = Engine.start(settings(database, "1h"))) {
      assertThat(invest(first.admin(), id, pi).status()).isEqualTo(201);
    }
    try (Engine second = Engine.start(settings(database, "1h"))) {
      Http api = second.admin();
      String payload =
          FakeStripe.event(
              "evt_restart_" + id,
              "payment_intent.succeeded",
              FakeStripe.paymentIntent(pi, "succeeded", 10_000, 10_000, "usd", metadata(id)),
              null);
      assertThat(
              new Http(second.port(), null)
                  .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now()))
                  .postRaw("/v1/webhooks/stripe", payload, "application/json")
                  .status())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(api.get("/v1/investments/" + id).body().path("status").asText())
                      .isEqualTo("ACTIVE"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          api.get("/v1/users/u1/wallet")
                              .body()
                              .get("points")
                              .get("balance")
                              .asLong())
                      .isEqualTo(100));
    }
  }

  @Test
  void aPaymentDeadlinePendingAcrossARestartStillFires() {
    String database = TestDatabases.newDatabase();
    String id = UUID.randomUUID().toString();
    String pi = "pi_deadline" + id.replace("-", "").substring(0, 13);
    FakeStripe.onCancel(
        pi, FakeStripe.paymentIntent(pi, "canceled", 10_000, 0, "usd", metadata(id)));
    try (Engine first = Engine.start(settings(database, "4s"))) {
      assertThat(invest(first.admin(), id, pi).status()).isEqualTo(201);
    } // stopped before the deadline
    try (Engine second = Engine.start(settings(database, "4s"))) {
      Http api = second.admin();
      await()
          .atMost(Duration.ofSeconds(40))
          .untilAsserted(
              () ->
                  assertThat(api.get("/v1/investments/" + id).body().path("status").asText())
                      .isEqualTo("EXPIRED"));
      var cancels =
          FakeStripe.server()
              .findAll(postRequestedFor(urlEqualTo("/v1/payment_intents/" + pi + "/cancel")));
      assertThat(cancels).isNotEmpty();
      assertThat(cancels.get(0).getHeader("Idempotency-Key"))
          .isEqualTo("ledger:default:investment:" + id + ":cancel-payment-intent");
      assertThat(api.get("/v1/users/u1/wallet").body().get("points").get("balance").asLong())
          .isZero();
    }
  }
}
