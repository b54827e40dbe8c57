package dev.ledger.api.escrow;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the escrow tests: the engine against the fake Stripe with fast escrow retries, and the
 * steps of an escrow's life as Stripe and a client take them.
 */
abstract class EscrowTest extends StripeApiTest {
  static final Map<String, String> ESCROW_SETTINGS =
      Map.of(
          "ledger.escrow.retry-backoff-base", "200ms",
          "ledger.escrow.retry-backoff-max", "400ms",
          "ledger.escrow.attempts-max", "3",
          "ledger.escrow.sweep-interval", "1d",
          "ledger.escrow.sweep-max-releases", "50",
          "ledger.escrow.sweep-max-amount", "6000");

  @DynamicPropertySource
  static void escrow(DynamicPropertyRegistry registry) {
    ESCROW_SETTINGS.forEach((key, value) -> registry.add(key, () -> value));
  }

  static final String PAYEE = "acct_1Payee";

  /** An escrow created through the API with its PaymentIntent at the fake Stripe. */
  record Escrow(String id, String pi, String charge) {}

  protected Escrow create(Http client, String tenantId, long amount, long fee) {
    String id = UUID.randomUUID().toString();
    String pi = "pi_" + id.replace("-", "").substring(0, 20);
    FakeStripe.onCreate(
        id,
        FakeStripe.manualPaymentIntent(
            pi, "requires_payment_method", amount, 0, metadata(tenantId, id)));
    Http.Response created =
        client.post(
            "/v1/escrows",
            Map.of(
                "id",
                id,
                "payerId",
                "payer1",
                "payeeStripeAccount",
                PAYEE,
                "amount",
                amount,
                "currency",
                "USD",
                "platformFee",
                fee));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.body().get("status").asText()).isEqualTo("AWAITING_AUTHORIZATION");
    assertThat(created.body().at("/payment/paymentIntentId").asText()).isEqualTo(pi);
    return new Escrow(id, pi, "ch_" + pi.substring(3));
  }

  static Map<String, String> metadata(String tenantId, String id) {
    return Map.of("order_type", "escrow", "reference_id", id, "tenant", tenantId);
  }

  /** Stripe authorises the payment: the hold lasts until the charge's capture_before. */
  protected void authorize(
      Http client, String tenantId, Escrow escrow, long amount, long captureBefore) {
    FakeStripe.onRetrieveCharge(
        escrow.charge(),
        FakeStripe.authorizedCharge(escrow.charge(), escrow.pi(), amount, captureBefore));
    String payload =
        FakeStripe.event(
            "evt_auth_" + escrow.id(),
            "payment_intent.amount_capturable_updated",
            FakeStripe.manualPaymentIntent(
                escrow.pi(), "requires_capture", amount, 0, metadata(tenantId, escrow.id())),
            null);
    assertThat(deliver(payload).status()).isEqualTo(200);
    awaitStatus(client, escrow.id(), "HELD");
  }

  protected void stubCapture(String tenantId, Escrow escrow, long amount) {
    FakeStripe.onCapture(
        escrow.pi(),
        FakeStripe.manualPaymentIntent(
            escrow.pi(), "succeeded", amount, amount, metadata(tenantId, escrow.id())));
  }

  protected JsonNode awaitStatus(Http client, String id, String status) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              Http.Response got = client.get("/v1/escrows/" + id);
              last[0] = got.body();
              assertThat(got.body().path("status").asText()).as(got.toString()).isEqualTo(status);
            });
    seen = Math.max(seen, last[0].get("position").asLong());
    return last[0];
  }

  /** The highest position a read of this test has seen: balances are read at least there. */
  long seen;

  protected long balance(Http client, String account) {
    Http.Response got = client.get("/v1/accounts/" + account + "?minPosition=" + seen);
    assertThat(got.status()).as(got.toString()).isEqualTo(200);
    return got.body().at("/balance/posted").asLong();
  }

  static List<String> transferKeys(String group) {
    return FakeStripe.server()
        .findAll(
            postRequestedFor(urlEqualTo("/v1/transfers"))
                .withRequestBody(containing("transfer_group=" + group)))
        .stream()
        .map(r -> r.getHeader("Idempotency-Key"))
        .toList();
  }

  protected static long inAWeek() {
    return Instant.now().plus(Duration.ofDays(7)).getEpochSecond();
  }
}
