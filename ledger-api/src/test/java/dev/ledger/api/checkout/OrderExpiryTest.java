package dev.ledger.api.checkout;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.ledger.api.checkout.Shop.cardOrder;
import static dev.ledger.api.checkout.Shop.item;
import static dev.ledger.api.checkout.Shop.stock;
import static dev.ledger.api.checkout.Shop.stocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import dev.ledger.api.support.TestDatabases;
import dev.ledger.core.checkout.OrderId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * A card order holds its stock only until its payment deadline, which is persisted: unpaid past it,
 * the order is {@code CANCELED}, its stock released and its PaymentIntent canceled at Stripe under
 * a key derived from the order, also when the engine was stopped before the deadline and started
 * again after it; a paid order is left alone by its deadline.
 */
class OrderExpiryTest {
  private static final String TENANT = "default";
  private static final String TIMEOUT = "3s";
  private static final long PRICE = 2_000;

  private static Engine engine;

  private static Map<String, String> settings(String database) {
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(database));
    settings.putAll(StripeApiTest.stripeSettings());
    settings.put("ledger.orders.payment-timeout", TIMEOUT);
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

  private record Card(
      String id, String referenceId, String paymentIntentId, long total, long position) {}

  private static Map<String, String> metadata(Card card) {
    return Map.of(
        "order_type",
        "order",
        "reference_id",
        card.referenceId(),
        "tenant",
        TENANT,
        "order_id",
        card.id());
  }

  /** Places a card order for {@code quantity} of {@code sku}, Stripe answering as it would. */
  private static Card place(Http api, String id, String sku, long quantity) {
    String pi = "pi_exp" + UUID.randomUUID().toString().replace("-", "").substring(0, 18);
    // the position is known once the order is placed
    Card card = new Card(id, OrderId.of(TENANT, id).referenceId(), pi, PRICE * quantity, 0);
    FakeStripe.onCreate(
        card.referenceId(),
        FakeStripe.paymentIntent(
            pi, "requires_payment_method", card.total(), 0, "usd", metadata(card)));
    FakeStripe.onCancel(
        pi, FakeStripe.paymentIntent(pi, "canceled", card.total(), 0, "usd", metadata(card)));
    Http.Response placed = cardOrder(api, id, "alice", item(sku, quantity));
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    assertThat(placed.body().get("status").asText()).isEqualTo("PENDING_PAYMENT");
    assertThat(placed.body().get("payment").get("paymentIntentId").asText()).isEqualTo(pi);
    return new Card(
        id, card.referenceId(), pi, card.total(), placed.body().get("position").asLong());
  }

  private static JsonNode awaitStatus(Http api, Card card, String status, Duration atMost) {
    JsonNode[] order = new JsonNode[1];
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              order[0] = api.get("/v1/orders/" + card.id()).body();
              assertThat(order[0].path("status").asText()).isEqualTo(status);
            });
    return order[0];
  }

  private static List<LoggedRequest> cancels(Card card) {
    return FakeStripe.server()
        .findAll(
            postRequestedFor(
                urlEqualTo("/v1/payment_intents/" + card.paymentIntentId() + "/cancel")));
  }

  private static void assertCanceledAtStripe(Card card) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !cancels(card).isEmpty());
    assertThat(cancels(card))
        .allSatisfy(
            call ->
                assertThat(call.getHeader("Idempotency-Key"))
                    .isEqualTo(
                        "ledger:"
                            + TENANT
                            + ":order:"
                            + card.referenceId()
                            + ":cancel-payment-intent"));
  }

  private static long head(JdbcTemplate jdbc) {
    Long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
    return head == null ? 0 : head;
  }

  @Test
  void anUnpaidOrderIsCanceledAtItsDeadlineItsStockReleasedAndItsPaymentIntentCanceled() {
    Http api = engine.admin();
    stocked(api, "lamp", null, PRICE, "USD", 5);
    Card byUuid = place(api, UUID.randomUUID().toString(), "lamp", 2);
    Card byName = place(api, "lamp-order-" + UUID.randomUUID(), "lamp", 1);
    assertThat(byName.referenceId()).isNotEqualTo(byName.id());
    // read once the order's own position is applied: minPosition=1 only waited for the first event
    JsonNode pending =
        api.get("/v1/orders/" + byUuid.id() + "?minPosition=" + byUuid.position()).body();
    Instant expiresAt = Instant.parse(pending.get("expiresAt").asText());
    Instant placedAt = Instant.parse(pending.get("placedAt").asText());
    // the deadline is the payment timeout after the request (placedAt follows it by a little)
    assertThat(Duration.between(placedAt, expiresAt))
        .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3));

    JsonNode canceled = awaitStatus(api, byUuid, "CANCELED", Duration.ofSeconds(30));
    awaitStatus(api, byName, "CANCELED", Duration.ofSeconds(30));

    assertThat(canceled.get("detail").asText()).contains("deadline");
    assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
    assertCanceledAtStripe(byUuid);
    assertCanceledAtStripe(byName);
    assertThat(stock(api, "lamp", head(engine.bean(JdbcTemplate.class))))
        .containsExactly(5L, 0L, 5L);
  }

  @Test
  void aPaidOrderIsLeftAloneByItsDeadline() throws Exception {
    Http api = engine.admin();
    stocked(api, "desk", null, PRICE, "USD", 5);
    Card card = place(api, UUID.randomUUID().toString(), "desk", 2);
    String payload =
        FakeStripe.event(
            "evt_exp_paid_" + card.id(),
            "payment_intent.succeeded",
            FakeStripe.paymentIntent(
                card.paymentIntentId(),
                "succeeded",
                card.total(),
                card.total(),
                "usd",
                metadata(card)),
            null);
    Http.Response delivered =
        new Http(engine.port(), null)
            .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now()))
            .postRaw("/v1/webhooks/stripe", payload, "application/json");
    assertThat(delivered.status()).as(delivered.toString()).isEqualTo(200);
    JsonNode paid = awaitStatus(api, card, "PAID", Duration.ofSeconds(20));
    Instant expiresAt = Instant.parse(paid.get("expiresAt").asText());

    // well past the deadline, and past a poll of the deadline scheduler
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 3_000);

    assertThat(api.get("/v1/orders/" + card.id()).body().get("status").asText()).isEqualTo("PAID");
    assertThat(cancels(card)).isEmpty();
    assertThat(stock(api, "desk", head(engine.bean(JdbcTemplate.class))))
        .containsExactly(3L, 0L, 3L);
  }

  @Test
  void aDeadlinePendingAcrossARestartStillFires() throws Exception {
    String database = TestDatabases.newDatabase();
    Card card;
    try (Engine first = Engine.start(settings(database))) {
      Http api = first.admin();
      stocked(api, "chair", null, PRICE, "USD", 4);
      card = place(api, UUID.randomUUID().toString(), "chair", 3);
    } // stopped before the deadline
    assertThat(canceledEvents(database, card))
        .as("the first engine stopped before the deadline fired")
        .isZero();
    assertThat(cancels(card)).isEmpty();

    try (Engine second = Engine.start(settings(database))) {
      Http api = second.admin();
      JsonNode canceled = awaitStatus(api, card, "CANCELED", Duration.ofSeconds(40));
      assertThat(canceled.get("detail").asText()).contains("deadline");
      assertCanceledAtStripe(card);
      assertThat(stock(api, "chair", head(second.bean(JdbcTemplate.class))))
          .containsExactly(4L, 0L, 4L);
    }
    assertThat(canceledEvents(database, card)).isEqualTo(1);
  }

  private static int canceledEvents(String database, Card card) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(database, TestDatabases.user(), TestDatabases.password());
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?"
                    + " AND payload_type LIKE '%$OrderCanceled'")) {
      query.setString(1, OrderId.aggregateId(TENANT, card.referenceId()));
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }
}
