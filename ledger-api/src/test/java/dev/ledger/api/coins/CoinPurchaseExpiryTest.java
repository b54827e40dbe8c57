package dev.ledger.api.coins;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import dev.ledger.api.support.TestDatabases;
import dev.ledger.core.coins.CoinPurchaseId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A coin purchase waits for its payment only until its deadline, which is persisted: unpaid past
 * it, its PaymentIntent is canceled at Stripe under a key derived from the purchase and it is
 * {@code EXPIRED}, with no coins, also when the engine was stopped before the deadline and started
 * after it; a payment that raced with the expiry still confirms it and credits the coins.
 */
class CoinPurchaseExpiryTest {
  private static final String TENANT = "default";
  private static final String TIMEOUT = "3s";
  private static final long PRICE = 999;

  private static Engine engine;

  private static Map<String, String> settings(String database) {
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(database));
    settings.putAll(StripeApiTest.stripeSettings());
    settings.put("ledger.coins.payment-timeout", TIMEOUT);
    return settings;
  }

  @BeforeAll
  static void start() {
    engine = Engine.start(settings(TestDatabases.newDatabase()));
  }

  @AfterAll
  static void stop() {
    if (engine != null) {
      engine.close();
    }
  }

  private record Purchase(String id, String referenceId, String paymentIntentId) {}

  private static Map<String, String> metadata(Purchase purchase) {
    return Map.of(
        "order_type",
        "coin_purchase",
        "reference_id",
        purchase.referenceId(),
        "tenant",
        TENANT,
        "coin_purchase_id",
        purchase.id());
  }

  private static Purchase buy(Http api, String id, String userId) {
    String pi = "pi_cexp" + UUID.randomUUID().toString().replace("-", "").substring(0, 18);
    Purchase purchase = new Purchase(id, CoinPurchaseId.of(TENANT, id).referenceId(), pi);
    FakeStripe.onCreate(
        purchase.referenceId(),
        FakeStripe.paymentIntent(
            pi, "requires_payment_method", PRICE, 0, "usd", metadata(purchase)));
    FakeStripe.onCancel(
        pi, FakeStripe.paymentIntent(pi, "canceled", PRICE, 0, "usd", metadata(purchase)));
    Http.Response created =
        api.post(
            "/v1/coins/purchases",
            Map.of(
                "id", id, "userId", userId, "coins", 100, "priceMinor", PRICE, "currency", "USD"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return purchase;
  }

  private static JsonNode awaitStatus(Http api, Purchase purchase, String status, Duration atMost) {
    JsonNode[] seen = new JsonNode[1];
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              seen[0] = api.get("/v1/coins/purchases/" + purchase.id()).body();
              assertThat(seen[0].path("status").asText()).isEqualTo(status);
            });
    return seen[0];
  }

  private static List<LoggedRequest> cancels(Purchase purchase) {
    return FakeStripe.server()
        .findAll(
            postRequestedFor(
                urlEqualTo("/v1/payment_intents/" + purchase.paymentIntentId() + "/cancel")));
  }

  private static void assertCanceledAtStripe(Purchase purchase) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !cancels(purchase).isEmpty());
    assertThat(cancels(purchase))
        .allSatisfy(
            call ->
                assertThat(call.getHeader("Idempotency-Key"))
                    .isEqualTo(
                        "ledger:"
                            + TENANT
                            + ":coin-purchase:"
                            + purchase.referenceId()
                            + ":cancel-payment-intent"));
  }

  private static void pay(Engine engine, Purchase purchase, String eventId) {
    String payload =
        FakeStripe.event(
            eventId,
            "payment_intent.succeeded",
            FakeStripe.paymentIntent(
                purchase.paymentIntentId(), "succeeded", PRICE, PRICE, "usd", metadata(purchase)),
            null);
    Http.Response delivered =
        new Http(engine.port(), null)
            .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now()))
            .postRaw("/v1/webhooks/stripe", payload, "application/json");
    assertThat(delivered.status()).as(delivered.toString()).isEqualTo(200);
  }

  @Test
  void anUnpaidPurchaseExpiresAtItsDeadlineAndALatePaymentStillCreditsItsCoins() {
    Http api = engine.admin();
    Purchase purchase = buy(api, "late-" + UUID.randomUUID(), "ivy");
    JsonNode pending = api.get("/v1/coins/purchases/" + purchase.id() + "?minPosition=1").body();
    Instant createdAt = Instant.parse(pending.get("createdAt").asText());
    Instant expiresAt = Instant.parse(pending.get("expiresAt").asText());
    assertThat(Duration.between(createdAt, expiresAt))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3));

    JsonNode expired = awaitStatus(api, purchase, "EXPIRED", Duration.ofSeconds(30));
    assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
    assertThat(expired.get("coinsCredited").asLong()).isZero();
    assertCanceledAtStripe(purchase);

    // the customer paid just as the deadline passed
    pay(engine, purchase, "evt_late_" + purchase.id());
    JsonNode confirmed = awaitStatus(api, purchase, "CONFIRMED", Duration.ofSeconds(20));
    assertThat(confirmed.get("coinsCredited").asLong()).isEqualTo(100);
    assertThat(
            api.get("/v1/users/ivy/wallet?minPosition=" + confirmed.get("position").asLong())
                .body()
                .get("coins")
                .get("balance")
                .asLong())
        .isEqualTo(100);
  }

  @Test
  void aPaidPurchaseIsLeftAloneByItsDeadline() throws Exception {
    Http api = engine.admin();
    Purchase purchase = buy(api, UUID.randomUUID().toString(), "jay");
    pay(engine, purchase, "evt_paid_" + purchase.id());
    JsonNode confirmed = awaitStatus(api, purchase, "CONFIRMED", Duration.ofSeconds(20));
    Instant expiresAt = Instant.parse(confirmed.get("expiresAt").asText());

    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 3_000);

    assertThat(api.get("/v1/coins/purchases/" + purchase.id()).body().get("status").asText())
        .isEqualTo("CONFIRMED");
    assertThat(cancels(purchase)).isEmpty();
  }

  @Test
  void aDeadlinePendingAcrossARestartStillFires() throws Exception {
    String database = TestDatabases.newDatabase();
    Purchase purchase;
    try (Engine first = Engine.start(settings(database))) {
      purchase = buy(first.admin(), UUID.randomUUID().toString(), "kai");
    } // stopped before the deadline
    assertThat(cancels(purchase)).isEmpty();
    Thread.sleep(3_000);

    try (Engine second = Engine.start(settings(database))) {
      Http api = second.admin();
      awaitStatus(api, purchase, "EXPIRED", Duration.ofSeconds(40));
      assertCanceledAtStripe(purchase);
      assertThat(
              second
                  .bean(JdbcTemplate.class)
                  .queryForObject(
                      "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?"
                          + " AND payload_type LIKE '%$CoinPurchaseExpired'",
                      Integer.class, CoinPurchaseId.aggregateId(TENANT, purchase.referenceId())))
          .isEqualTo(1);
    }
  }
}
