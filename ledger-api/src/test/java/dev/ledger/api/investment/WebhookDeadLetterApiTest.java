package dev.ledger.api.investment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A webhook whose processing keeps failing is retried with backoff, parked as a dead letter after
 * the last attempt, shown to the operator, and processed again when the operator retries it.
 */
class WebhookDeadLetterApiTest extends StripeApiTest {
  @Autowired JdbcTemplate jdbc;

  @Test
  void aWebhookThatKeepsFailingBecomesADeadLetterAndCanBeRetried() {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String pi = "pi_dead" + suffix;
    String eventId = "evt_dead_" + suffix;
    FakeStripe.server()
        .stubFor(
            get(urlPathEqualTo("/v1/payment_intents/" + pi))
                .willReturn(
                    aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"down\"}}")));
    String charge =
        """
        {"id":"ch_%s","object":"charge","amount":100,"amount_refunded":100,"currency":"usd","refunded":true,"payment_intent":"%s","metadata":{}}"""
            .formatted(suffix, pi);
    assertThat(deliver(FakeStripe.event(eventId, "charge.refunded", charge, null)).status())
        .isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "SELECT status FROM stripe_webhook_event WHERE event_id = ?",
                            String.class,
                            eventId))
                    .isEqualTo("DEAD"));
    assertThat(
            jdbc.queryForObject(
                "SELECT attempts FROM stripe_webhook_event WHERE event_id = ?",
                Integer.class,
                eventId))
        .isEqualTo(3);
    Http.Response letters = admin.get("/v1/admin/dead-letters");
    assertThat(letters.body().get("data").findValuesAsText("id")).contains("webhook:" + eventId);
    assertThat(api.get("/v1/admin/dead-letters").status()).isEqualTo(403);

    // Stripe answers again; the metadata points nowhere we know, so the retry ends in a rejection
    FakeStripe.onRetrieve(
        pi,
        FakeStripe.paymentIntent(
            pi,
            "succeeded",
            100,
            100,
            "usd",
            Map.of(
                "order_type",
                "investment",
                "reference_id",
                UUID.randomUUID().toString(),
                "tenant",
                "no-such-tenant")));
    Http.Response retried =
        admin.post("/v1/admin/dead-letters/webhook:" + eventId + "/retry", null);
    assertThat(retried.status()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "SELECT status FROM stripe_webhook_event WHERE event_id = ?",
                            String.class,
                            eventId))
                    .isEqualTo("REJECTED"));
    assertThat(
            admin
                .get("/v1/admin/webhook-events?status=rejected&limit=500")
                .body()
                .get("data")
                .findValuesAsText("eventId"))
        .contains(eventId);
  }
}
