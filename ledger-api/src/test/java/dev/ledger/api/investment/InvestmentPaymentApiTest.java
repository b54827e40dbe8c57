package dev.ledger.api.investment;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Payment → activation and points, exactly once: investments are activated only by a verified
 * Stripe payment, however often and in whatever order Stripe reports it, and the points award goes
 * with the activation.
 */
class InvestmentPaymentApiTest extends StripeApiTest {
  private static final long AMOUNT = 25_000;
  private static final long REWARD = 250;

  @Autowired JdbcTemplate jdbc;

  private record Created(String id, String paymentIntentId, String intentJson) {}

  private Created invest(String userId) {
    String id = UUID.randomUUID().toString();
    String pi = "pi_" + id.replace("-", "").substring(0, 20);
    String json =
        FakeStripe.paymentIntent(pi, "requires_payment_method", AMOUNT, 0, "usd", metadata(id));
    FakeStripe.onCreate(id, json);
    Http.Response created =
        api.post(
            "/v1/investments",
            Map.of(
                "id",
                id,
                "userId",
                userId,
                "amount",
                AMOUNT,
                "currency",
                "USD",
                "pointsReward",
                REWARD));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.body().get("status").asText()).isEqualTo("PENDING_PAYMENT");
    assertThat(created.body().get("payment").get("paymentIntentId").asText()).isEqualTo(pi);
    assertThat(created.body().get("payment").get("clientSecret").asText())
        .isEqualTo(pi + "_secret_test");
    return new Created(id, pi, json);
  }

  private Map<String, String> metadata(String referenceId) {
    return Map.of("order_type", "investment", "reference_id", referenceId, "tenant", tenant);
  }

  private String succeeded(String pi, String referenceId) {
    return FakeStripe.paymentIntent(pi, "succeeded", AMOUNT, AMOUNT, "usd", metadata(referenceId));
  }

  private JsonNode investment(String id) {
    return api.get("/v1/investments/" + id).body();
  }

  private void awaitStatus(String id, String status) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(investment(id).path("status").asText()).isEqualTo(status));
  }

  private long points(String userId) {
    return api.get("/v1/users/" + userId + "/wallet").body().get("points").get("balance").asLong();
  }

  private int awards(String userId) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM account_entry WHERE tenant_id = ? AND address = ? AND amount > 0",
        Integer.class,
        tenant,
        "user:" + userId + ":points");
  }

  @Test
  void theSameEventDeliveredFiveTimesActivatesOnceAndAwardsOnce() {
    Created investment = invest("alice");
    String event =
        FakeStripe.event(
            "evt_" + investment.id().substring(0, 8),
            "payment_intent.succeeded",
            succeeded(investment.paymentIntentId(), investment.id()),
            null);
    for (int i = 0; i < 5; i++) {
      Http.Response response = deliver(event);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body().get("duplicate").asBoolean()).isEqualTo(i > 0);
    }
    awaitStatus(investment.id(), "ACTIVE");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(points("alice")).isEqualTo(REWARD));
    assertThat(awards("alice")).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                "SELECT deliveries FROM stripe_webhook_event WHERE event_id = ?",
                Integer.class,
                "evt_" + investment.id().substring(0, 8)))
        .isEqualTo(5);
    JsonNode transitions = investment(investment.id()).get("transitions");
    assertThat(transitions).hasSize(2);
    assertThat(transitions.get(1).get("status").asText()).isEqualTo("ACTIVE");
  }

  @Test
  void twoDifferentEventsAboutOnePaymentAwardOnce() {
    Created investment = invest("bob");
    String object = succeeded(investment.paymentIntentId(), investment.id());
    assertThat(
            deliver(
                    FakeStripe.event(
                        "evt_a_" + investment.id(), "payment_intent.succeeded", object, null))
                .status())
        .isEqualTo(200);
    assertThat(
            deliver(
                    FakeStripe.event(
                        "evt_b_" + investment.id(), "payment_intent.succeeded", object, null))
                .status())
        .isEqualTo(200);
    awaitStatus(investment.id(), "ACTIVE");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForList(
                            "SELECT status FROM stripe_webhook_event WHERE event_id LIKE ?",
                            String.class,
                            "evt_%_" + investment.id()))
                    .containsOnly("PROCESSED"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(points("bob")).isEqualTo(REWARD));
    assertThat(awards("bob")).isEqualTo(1);
  }

  @Test
  void aPaymentReportedBeforeTheInvestmentExistsStillActivatesItOnce() {
    String id = UUID.randomUUID().toString();
    String pi = "pi_early" + id.replace("-", "").substring(0, 16);
    // Stripe's report arrives first: the inbox keeps it and tries again while the investment may
    // still be committing
    assertThat(
            deliver(
                    FakeStripe.event(
                        "evt_early_" + id, "payment_intent.succeeded", succeeded(pi, id), null))
                .status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "SELECT status FROM stripe_webhook_event WHERE event_id = ?",
                            String.class,
                            "evt_early_" + id))
                    .isEqualTo("RETRYING"));
    FakeStripe.onCreate(
        id,
        FakeStripe.paymentIntent(pi, "requires_payment_method", AMOUNT, 0, "usd", metadata(id)));
    Http.Response created =
        api.post(
            "/v1/investments",
            Map.of(
                "id",
                id,
                "userId",
                "carol",
                "amount",
                AMOUNT,
                "currency",
                "USD",
                "pointsReward",
                REWARD));
    assertThat(created.status()).isEqualTo(201);
    awaitStatus(id, "ACTIVE");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(points("carol")).isEqualTo(REWARD));
    assertThat(awards("carol")).isEqualTo(1);
  }

  @Test
  void aFailedPaymentFailsTheInvestmentAndAFullRefundReversesTheAward() {
    Created failed = invest("dave");
    String failure =
        FakeStripe.paymentIntent(
            failed.paymentIntentId(),
            "requires_payment_method",
            AMOUNT,
            0,
            "usd",
            metadata(failed.id()));
    deliver(
        FakeStripe.event(
            "evt_fail_" + failed.id(), "payment_intent.payment_failed", failure, null));
    awaitStatus(failed.id(), "FAILED");

    Created paid = invest("erin");
    deliver(
        FakeStripe.event(
            "evt_paid_" + paid.id(),
            "payment_intent.succeeded",
            succeeded(paid.paymentIntentId(), paid.id()),
            null));
    awaitStatus(paid.id(), "ACTIVE");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(points("erin")).isEqualTo(REWARD));
    String chargeId = "ch_" + paid.paymentIntentId().substring(3);
    String charge =
        """
        {"id":"%s","object":"charge","amount":%d,"amount_refunded":%d,"currency":"usd","refunded":true,"payment_intent":"%s","metadata":{}}"""
            .formatted(chargeId, AMOUNT, AMOUNT, paid.paymentIntentId());
    FakeStripe.onRetrieve(paid.paymentIntentId(), succeeded(paid.paymentIntentId(), paid.id()));
    deliver(FakeStripe.event("evt_refund_" + paid.id(), "charge.refunded", charge, null));
    awaitStatus(paid.id(), "REFUNDED");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(points("erin")).isZero());
  }

  @Test
  void anEventInAnotherApiVersionIsHandledByFetchingItsObject() {
    Created investment = invest("fay");
    FakeStripe.onRetrieve(
        investment.paymentIntentId(), succeeded(investment.paymentIntentId(), investment.id()));
    // an old API version the pinned SDK will not deserialize; its object here is even incomplete
    String object =
        "{\"id\":\"" + investment.paymentIntentId() + "\",\"object\":\"payment_intent\"}";
    deliver(
        FakeStripe.event(
            "evt_old_" + investment.id(), "payment_intent.succeeded", object, "2019-05-16"));
    awaitStatus(investment.id(), "ACTIVE");
    FakeStripe.server()
        .verify(
            com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlEqualTo("/v1/payment_intents/" + investment.paymentIntentId())));
  }

  @Test
  void anUnknownReferenceIsRecordedAsRejectedAndNeverApplied() {
    String stranger = UUID.randomUUID().toString();
    String object =
        FakeStripe.paymentIntent(
            "pi_stranger" + stranger.substring(0, 8),
            "succeeded",
            AMOUNT,
            AMOUNT,
            "usd",
            Map.of("order_type", "investment", "reference_id", "not-a-uuid", "tenant", tenant));
    deliver(FakeStripe.event("evt_bad_ref_" + stranger, "payment_intent.succeeded", object, null));
    String unknownType =
        FakeStripe.paymentIntent(
            "pi_type" + stranger.substring(0, 8),
            "succeeded",
            AMOUNT,
            AMOUNT,
            "usd",
            Map.of("order_type", "lottery", "reference_id", stranger, "tenant", tenant));
    deliver(
        FakeStripe.event(
            "evt_bad_type_" + stranger, "payment_intent.succeeded", unknownType, null));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Http.Response rejected =
                  admin.get("/v1/admin/webhook-events?status=rejected&limit=500");
              assertThat(rejected.body().get("data").findValuesAsText("eventId"))
                  .contains("evt_bad_ref_" + stranger, "evt_bad_type_" + stranger);
            });
    assertThat(
            jdbc.queryForObject(
                "SELECT rejection_reason FROM stripe_webhook_event WHERE event_id = ?",
                String.class,
                "evt_bad_ref_" + stranger))
        .contains("reference_id");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
                Integer.class,
                "stripe/payment/pi_stranger%"))
        .isZero();
  }

  @Test
  void stripeFailingOnceIsRetriedWithTheSameIdempotencyKey() {
    String id = UUID.randomUUID().toString();
    String pi = "pi_flaky" + id.replace("-", "").substring(0, 16);
    FakeStripe.onCreateFailingOnce(
        id,
        FakeStripe.paymentIntent(pi, "requires_payment_method", AMOUNT, 0, "usd", metadata(id)));
    Http.Response created =
        api.post(
            "/v1/investments",
            Map.of(
                "id",
                id,
                "userId",
                "gus",
                "amount",
                AMOUNT,
                "currency",
                "USD",
                "pointsReward",
                REWARD));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    List<LoggedRequest> calls =
        FakeStripe.server()
            .findAll(
                postRequestedFor(urlEqualTo("/v1/payment_intents"))
                    .withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing(id)));
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).getHeader("Idempotency-Key"))
        .isEqualTo(calls.get(1).getHeader("Idempotency-Key"))
        .isEqualTo("ledger:" + tenant + ":investment:" + id + ":create-payment-intent");
    FakeStripe.onRetrieve(
        pi,
        FakeStripe.paymentIntent(pi, "requires_payment_method", AMOUNT, 0, "usd", metadata(id)));
    Http.Response again =
        api.post(
            "/v1/investments",
            Map.of(
                "id",
                id,
                "userId",
                "gus",
                "amount",
                AMOUNT,
                "currency",
                "USD",
                "pointsReward",
                REWARD));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().get("payment").get("paymentIntentId").asText()).isEqualTo(pi);
    Http.Response conflict =
        api.post(
            "/v1/investments",
            Map.of(
                "id",
                id,
                "userId",
                "gus",
                "amount",
                AMOUNT + 1,
                "currency",
                "USD",
                "pointsReward",
                REWARD));
    assertThat(conflict.code()).isEqualTo("id_conflict");
  }

  @Test
  void forgedStaleAndFutureSignaturesAreRefusedAndNothingIsStored() {
    String payload =
        FakeStripe.event(
            "evt_forged_" + tenant,
            "payment_intent.succeeded",
            "{\"id\":\"pi_x\",\"object\":\"payment_intent\"}",
            null);
    Http anonymous = new Http(port, null);
    Http.Response forged =
        anonymous
            .with("Stripe-Signature", "t=" + FakeStripe.now() + ",v1=" + "0".repeat(64))
            .postRaw("/v1/webhooks/stripe", payload, "application/json");
    assertThat(forged.status()).isEqualTo(400);
    assertThat(forged.code()).isEqualTo("signature_invalid");
    Http.Response stale =
        anonymous
            .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now() - 301))
            .postRaw("/v1/webhooks/stripe", payload, "application/json");
    assertThat(stale.code()).isEqualTo("signature_invalid");
    Http.Response future =
        anonymous
            .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now() + 301))
            .postRaw("/v1/webhooks/stripe", payload, "application/json");
    assertThat(future.code()).isEqualTo("signature_invalid");
    Http.Response missing = anonymous.postRaw("/v1/webhooks/stripe", payload, "application/json");
    assertThat(missing.code()).isEqualTo("signature_missing");
    Http.Response tampered =
        anonymous
            .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now()))
            .postRaw("/v1/webhooks/stripe", payload.replace("pi_x", "pi_y"), "application/json");
    assertThat(tampered.code()).isEqualTo("signature_invalid");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM stripe_webhook_event WHERE event_id = ?",
                Integer.class,
                "evt_forged_" + tenant))
        .isZero();
  }
}
