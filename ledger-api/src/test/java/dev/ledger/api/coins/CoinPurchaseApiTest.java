package dev.ledger.api.coins;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Coin purchases end to end, with Stripe faked and its webhooks signed: a purchase is {@code
 * PENDING} with a PaymentIntent made for it; only a verified payment confirms it and credits its
 * coins, once however often and in whatever order Stripe reports it; a refund and a dispute each
 * take the coins back, also after they were spent, when the rest is recorded as the user's
 * shortfall and the user's coins are frozen until a later purchase settles it. The coins of the
 * tenant always sum to zero.
 */
class CoinPurchaseApiTest extends StripeApiTest {
  @Autowired JdbcTemplate jdbc;

  private record Purchase(
      String id, String paymentIntentId, long coins, long price, long createdAt) {
    String chargeId() {
      return "ch_" + paymentIntentId.substring(3);
    }
  }

  private Purchase buy(String userId, long coins, long price) {
    String id = UUID.randomUUID().toString();
    String pi = "pi_coins" + id.replace("-", "").substring(0, 16);
    FakeStripe.onCreate(
        id, FakeStripe.paymentIntent(pi, "requires_payment_method", price, 0, "usd", metadata(id)));
    Http.Response created =
        api.post(
            "/v1/coins/purchases",
            Map.of(
                "id",
                id,
                "userId",
                userId,
                "coins",
                coins,
                "priceMinor",
                price,
                "currency",
                "USD"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.body().get("status").asText()).isEqualTo("PENDING");
    assertThat(created.body().get("coins").asLong()).isEqualTo(coins);
    assertThat(created.body().get("payment").get("paymentIntentId").asText()).isEqualTo(pi);
    assertThat(created.body().get("payment").get("clientSecret").asText())
        .isEqualTo(pi + "_secret_test");
    return new Purchase(id, pi, coins, price, created.body().get("position").asLong());
  }

  private Map<String, String> metadata(String id) {
    return Map.of(
        "order_type",
        "coin_purchase",
        "reference_id",
        id,
        "tenant",
        tenant,
        "coin_purchase_id",
        id);
  }

  private String succeeded(Purchase purchase) {
    return FakeStripe.paymentIntent(
        purchase.paymentIntentId(),
        "succeeded",
        purchase.price(),
        purchase.price(),
        "usd",
        metadata(purchase.id()));
  }

  private void pay(Purchase purchase, String eventId) {
    assertThat(
            deliver(
                    FakeStripe.event(
                        eventId, "payment_intent.succeeded", succeeded(purchase), null))
                .status())
        .isEqualTo(200);
  }

  /** Delivers {@code charge.refunded} with {@code refunded} in all. */
  private void refund(Purchase purchase, long refunded, String eventId) {
    FakeStripe.onRetrieve(purchase.paymentIntentId(), succeeded(purchase));
    String charge =
        """
        {"id":"%s","object":"charge","amount":%d,"amount_refunded":%d,"currency":"usd","refunded":%b,"payment_intent":"%s","metadata":{}}"""
            .formatted(
                purchase.chargeId(),
                purchase.price(),
                refunded,
                refunded == purchase.price(),
                purchase.paymentIntentId());
    assertThat(deliver(FakeStripe.event(eventId, "charge.refunded", charge, null)).status())
        .isEqualTo(200);
  }

  /** Delivers {@code charge.dispute.created}, naming the PaymentIntent or only the charge. */
  private void dispute(Purchase purchase, String disputeId, String eventId, boolean namesIntent) {
    FakeStripe.onRetrieve(purchase.paymentIntentId(), succeeded(purchase));
    FakeStripe.onRetrieveCharge(
        purchase.chargeId(),
        """
        {"id":"%s","object":"charge","amount":%d,"amount_refunded":0,"currency":"usd","refunded":false,"payment_intent":"%s","metadata":{}}"""
            .formatted(purchase.chargeId(), purchase.price(), purchase.paymentIntentId()));
    String object =
        """
        {"id":"%s","object":"dispute","amount":%d,"currency":"usd","charge":"%s",%s"reason":"fraudulent","status":"needs_response","metadata":{}}"""
            .formatted(
                disputeId,
                purchase.price(),
                purchase.chargeId(),
                namesIntent
                    ? "\"payment_intent\":\"" + purchase.paymentIntentId() + "\","
                    : "\"payment_intent\":null,");
    assertThat(deliver(FakeStripe.event(eventId, "charge.dispute.created", object, null)).status())
        .isEqualTo(200);
  }

  private JsonNode purchase(String id) {
    return api.get("/v1/coins/purchases/" + id).body();
  }

  private JsonNode awaitStatus(Purchase purchase, String status) {
    JsonNode[] seen = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              seen[0] = purchase(purchase.id());
              assertThat(seen[0].path("status").asText()).as(seen[0].toString()).isEqualTo(status);
            });
    return seen[0];
  }

  private JsonNode wallet(String userId, long minPosition) {
    return api.get("/v1/users/" + userId + "/wallet?minPosition=" + minPosition).body();
  }

  private long coins(String userId, long minPosition) {
    return wallet(userId, minPosition).get("coins").get("balance").asLong();
  }

  private long credits(String userId) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM account_entry WHERE tenant_id = ? AND address = ? AND amount > 0",
        Long.class,
        tenant,
        "user:" + userId + ":coins");
  }

  private void assertCoinsSumToZero(long minPosition) {
    api.get("/v1/users/nobody/wallet?minPosition=" + minPosition);
    assertThat(
            jdbc.queryForObject(
                "SELECT coalesce(sum(credits_posted::numeric - debits_posted), 0) FROM account_balance"
                    + " WHERE tenant_id = ? AND asset = 'COINS'",
                java.math.BigDecimal.class,
                tenant))
        .isZero();
  }

  private static long position(JsonNode resource) {
    return resource.get("position").asLong();
  }

  @Test
  void aPurchaseIsPendingWithAPaymentIntentThatNamesItAndIsMadeOnce() {
    Purchase purchase = buy("alice", 500, 499);

    List<LoggedRequest> creates =
        FakeStripe.server()
            .findAll(
                postRequestedFor(urlEqualTo("/v1/payment_intents"))
                    .withRequestBody(containing(purchase.id())));
    assertThat(creates).hasSize(1);
    String form = URLDecoder.decode(creates.get(0).getBodyAsString(), StandardCharsets.UTF_8);
    assertThat(form)
        .contains("amount=499", "currency=usd", "metadata[order_type]=coin_purchase")
        .contains("metadata[reference_id]=" + purchase.id(), "metadata[tenant]=" + tenant);
    assertThat(creates.get(0).getHeader("Idempotency-Key"))
        .isEqualTo(
            "ledger:" + tenant + ":coin-purchase:" + purchase.id() + ":create-payment-intent");

    JsonNode pending =
        api.get("/v1/coins/purchases/" + purchase.id() + "?minPosition=" + purchase.createdAt())
            .body();
    assertThat(pending.get("status").asText()).isEqualTo("PENDING");
    assertThat(pending.get("priceMinor").asLong()).isEqualTo(499);
    assertThat(pending.get("currency").asText()).isEqualTo("USD");
    assertThat(pending.get("payment").get("paymentIntentId").asText())
        .isEqualTo(purchase.paymentIntentId());
    assertThat(pending.get("transitions")).hasSize(1);

    // a repeat retrieves the PaymentIntent instead of creating another; other content conflicts
    FakeStripe.onRetrieve(
        purchase.paymentIntentId(),
        FakeStripe.paymentIntent(
            purchase.paymentIntentId(),
            "requires_payment_method",
            499,
            0,
            "usd",
            metadata(purchase.id())));
    Map<String, Object> body =
        Map.of(
            "id",
            purchase.id(),
            "userId",
            "alice",
            "coins",
            500,
            "priceMinor",
            499,
            "currency",
            "USD");
    Http.Response again = api.post("/v1/coins/purchases", body);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.body().get("payment").get("paymentIntentId").asText())
        .isEqualTo(purchase.paymentIntentId());
    Http.Response conflict =
        api.post(
            "/v1/coins/purchases",
            Map.of(
                "id",
                purchase.id(),
                "userId",
                "alice",
                "coins",
                501,
                "priceMinor",
                499,
                "currency",
                "USD"));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.code()).isEqualTo("id_conflict");
    assertThat(
            FakeStripe.server()
                .findAll(
                    postRequestedFor(urlEqualTo("/v1/payment_intents"))
                        .withRequestBody(containing(purchase.id()))))
        .hasSize(1);
    assertThat(api.get("/v1/coins/purchases/no-such-purchase").code())
        .isEqualTo("coin_purchase_not_found");
  }

  @Test
  void aPaymentDeliveredTwiceAndReportedByTwoEventsCreditsTheCoinsOnce() {
    Purchase purchase = buy("bob", 1_200, 999);
    String eventId = "evt_cp_" + purchase.id();
    for (int i = 0; i < 3; i++) {
      pay(purchase, eventId);
    }
    pay(purchase, "evt_cp_other_" + purchase.id());

    JsonNode confirmed = awaitStatus(purchase, "CONFIRMED");
    assertThat(confirmed.get("coinsCredited").asLong()).isEqualTo(1_200);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForList(
                            "SELECT status FROM stripe_webhook_event WHERE event_id LIKE ?",
                            String.class,
                            "evt_cp_%" + purchase.id()))
                    .hasSize(2)
                    .containsOnly("PROCESSED"));
    assertThat(coins("bob", position(confirmed))).isEqualTo(1_200);
    assertThat(credits("bob")).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                "SELECT deliveries FROM stripe_webhook_event WHERE event_id = ?",
                Integer.class,
                eventId))
        .isEqualTo(3);
    assertCoinsSumToZero(position(confirmed));
  }

  @Test
  void webhooksInAnyOrderEndWhereStripeEnded() {
    // the refund is reported before the payment it refunds: the coins still come and go once
    Purchase refundedFirst = buy("carol", 300, 1000);
    refund(refundedFirst, 1000, "evt_r_first_" + refundedFirst.id());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "SELECT status FROM stripe_webhook_event WHERE event_id = ?",
                            String.class,
                            "evt_r_first_" + refundedFirst.id()))
                    .isEqualTo("PROCESSED"));
    assertThat(
            api.get(
                    "/v1/coins/purchases/"
                        + refundedFirst.id()
                        + "?minPosition="
                        + refundedFirst.createdAt())
                .body()
                .get("status")
                .asText())
        .isEqualTo("PENDING");
    pay(refundedFirst, "evt_p_second_" + refundedFirst.id());
    JsonNode refunded = awaitStatus(refundedFirst, "REFUNDED");
    assertThat(refunded.get("coinsCredited").asLong()).isEqualTo(300);
    assertThat(refunded.get("coinsTakenBack").asLong()).isEqualTo(300);
    assertThat(coins("carol", position(refunded))).isZero();

    // a failed attempt reported after the success changes nothing
    Purchase paid = buy("dave", 50, 100);
    pay(paid, "evt_p_" + paid.id());
    awaitStatus(paid, "CONFIRMED");
    String failed =
        FakeStripe.paymentIntent(
            paid.paymentIntentId(), "requires_payment_method", 100, 0, "usd", metadata(paid.id()));
    deliver(FakeStripe.event("evt_f_" + paid.id(), "payment_intent.payment_failed", failed, null));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        jdbc.queryForObject(
                            "SELECT status FROM stripe_webhook_event WHERE event_id = ?",
                            String.class,
                            "evt_f_" + paid.id()))
                    .isEqualTo("PROCESSED"));
    JsonNode still = purchase(paid.id());
    assertThat(still.get("status").asText()).isEqualTo("CONFIRMED");
    assertThat(coins("dave", position(still))).isEqualTo(50);
    assertCoinsSumToZero(position(still));
  }

  @Test
  void aRefundAfterTheCoinsWereSpentRecordsTheShortfallAndFreezesTheCoinsUntilSettled() {
    Purchase purchase = buy("erin", 1_000, 2_000);
    pay(purchase, "evt_p_" + purchase.id());
    awaitStatus(purchase, "CONFIRMED");
    Http.Response gift =
        api.post(
            "/v1/gifts",
            Map.of(
                "id",
                "spend-" + purchase.id(),
                "senderId",
                "erin",
                "recipientId",
                "fred",
                "coins",
                700));
    assertThat(gift.status()).as(gift.toString()).isEqualTo(201);

    refund(purchase, 2_000, "evt_r_" + purchase.id());
    JsonNode refunded = awaitStatus(purchase, "REFUNDED");
    assertThat(refunded.get("coinsTakenBack").asLong()).isEqualTo(1_000);
    assertThat(refunded.get("coinsShortfall").asLong()).isEqualTo(700);
    JsonNode wallet = wallet("erin", position(refunded));
    assertThat(wallet.get("coins").get("balance").asLong()).isZero();
    assertThat(wallet.get("coins").get("shortfall").asLong()).isEqualTo(700);
    assertThat(wallet.get("coins").get("frozen").asBoolean()).isTrue();
    // the gift stands: fred keeps his earnings, the platform its fee
    assertThat(wallet("fred", position(refunded)).get("earnings").get("balance").asLong())
        .isEqualTo(490);
    assertCoinsSumToZero(position(refunded));

    // coins that reach erin while she owes cannot be spent
    Purchase small = buy("erin", 200, 400);
    pay(small, "evt_p_" + small.id());
    JsonNode settling = awaitStatus(small, "CONFIRMED");
    assertThat(settling.get("coinsSettled").asLong()).isEqualTo(200);
    assertThat(settling.get("coinsCredited").asLong()).isZero();
    Http.Response frozen =
        api.post(
            "/v1/gifts",
            Map.of(
                "id",
                "frozen-" + small.id(),
                "senderId",
                "erin",
                "recipientId",
                "fred",
                "coins",
                1));
    assertThat(frozen.status()).as(frozen.toString()).isEqualTo(409);
    assertThat(frozen.code()).isEqualTo("account_frozen");

    // a purchase larger than what is owed settles it and credits the rest
    Purchase settles = buy("erin", 800, 1_600);
    pay(settles, "evt_p_" + settles.id());
    JsonNode settled = awaitStatus(settles, "CONFIRMED");
    assertThat(settled.get("coinsSettled").asLong()).isEqualTo(500);
    assertThat(settled.get("coinsCredited").asLong()).isEqualTo(300);
    JsonNode after = wallet("erin", position(settled));
    assertThat(after.get("coins").get("balance").asLong()).isEqualTo(300);
    assertThat(after.get("coins").get("shortfall").asLong()).isZero();
    assertThat(after.get("coins").get("frozen").asBoolean()).isFalse();
    Http.Response spend =
        api.post(
            "/v1/gifts",
            Map.of(
                "id",
                "after-" + settles.id(),
                "senderId",
                "erin",
                "recipientId",
                "fred",
                "coins",
                300));
    assertThat(spend.status()).as(spend.toString()).isEqualTo(201);
    assertCoinsSumToZero(spend.body().get("position").asLong());
  }

  @Test
  void aDisputeChargesThePurchaseBackOnceAndAPartialRefundTakesItsShare() {
    Purchase disputed = buy("gina", 400, 800);
    pay(disputed, "evt_p_" + disputed.id());
    awaitStatus(disputed, "CONFIRMED");
    dispute(disputed, "dp_" + disputed.id().substring(0, 8), "evt_d1_" + disputed.id(), true);
    dispute(disputed, "dp_" + disputed.id().substring(0, 8), "evt_d2_" + disputed.id(), true);
    JsonNode charged = awaitStatus(disputed, "CHARGEBACK");
    assertThat(charged.get("coinsTakenBack").asLong()).isEqualTo(400);
    assertThat(charged.get("transitions").findValuesAsText("status"))
        .containsExactly("PENDING", "CONFIRMED", "CHARGEBACK");
    assertThat(coins("gina", position(charged))).isZero();

    // a dispute that names only its charge, after a partial refund: the rest goes back
    Purchase partly = buy("hank", 400, 1000);
    pay(partly, "evt_p_" + partly.id());
    awaitStatus(partly, "CONFIRMED");
    refund(partly, 250, "evt_r_" + partly.id());
    refund(partly, 250, "evt_r_again_" + partly.id()); // the same total again takes nothing
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(purchase(partly.id()).get("coinsTakenBack").asLong()).isEqualTo(100));
    JsonNode halfway = purchase(partly.id());
    assertThat(halfway.get("status").asText()).isEqualTo("CONFIRMED");
    assertThat(halfway.get("refundedMinor").asLong()).isEqualTo(250);
    assertThat(coins("hank", position(halfway))).isEqualTo(300);
    dispute(partly, "dp_" + partly.id().substring(0, 8), "evt_d_" + partly.id(), false);
    JsonNode chargedBack = awaitStatus(partly, "CHARGEBACK");
    assertThat(chargedBack.get("coinsTakenBack").asLong()).isEqualTo(400);
    assertThat(coins("hank", position(chargedBack))).isZero();
    assertCoinsSumToZero(position(chargedBack));
  }

  @Test
  void aWhaleHoldsNineQuintillionCoinsAndAPurchaseThatWouldWrapIsRefusedWhole() {
    long nine = 9_000_000_000_000_000_000L;
    Purchase first = buy("whale", nine, 100_000);
    pay(first, "evt_p_" + first.id());
    JsonNode confirmed = awaitStatus(first, "CONFIRMED");
    assertThat(coins("whale", position(confirmed))).isEqualTo(nine);

    Purchase second = buy("whale", nine, 100_000);
    pay(second, "evt_p_" + second.id());
    JsonNode refused = awaitStatus(second, "FAILED");
    assertThat(refused.get("coinsCredited").asLong()).isZero();
    assertThat(refused.get("transitions").get(1).get("detail").asText())
        .contains("would overflow 64 bits");
    assertThat(coins("whale", position(refused))).isEqualTo(nine);
    assertThat(credits("whale")).isEqualTo(1);
    assertCoinsSumToZero(position(refused));
  }
}
