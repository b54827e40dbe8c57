package dev.ledger.api.points;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Without Stripe settings the engine refuses what needs Stripe with {@code 503 unavailable} and
 * records nothing: no investment without a secret key, no stored webhook without a webhook secret.
 * The shared test engine has neither setting.
 */
class StripeUnconfiguredApiTest extends ApiTest {
  private static final Map<String, Object> INVESTMENT =
      Map.of("userId", "alice", "amount", 10_000, "currency", "USD", "pointsReward", 500);

  @Autowired JdbcTemplate jdbc;

  @Test
  void anInvestmentWithoutAStripeKeyIsUnavailableAndNothingIsRecorded() {
    Map<String, Object> body = new java.util.HashMap<>(INVESTMENT);
    body.put("id", "inv-1");

    Http.Response refused = api.post("/v1/investments", body);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
    assertThat(refused.code()).isEqualTo("unavailable");
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.header("Retry-After")).isNotBlank();
    assertThat(eventsOfTenant()).isZero();
    Http.Response read = api.get("/v1/investments/inv-1");
    assertThat(read.status()).as(read.toString()).isEqualTo(404);
    assertThat(read.code()).isEqualTo("investment_not_found");

    // a retry meets the same refusal, not a half-made investment
    Http.Response retried = api.post("/v1/investments", body);
    assertThat(retried.status()).as(retried.toString()).isEqualTo(503);
    assertThat(retried.code()).isEqualTo("unavailable");
    assertThat(eventsOfTenant()).isZero();
  }

  @Test
  void anEscrowWithoutAStripeKeyIsUnavailableAndNothingIsRecorded() {
    Map<String, Object> body =
        Map.of(
            "id", "esc-1",
            "payerId", "alice",
            "payeeStripeAccount", "acct_1X",
            "amount", 5_000,
            "currency", "USD",
            "platformFee", 100);

    Http.Response refused = api.post("/v1/escrows", body);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
    assertThat(refused.code()).isEqualTo("unavailable");
    assertThat(eventsOfTenant()).isZero();
    assertThat(api.get("/v1/escrows/esc-1").code()).isEqualTo("escrow_not_found");
  }

  @Test
  void anUnavailableAnswerIsNotStoredUnderItsIdempotencyKey() {
    Http keyed = api.with("Idempotency-Key", "invest-alice-1");

    Http.Response first = keyed.post("/v1/investments", INVESTMENT);
    Http.Response second = keyed.post("/v1/investments", INVESTMENT);

    assertThat(first.status()).as(first.toString()).isEqualTo(503);
    assertThat(first.code()).isEqualTo("unavailable");
    assertThat(second.status()).as(second.toString()).isEqualTo(503);
    assertThat(second.header("Idempotent-Replayed")).isNull();
    assertThat(eventsOfTenant()).isZero();
  }

  @Test
  void aWebhookWithoutAWebhookSecretIsUnavailableAndNotStored() {
    String id = "evt_unconfigured_" + tenant;
    String event =
        "{\"id\":\""
            + id
            + "\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\","
            + "\"data\":{\"object\":{\"id\":\"pi_1\",\"object\":\"payment_intent\"}}}";
    Http stripe =
        new Http(port, null)
            .with(
                "Stripe-Signature",
                NewEndpointsBadInputApiTest.sign(
                    event, Instant.now().getEpochSecond(), "whsec_any_secret"));

    Http.Response refused = stripe.postRaw("/v1/webhooks/stripe", event, "application/json");
    Http.Response unsigned =
        new Http(port, null).postRaw("/v1/webhooks/stripe", event, "application/json");
    Http.Response malformed = stripe.postRaw("/v1/webhooks/stripe", "{\"id\":", "application/json");

    for (Http.Response response : java.util.List.of(refused, unsigned, malformed)) {
      assertThat(response.status()).as(response.toString()).isEqualTo(503);
      assertThat(response.code()).isEqualTo("unavailable");
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM stripe_webhook_event WHERE event_id = ?", Integer.class, id))
        .isZero();
    Http.Response listed = admin.get("/v1/admin/webhook-events?limit=500");
    assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
    assertThat(listed.body().get("data").findValuesAsText("eventId")).doesNotContain(id);
  }

  private int eventsOfTenant() {
    Integer events =
        jdbc.queryForObject(
            "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
            Integer.class,
            tenant + "/%");
    return events == null ? 0 : events;
  }
}
