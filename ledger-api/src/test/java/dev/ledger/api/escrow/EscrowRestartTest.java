package dev.ledger.api.escrow;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
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
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A restart in the middle of an escrow resumes where it stopped: the transfer to the payee failed
 * and its retry was pending (a persisted deadline) when the engine stopped; the next engine makes
 * the retry, with the same idempotency key, and completes the escrow once.
 */
class EscrowRestartTest {
  private static final String TENANT = "default";
  private static final String PAYEE = "acct_1Restart";

  private static Map<String, String> settings(String database) {
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(database));
    settings.putAll(StripeApiTest.stripeSettings());
    settings.put("ledger.escrow.retry-backoff-base", "4s");
    settings.put("ledger.escrow.retry-backoff-max", "4s");
    settings.put("ledger.escrow.sweep-interval", "1d");
    return settings;
  }

  @Test
  void aTransferRetryPendingAcrossARestartCompletesTheEscrowOnce() {
    String database = TestDatabases.newDatabase();
    String id = UUID.randomUUID().toString();
    String pi = "pi_rs" + id.replace("-", "").substring(0, 18);
    String charge = "ch_" + pi.substring(3);
    Map<String, String> metadata =
        Map.of("order_type", "escrow", "reference_id", id, "tenant", TENANT);
    FakeStripe.onCreate(
        id, FakeStripe.manualPaymentIntent(pi, "requires_payment_method", 9_000, 0, metadata));
    FakeStripe.onRetrieveCharge(
        charge,
        FakeStripe.authorizedCharge(
            charge, pi, 9_000, Instant.now().plus(Duration.ofDays(7)).getEpochSecond()));
    FakeStripe.onCapture(
        pi, FakeStripe.manualPaymentIntent(pi, "succeeded", 9_000, 9_000, metadata));
    FakeStripe.onTransfer(id, 1, FakeStripe.transfer("tr_restart" + pi, 8_100, PAYEE, id));

    try (Engine first = Engine.start(settings(database))) {
      Http api = first.admin();
      Http.Response created =
          api.post(
              "/v1/escrows",
              Map.of(
                  "id",
                  id,
                  "payerId",
                  "payer1",
                  "payeeStripeAccount",
                  PAYEE,
                  "amount",
                  9_000,
                  "currency",
                  "USD",
                  "platformFee",
                  900));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String payload =
          FakeStripe.event(
              "evt_rs_" + id,
              "payment_intent.amount_capturable_updated",
              FakeStripe.manualPaymentIntent(pi, "requires_capture", 9_000, 0, metadata),
              null);
      new Http(first.port(), null)
          .with("Stripe-Signature", FakeStripe.sign(payload, FakeStripe.now()))
          .postRaw("/v1/webhooks/stripe", payload, "application/json");
      awaitStatus(api, id, "HELD");
      assertThat(api.post("/v1/escrows/" + id + "/capture", Map.of()).status()).isEqualTo(202);
      awaitStatus(api, id, "TRANSFER_FAILED");
    }

    try (Engine second = Engine.start(settings(database))) {
      Http api = second.admin();
      awaitStatus(api, id, "COMPLETED");
      var transfers =
          FakeStripe.server()
              .findAll(
                  postRequestedFor(urlEqualTo("/v1/transfers"))
                      .withRequestBody(containing("transfer_group=" + id)));
      assertThat(transfers)
          .hasSize(2)
          .allSatisfy(
              r ->
                  assertThat(r.getHeader("Idempotency-Key"))
                      .isEqualTo("ledger:" + TENANT + ":escrow:" + id + ":transfer"));
      Http.Response escrowAccount =
          api.get("/v1/accounts/escrow:" + id + "?minPosition=" + position(api, id));
      assertThat(escrowAccount.body().at("/balance/posted").asLong()).isZero();
    }
  }

  private static long position(Http api, String id) {
    return api.get("/v1/escrows/" + id).body().get("position").asLong();
  }

  private static void awaitStatus(Http api, String id, String status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () ->
                assertThat(api.get("/v1/escrows/" + id).body().path("status").asText())
                    .isEqualTo(status));
  }
}
