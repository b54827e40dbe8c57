package dev.ledger.api.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A history that every read model has something of: accounts (one frozen and thawed), posted,
 * pending, partly posted, voided transfers and a batch of them, a journal entry, points awards and
 * redemptions (the leaderboards), a product sold for points (the catalog) and an investment paid
 * through Stripe (investments, payments reconciliation). Written through the HTTP API of tenant
 * {@code default} with the bootstrap key.
 */
final class ReplayHistory {
  static final String USER = "user:0:points";
  static final String SKU = "replay-mug";

  final String investment = UUID.randomUUID().toString();
  final String escrow = UUID.randomUUID().toString();
  final String coinPurchase = UUID.randomUUID().toString();

  private final int port;
  private final Http admin;

  ReplayHistory(int port) {
    this.port = port;
    this.admin = new Http(port, ApiTest.ADMIN_SECRET);
  }

  /** Writes the history; {@code batches} batches of 500 transfers make it longer. */
  void write(int batches) {
    ok(
        admin.post(
            "/v1/accounts",
            Map.of(
                "id",
                "platform:points:issuance",
                "asset",
                "POINTS",
                "flags",
                Map.of("allowNegative", true))));
    for (int user = 0; user < 5; user++) {
      ok(admin.post("/v1/accounts", Map.of("id", "user:" + user + ":points", "asset", "POINTS")));
    }
    ok(admin.post("/v1/accounts/user:4:points/freeze", Map.of("reason", "test")));
    ok(admin.post("/v1/accounts/user:4:points/unfreeze", null));
    for (int b = 0; b < batches; b++) {
      List<Map<String, Object>> items = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        items.add(
            transfer(
                "b" + b + "-" + i,
                "platform:points:issuance",
                "user:" + (i % 5) + ":points",
                1 + i % 7));
      }
      ok(admin.post("/v1/transfers/batch", Map.of("transfers", items)));
    }
    ok(admin.post("/v1/transfers", transfer("seed", "platform:points:issuance", USER, 10_000)));
    Map<String, Object> hold = transfer("p-1", USER, "user:1:points", 300);
    hold.put("pending", true);
    hold.put("timeoutSeconds", 3600);
    ok(admin.post("/v1/transfers", hold));
    ok(admin.post("/v1/transfers/p-1/post", Map.of("amount", 200)));
    Map<String, Object> voided = transfer("p-2", USER, "user:2:points", 50);
    voided.put("pending", true);
    voided.put("timeoutSeconds", 3600);
    ok(admin.post("/v1/transfers", voided));
    ok(admin.post("/v1/transfers/p-2/void", null));
    Map<String, Object> open = transfer("p-3", USER, "user:3:points", 25);
    open.put("pending", true);
    open.put("timeoutSeconds", 3600);
    ok(admin.post("/v1/transfers", open));
    ok(
        admin.post(
            "/v1/journal-entries",
            Map.of(
                "id",
                "je-1",
                "postings",
                List.of(
                    Map.of(
                        "debitAccount",
                        USER,
                        "creditAccount",
                        "user:3:points",
                        "amount",
                        5,
                        "asset",
                        "POINTS"),
                    Map.of(
                        "debitAccount",
                        USER,
                        "creditAccount",
                        "user:4:points",
                        "amount",
                        6,
                        "asset",
                        "POINTS")))));
    for (String user : List.of("ann", "ben", "cal")) {
      ok(
          admin.post(
              "/v1/points/awards",
              Map.of(
                  "id",
                  "aw-" + user,
                  "userId",
                  user,
                  "amount",
                  100 + user.length() * 10,
                  "reason",
                  "test")));
    }
    ok(
        admin.post(
            "/v1/points/redemptions",
            Map.of("id", "rd-ann", "userId", "ann", "amount", 30, "reason", "test")));
    ok(admin.put("/v1/products/" + SKU, Map.of("name", "Mug", "pricePoints", 20)));
    ok(
        admin.post(
            "/v1/products/" + SKU + "/stock-adjustments",
            Map.of("delta", 10, "reason", "delivery")));
    ok(
        admin.post(
            "/v1/orders",
            Map.of(
                "id",
                "o-1",
                "userId",
                "ben",
                "items",
                List.of(Map.of("sku", SKU, "quantity", 2)),
                "payWith",
                "points")));

    String pi = "pi_" + investment.replace("-", "").substring(0, 20);
    Map<String, String> metadata =
        Map.of("order_type", "investment", "reference_id", investment, "tenant", "default");
    FakeStripe.onCreate(
        investment,
        FakeStripe.paymentIntent(pi, "requires_payment_method", 9_000, 0, "usd", metadata));
    ok(
        admin.post(
            "/v1/investments",
            Map.of(
                "id",
                investment,
                "userId",
                "cal",
                "amount",
                9_000,
                "currency",
                "USD",
                "pointsReward",
                90)));
    String paid = FakeStripe.paymentIntent(pi, "succeeded", 9_000, 9_000, "usd", metadata);
    Http.Response delivered =
        new Http(port, null)
            .with("Stripe-Signature", FakeStripe.sign(event(pi, paid), FakeStripe.now()))
            .postRaw("/v1/webhooks/stripe", event(pi, paid), "application/json");
    assertThat(delivered.status()).as(delivered.toString()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        admin.get("/v1/investments/" + investment).body().path("status").asText())
                    .isEqualTo("ACTIVE"));
    writeEscrow();
    writeCoins();
  }

  /** Coins bought through Stripe by ann, and a gift of some of them to ben. */
  private void writeCoins() {
    String pi = "pi_" + coinPurchase.replace("-", "").substring(0, 20);
    Map<String, String> metadata =
        Map.of(
            "order_type",
            "coin_purchase",
            "reference_id",
            coinPurchase,
            "tenant",
            "default",
            "coin_purchase_id",
            coinPurchase);
    FakeStripe.onCreate(
        coinPurchase,
        FakeStripe.paymentIntent(pi, "requires_payment_method", 999, 0, "usd", metadata));
    ok(
        admin.post(
            "/v1/coins/purchases",
            Map.of(
                "id",
                coinPurchase,
                "userId",
                "ann",
                "coins",
                100,
                "priceMinor",
                999,
                "currency",
                "USD")));
    webhook(
        FakeStripe.event(
            "evt_coins_" + pi,
            "payment_intent.succeeded",
            FakeStripe.paymentIntent(pi, "succeeded", 999, 999, "usd", metadata),
            null));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .get("/v1/coins/purchases/" + coinPurchase)
                            .body()
                            .path("status")
                            .asText())
                    .isEqualTo("CONFIRMED"));
    ok(
        admin.post(
            "/v1/gifts",
            Map.of("id", "gift-1", "senderId", "ann", "recipientId", "ben", "coins", 10)));
  }

  /** An escrow held, captured and paid out, and a failed payout of its payee. */
  private void writeEscrow() {
    String pi = "pi_" + escrow.replace("-", "").substring(0, 20);
    String charge = "ch_" + pi.substring(3);
    String payee = "acct_replay" + escrow.substring(0, 8);
    Map<String, String> metadata =
        Map.of("order_type", "escrow", "reference_id", escrow, "tenant", "default");
    FakeStripe.onCreate(
        escrow, FakeStripe.manualPaymentIntent(pi, "requires_payment_method", 5_000, 0, metadata));
    ok(
        admin.post(
            "/v1/escrows",
            Map.of(
                "id",
                escrow,
                "payerId",
                "ann",
                "payeeStripeAccount",
                payee,
                "amount",
                5_000,
                "currency",
                "USD",
                "platformFee",
                500)));
    FakeStripe.onRetrieveCharge(
        charge,
        FakeStripe.authorizedCharge(
            charge, pi, 5_000, java.time.Instant.now().plusSeconds(86_400).getEpochSecond()));
    webhook(
        FakeStripe.event(
            "evt_auth_" + pi,
            "payment_intent.amount_capturable_updated",
            FakeStripe.manualPaymentIntent(pi, "requires_capture", 5_000, 0, metadata),
            null));
    awaitEscrow("HELD");
    FakeStripe.onCapture(
        pi, FakeStripe.manualPaymentIntent(pi, "succeeded", 5_000, 5_000, metadata));
    FakeStripe.onTransfer(escrow, 0, FakeStripe.transfer("tr_" + pi, 4_500, payee, escrow));
    ok(admin.post("/v1/escrows/" + escrow + "/capture", Map.of()));
    awaitEscrow("COMPLETED");
    String payout =
        "{\"id\":\"po_"
            + pi
            + "\",\"object\":\"payout\",\"amount\":4500,\"currency\":\"usd\",\"status\":\"failed\","
            + "\"failure_code\":\"account_closed\",\"livemode\":false,\"created\":1700000000}";
    webhook(
        FakeStripe.event("evt_payout_" + pi, "payout.failed", payout, null)
            .replace(
                "\"object\":\"event\",", "\"object\":\"event\",\"account\":\"" + payee + "\","));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .get("/v1/reconciliation/escrows/daily")
                            .body()
                            .at("/days/0/payoutFailedAmount")
                            .asLong())
                    .isEqualTo(4_500));
  }

  private void webhook(String payload) {
    Http.Response delivered =
        new Http(port, null)
            .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now()))
            .postRaw("/v1/webhooks/stripe", payload, "application/json");
    assertThat(delivered.status()).as(delivered.toString()).isEqualTo(200);
  }

  private void awaitEscrow(String status) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(admin.get("/v1/escrows/" + escrow).body().path("status").asText())
                    .isEqualTo(status));
  }

  /** Waits until every read model has applied the whole history; answers its head. */
  long awaitProjections(JdbcTemplate jdbc) {
    long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
    for (String read :
        List.of(
            "/v1/accounts/" + USER,
            "/v1/transfers/p-1",
            "/v1/investments/" + investment,
            "/v1/escrows/" + escrow,
            "/v1/coins/purchases/" + coinPurchase,
            "/v1/gifts/gift-1",
            "/v1/products/" + SKU,
            "/v1/leaderboards/points-balance",
            "/v1/reconciliation/payments")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(admin.get(read + "?minPosition=" + head).status())
                      .as(read)
                      .isEqualTo(200));
    }
    return head;
  }

  /** Every row of every table of the read models, as canonical JSON text, sorted. */
  static Map<String, List<String>> tables(JdbcTemplate jdbc, ReadModels models) {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (ReadModel model : models.all()) {
      for (String table : model.tables()) {
        tables.put(
            table,
            jdbc.queryForList(
                "SELECT to_jsonb(t)::text FROM " + table + " t ORDER BY 1", String.class));
      }
    }
    return tables;
  }

  private static String event(String pi, String paid) {
    return FakeStripe.event("evt_" + pi, "payment_intent.succeeded", paid, null);
  }

  private static Map<String, Object> transfer(String id, String from, String to, long amount) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("debitAccount", from);
    body.put("creditAccount", to);
    body.put("amount", amount);
    body.put("asset", "POINTS");
    return body;
  }

  private static void ok(Http.Response response) {
    assertThat(response.status()).as(response.toString()).isBetween(200, 299);
    if (response.body().has("results")) {
      response
          .body()
          .get("results")
          .forEach(r -> assertThat(r.get("status").asText()).as(r.toString()).isEqualTo("created"));
    }
  }
}
