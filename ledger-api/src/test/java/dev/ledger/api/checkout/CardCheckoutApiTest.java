package dev.ledger.api.checkout;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.ledger.api.checkout.Shop.award;
import static dev.ledger.api.checkout.Shop.cardOrder;
import static dev.ledger.api.checkout.Shop.events;
import static dev.ledger.api.checkout.Shop.item;
import static dev.ledger.api.checkout.Shop.stock;
import static dev.ledger.api.checkout.Shop.stocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Card checkout against a fake Stripe: an order reserves its stock and gets a PaymentIntent for its
 * catalog total with {@code order_type=order} metadata; only Stripe's verified report of the
 * payment makes it {@code PAID} and commits the stock, once however often it is reported; a failed
 * or canceled payment or the client's cancellation makes it {@code CANCELED}, releases the stock
 * and cancels the PaymentIntent; a full refund after payment makes it {@code REFUNDED} and leaves
 * the stock sold.
 */
class CardCheckoutApiTest extends StripeApiTest {
  private static final long PRICE = 1_500;

  @Autowired JdbcTemplate jdbc;

  private record Card(String id, String paymentIntentId, long total, JsonNode placed) {
    long position() {
      return placed.get("position").asLong();
    }
  }

  private Map<String, String> metadata(String id) {
    return Map.of("order_type", "order", "reference_id", id, "tenant", tenant, "order_id", id);
  }

  private String intent(Card card, String status, long amountReceived) {
    return FakeStripe.paymentIntent(
        card.paymentIntentId(), status, card.total(), amountReceived, "usd", metadata(card.id()));
  }

  /** Places a card order of {@code quantity} posters, Stripe answering with a new PaymentIntent. */
  private Card place(String userId, long quantity) {
    String id = UUID.randomUUID().toString();
    String pi = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    long total = PRICE * quantity;
    FakeStripe.onCreate(
        id, FakeStripe.paymentIntent(pi, "requires_payment_method", total, 0, "usd", metadata(id)));
    FakeStripe.onCancel(
        pi, FakeStripe.paymentIntent(pi, "canceled", total, 0, "usd", metadata(id)));
    Http.Response placed = cardOrder(api, id, userId, item("poster", quantity));
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    return new Card(id, pi, total, placed.body());
  }

  private void deliverEvent(String eventId, String type, String object) {
    Http.Response response = deliver(FakeStripe.event(eventId, type, object, null));
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
  }

  private void paid(Card card, String eventId) {
    deliverEvent(eventId, "payment_intent.succeeded", intent(card, "succeeded", card.total()));
  }

  private void refunded(Card card, String eventId, long amountRefunded) {
    String charge =
        """
        {"id":"ch_%s","object":"charge","amount":%d,"amount_refunded":%d,"currency":"usd","refunded":%b,"payment_intent":"%s","metadata":{}}"""
            .formatted(
                card.paymentIntentId().substring(3),
                card.total(),
                amountRefunded,
                amountRefunded == card.total(),
                card.paymentIntentId());
    deliverEvent(eventId, "charge.refunded", charge);
  }

  private JsonNode awaitStatus(Card card, String status) {
    JsonNode[] order = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              order[0] = api.get("/v1/orders/" + card.id()).body();
              assertThat(order[0].path("status").asText()).isEqualTo(status);
            });
    return order[0];
  }

  /** The newest position of the event store: a read there sees every committed event. */
  private long head() {
    Long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
    return head == null ? 0 : head;
  }

  private List<LoggedRequest> cancelsAtStripe(Card card) {
    return FakeStripe.server()
        .findAll(
            postRequestedFor(
                urlEqualTo("/v1/payment_intents/" + card.paymentIntentId() + "/cancel")));
  }

  private void awaitCanceledAtStripe(Card card) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(cancelsAtStripe(card)).isNotEmpty());
    assertThat(cancelsAtStripe(card))
        .allSatisfy(
            call ->
                assertThat(call.getHeader("Idempotency-Key"))
                    .isEqualTo(
                        "ledger:" + tenant + ":order:" + card.id() + ":cancel-payment-intent"));
  }

  private static Map<String, String> form(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      fields.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }

  @Test
  void aCardOrderReservesItsStockAndCreatesAPaymentIntentForItsCatalogTotal() {
    stocked(api, "poster", 40L, PRICE, "USD", 5);

    Card card = place("alice", 2);

    JsonNode placed = card.placed();
    assertThat(placed.get("id").asText()).isEqualTo(card.id());
    assertThat(placed.get("status").asText()).isEqualTo("PENDING_PAYMENT");
    assertThat(placed.get("userId").asText()).isEqualTo("alice");
    assertThat(placed.get("totalMinor").asLong()).isEqualTo(3_000);
    assertThat(placed.get("currency").asText()).isEqualTo("USD");
    assertThat(placed.get("items").get(0).get("unitPrice").asLong()).isEqualTo(PRICE);
    assertThat(placed.get("items").get(0).get("lineTotal").asLong()).isEqualTo(3_000);
    assertThat(placed.get("payment").get("provider").asText()).isEqualTo("stripe");
    assertThat(placed.get("payment").get("paymentIntentId").asText())
        .isEqualTo(card.paymentIntentId());
    assertThat(placed.get("payment").get("clientSecret").asText())
        .isEqualTo(card.paymentIntentId() + "_secret_test");
    assertThat(stock(api, "poster", card.position())).containsExactly(5L, 2L, 3L);
    Http.Response read = Shop.readOrder(api, card.id(), card.position());
    assertThat(read.body().get("status").asText()).isEqualTo("PENDING_PAYMENT");
    assertThat(read.body().get("payWith").asText()).isEqualTo("card");
    assertThat(read.body().get("totalMinor").asLong()).isEqualTo(3_000);
    assertThat(read.body().get("payment").get("paymentIntentId").asText())
        .isEqualTo(card.paymentIntentId());
    assertThat(read.body().get("expiresAt").asText()).isNotBlank();

    List<LoggedRequest> creations =
        FakeStripe.server()
            .findAll(
                postRequestedFor(urlEqualTo("/v1/payment_intents"))
                    .withRequestBody(WireMock.containing(card.id())));
    assertThat(creations).hasSize(1);
    Map<String, String> sent = form(creations.get(0).getBodyAsString());
    assertThat(sent)
        .containsEntry("amount", "3000")
        .containsEntry("currency", "usd")
        .containsEntry("metadata[order_type]", "order")
        .containsEntry("metadata[reference_id]", card.id())
        .containsEntry("metadata[tenant]", tenant);
    assertThat(creations.get(0).getHeader("Idempotency-Key"))
        .isEqualTo("ledger:" + tenant + ":order:" + card.id() + ":create-payment-intent");
    // a points balance played no part
    assertThat(events(jdbc, tenant, "AccountDebited")).isZero();
  }

  @Test
  void aCardOrderRepeatedWithItsIdAnswersTheSamePaymentIntentAndReservesNothingMore() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 2);
    FakeStripe.onRetrieve(card.paymentIntentId(), intent(card, "requires_payment_method", 0));

    Http.Response again = cardOrder(api, card.id(), "alice", item("poster", 2));

    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.body().get("status").asText()).isEqualTo("PENDING_PAYMENT");
    assertThat(again.body().get("payment").get("paymentIntentId").asText())
        .isEqualTo(card.paymentIntentId());
    assertThat(again.body().get("payment").get("clientSecret").asText())
        .isEqualTo(card.paymentIntentId() + "_secret_test");
    assertThat(
            FakeStripe.server()
                .findAll(
                    postRequestedFor(urlEqualTo("/v1/payment_intents"))
                        .withRequestBody(WireMock.containing(card.id()))))
        .hasSize(1);
    assertThat(stock(api, "poster", again.body().get("position").asLong()))
        .containsExactly(5L, 2L, 3L);
    Http.Response conflict = cardOrder(api, card.id(), "alice", item("poster", 3));
    assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
    assertThat(conflict.code()).isEqualTo("id_conflict");
    assertThat(events(jdbc, tenant, "StockReserved")).isEqualTo(1);
  }

  @Test
  void reservedStockCannotBeSoldAgainNorAdjustedAway() {
    stocked(api, "poster", 40L, PRICE, "USD", 3);
    award(api, "award-bob", "bob", 1_000);
    Card card = place("alice", 2);
    int before = events(jdbc, tenant);

    Http.Response byPoints = Shop.pointsOrder(api, "o-points", "bob", item("poster", 2));
    assertThat(byPoints.status()).as(byPoints.toString()).isEqualTo(409);
    assertThat(byPoints.code()).isEqualTo("out_of_stock");
    Http.Response byCard = cardOrder(api, UUID.randomUUID().toString(), "carol", item("poster", 2));
    assertThat(byCard.status()).as(byCard.toString()).isEqualTo(409);
    assertThat(byCard.code()).isEqualTo("out_of_stock");
    Http.Response belowReserved = Shop.adjust(api, "poster", -2, "stocktake");
    assertThat(belowReserved.status()).as(belowReserved.toString()).isEqualTo(409);
    assertThat(belowReserved.code()).isEqualTo("out_of_stock");
    assertThat(events(jdbc, tenant)).isEqualTo(before);
    assertThat(stock(api, "poster", card.position())).containsExactly(3L, 2L, 1L);

    Http.Response toReserved = Shop.adjust(api, "poster", -1, "stocktake");
    assertThat(toReserved.status()).as(toReserved.toString()).isEqualTo(200);
    assertThat(toReserved.body().get("onHand").asLong()).isEqualTo(2);
    assertThat(toReserved.body().get("reserved").asLong()).isEqualTo(2);
    assertThat(toReserved.body().get("available").asLong()).isZero();
  }

  @Test
  void aCardOrderOfAProductWithoutAMoneyPriceOrInTwoCurrenciesIsRefusedAndChangesNothing() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    stocked(api, "sticker", 10L, null, null, 5);
    long position = stocked(api, "print", null, 900L, "EUR", 5);
    int before = events(jdbc, tenant);

    Http.Response noPrice =
        cardOrder(
            api, UUID.randomUUID().toString(), "alice", item("poster", 1), item("sticker", 1));
    Http.Response twoCurrencies =
        cardOrder(api, UUID.randomUUID().toString(), "alice", item("poster", 1), item("print", 1));
    Http.Response unknown =
        cardOrder(api, UUID.randomUUID().toString(), "alice", item("poster", 1), item("frame", 1));

    assertThat(noPrice.status()).as(noPrice.toString()).isEqualTo(400);
    assertThat(noPrice.code()).isEqualTo("price_not_available");
    assertThat(twoCurrencies.status()).as(twoCurrencies.toString()).isEqualTo(400);
    assertThat(twoCurrencies.code()).isEqualTo("price_not_available");
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("product_not_found");
    assertThat(events(jdbc, tenant)).isEqualTo(before);
    assertThat(stock(api, "poster", position)).containsExactly(5L, 0L, 5L);
    assertThat(
            FakeStripe.server()
                .findAll(
                    postRequestedFor(urlEqualTo("/v1/payment_intents"))
                        .withRequestBody(WireMock.containing("metadata[tenant]=" + tenant))))
        .isEmpty();
  }

  @Test
  void aSucceededPaymentMarksTheOrderPaidAndCommitsItsStock() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 2);

    paid(card, "evt_paid_" + card.id());

    JsonNode order = awaitStatus(card, "PAID");
    assertThat(order.get("totalMinor").asLong()).isEqualTo(3_000);
    assertThat(stock(api, "poster", head())).containsExactly(3L, 0L, 3L);
    assertThat(events(jdbc, tenant, "StockCommitted")).isEqualTo(1);
    assertThat(cancelsAtStripe(card)).isEmpty();
    Http.Response cancel = api.post("/v1/orders/" + card.id() + "/cancel", null);
    assertThat(cancel.status()).as(cancel.toString()).isEqualTo(409);
    assertThat(cancel.code()).isEqualTo("invalid_state");
  }

  @Test
  void theSameSucceededEventFiveTimesPaysOnceAndCommitsTheStockOnce() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 2);
    String event =
        FakeStripe.event(
            "evt_five_" + card.id(),
            "payment_intent.succeeded",
            intent(card, "succeeded", card.total()),
            null);

    for (int i = 0; i < 5; i++) {
      Http.Response response = deliver(event);
      assertThat(response.status()).as(response.toString()).isEqualTo(200);
      assertThat(response.body().get("duplicate").asBoolean()).isEqualTo(i > 0);
    }
    // and another event about the same payment
    paid(card, "evt_other_" + card.id());

    awaitStatus(card, "PAID");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForList(
                            "SELECT status FROM stripe_webhook_event WHERE event_id IN (?, ?)",
                            String.class,
                            "evt_five_" + card.id(),
                            "evt_other_" + card.id()))
                    .hasSize(2)
                    .containsOnly("PROCESSED"));
    assertThat(stock(api, "poster", head())).containsExactly(3L, 0L, 3L);
    assertThat(events(jdbc, tenant, "OrderPaid")).isEqualTo(1);
    assertThat(events(jdbc, tenant, "StockCommitted")).isEqualTo(1);
  }

  @Test
  void aFailedPaymentCancelsTheOrderReleasesTheStockAndCancelsThePaymentIntent() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 2);

    deliverEvent(
        "evt_failed_" + card.id(),
        "payment_intent.payment_failed",
        intent(card, "requires_payment_method", 0));

    JsonNode order = awaitStatus(card, "CANCELED");
    assertThat(order.get("detail").asText()).contains("payment failed");
    assertThat(stock(api, "poster", head())).containsExactly(5L, 0L, 5L);
    awaitCanceledAtStripe(card);
    assertThat(events(jdbc, tenant, "StockCommitted")).isZero();
  }

  @Test
  void aPaymentIntentCanceledAtStripeCancelsTheOrderAndReleasesTheStock() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 3);

    deliverEvent(
        "evt_canceled_" + card.id(), "payment_intent.canceled", intent(card, "canceled", 0));

    awaitStatus(card, "CANCELED");
    assertThat(stock(api, "poster", head())).containsExactly(5L, 0L, 5L);
    assertThat(events(jdbc, tenant, "StockReleased")).isEqualTo(1);
  }

  @Test
  void theClientCancelsAnUnpaidOrderItsStockIsReleasedAndThePaymentIntentCanceled() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 2);

    Http.Response canceled =
        api.post("/v1/orders/" + card.id() + "/cancel", Map.of("reason", "changed my mind"));

    assertThat(canceled.status()).as(canceled.toString()).isEqualTo(200);
    assertThat(canceled.body().get("status").asText()).isEqualTo("CANCELED");
    long position = canceled.body().get("position").asLong();
    // the answer's position covers the release, so a read at it sees the stock back
    Long released =
        jdbc.queryForObject(
            "SELECT max(global_index) FROM domain_event_entry WHERE aggregate_identifier = ?"
                + " AND payload_type LIKE '%$StockReleased'",
            Long.class, tenant + "/product/poster");
    assertThat(position).isGreaterThanOrEqualTo(released);
    assertThat(stock(api, "poster", position)).containsExactly(5L, 0L, 5L);
    JsonNode order = Shop.readOrder(api, card.id(), position).body();
    assertThat(order.get("status").asText()).isEqualTo("CANCELED");
    assertThat(order.get("detail").asText()).contains("changed my mind");
    awaitCanceledAtStripe(card);

    Http.Response again = api.post("/v1/orders/" + card.id() + "/cancel", null);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.body().get("status").asText()).isEqualTo("CANCELED");
    assertThat(events(jdbc, tenant, "OrderCanceled")).isEqualTo(1);
    assertThat(events(jdbc, tenant, "StockReleased")).isEqualTo(1);
  }

  @Test
  void aPaymentThatArrivesAfterTheCancellationTakesNoStockAndIsFlaggedForARefund() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 2);
    assertThat(api.post("/v1/orders/" + card.id() + "/cancel", null).status()).isEqualTo(200);

    paid(card, "evt_late_" + card.id());

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(api.get("/v1/orders/" + card.id()).body().path("detail").asText())
                    .contains("paid after cancellation"));
    assertThat(api.get("/v1/orders/" + card.id()).body().get("status").asText())
        .isEqualTo("CANCELED");
    assertThat(stock(api, "poster", head())).containsExactly(5L, 0L, 5L);
    assertThat(events(jdbc, tenant, "StockCommitted")).isZero();
    assertThat(events(jdbc, tenant, "OrderPaid")).isZero();
  }

  @Test
  void aPaymentShortOfTheTotalDoesNotPayTheOrder() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 2);

    deliverEvent(
        "evt_short_" + card.id(),
        "payment_intent.succeeded",
        intent(card, "succeeded", card.total() - 1));

    awaitStatus(card, "CANCELED");
    assertThat(stock(api, "poster", head())).containsExactly(5L, 0L, 5L);
    assertThat(events(jdbc, tenant, "OrderPaid")).isZero();
    assertThat(events(jdbc, tenant, "StockCommitted")).isZero();
  }

  @Test
  void aFullRefundAfterPaymentRefundsTheOrderAndTheStockStaysSold() {
    stocked(api, "poster", null, PRICE, "USD", 5);
    Card card = place("alice", 2);
    FakeStripe.onRetrieve(card.paymentIntentId(), intent(card, "succeeded", card.total()));
    paid(card, "evt_paid_" + card.id());
    awaitStatus(card, "PAID");

    refunded(card, "evt_partial_" + card.id(), 1_000);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "SELECT status FROM stripe_webhook_event WHERE event_id = ?",
                            String.class,
                            "evt_partial_" + card.id()))
                    .isEqualTo("PROCESSED"));
    assertThat(Shop.readOrder(api, card.id(), head()).body().get("status").asText())
        .as("a partial refund leaves the order paid")
        .isEqualTo("PAID");

    refunded(card, "evt_refund_" + card.id(), card.total());

    JsonNode order = awaitStatus(card, "REFUNDED");
    assertThat(order.get("detail").asText()).contains(String.valueOf(card.total()));
    assertThat(stock(api, "poster", head())).containsExactly(3L, 0L, 3L);
    assertThat(events(jdbc, tenant, "OrderRefunded")).isEqualTo(1);
    FakeStripe.server()
        .verify(getRequestedFor(urlPathEqualTo("/v1/payment_intents/" + card.paymentIntentId())));
  }
}
