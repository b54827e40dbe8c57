package dev.ledger.api.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import dev.ledger.core.escrow.EscrowCommandHandler;
import dev.ledger.core.escrow.EscrowId;
import dev.ledger.core.shared.ResourceId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/reconciliation/payments} for escrows and coin purchases: an escrow's payment
 * matches while the escrow holds it, and once captured it matches the escrow's capture transfer
 * (before and after Stripe reports it succeeded), and a partial refund matches the escrow's refund
 * transfer; a coin purchase's payment matches its coin credit.
 */
class EscrowAndCoinReconciliationApiTest extends StripeApiTest {
  private static final String PAYEE = "acct_1Payee";

  private Http auditor;

  @BeforeEach
  void auditorOfThisTenant() {
    auditor = new Http(port, newKey(tenant, "audit:read"));
  }

  @Test
  void aHeldEscrowMatches() {
    String id = createEscrow(4_000);
    String pi = paymentIntentOf(id);
    authorize(id, 4_000);

    JsonNode held = awaitPayment(pi, "MATCHED");
    assertThat(held.get("orderType").asText()).isEqualTo("escrow");
    assertThat(held.get("resourceId").asText()).isEqualTo(id);
    assertThat(held.get("stripeStatus").asText()).isEqualTo("AUTHORIZED");
    assertThat(held.get("domainStatus").asText()).isEqualTo("HELD");
    assertThat(held.get("expectedAmount").asLong()).isEqualTo(4_000);
    assertThat(held.get("ledgerTransferId").isNull()).as("nothing captured yet").isTrue();
    assertThat(held.get("detail").asText())
        .isEqualTo("authorized and held by the escrow, which is HELD");
  }

  @Test
  void aCompletedEscrowMatchesItsCaptureTransferBeforeAndAfterStripeReportsTheSuccess() {
    String id = createEscrow(10_000);
    String pi = paymentIntentOf(id);
    authorize(id, 10_000);
    FakeStripe.onCapture(
        pi, FakeStripe.manualPaymentIntent(pi, "succeeded", 10_000, 10_000, metadata(id)));
    FakeStripe.onTransfer(id, 0, FakeStripe.transfer("tr_ok" + pi, 8_500, PAYEE, id));
    Http.Response capture = api.post("/v1/escrows/" + id + "/capture", Map.of());
    assertThat(capture.status()).as(capture.toString()).isEqualTo(202);
    awaitEscrow(id, "COMPLETED");
    String captureTransfer =
        EscrowCommandHandler.transferId(EscrowId.of(tenant, id), "capture").id();

    // the saga captured; Stripe's succeeded webhook has not come (yet): judged as succeeded
    JsonNode captured =
        awaitPayment(
            pi,
            row -> {
              assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("MATCHED");
              assertThat(row.get("domainStatus").asText()).isEqualTo("COMPLETED");
            });
    assertThat(captured.get("stripeStatus").asText()).isEqualTo("AUTHORIZED");
    assertThat(captured.get("domainAmount").asLong()).isEqualTo(10_000);
    assertThat(captured.get("ledgerTransferId").asText()).isEqualTo(captureTransfer);
    assertThat(captured.get("ledgerAmount").asLong()).isEqualTo(10_000);

    deliver(
        FakeStripe.event(
            "evt_succ_" + id,
            "payment_intent.succeeded",
            FakeStripe.manualPaymentIntent(pi, "succeeded", 10_000, 10_000, metadata(id)),
            null));
    JsonNode succeeded =
        awaitPayment(
            pi,
            row -> {
              assertThat(row.get("stripeStatus").asText()).isEqualTo("SUCCEEDED");
              assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("MATCHED");
            });
    assertThat(succeeded.get("stripeAmount").asLong()).isEqualTo(10_000);
    assertThat(succeeded.get("ledgerTransferId").asText()).isEqualTo(captureTransfer);
    assertThat(succeeded.get("ledgerAmount").asLong()).isEqualTo(10_000);
    assertThat(succeeded.get("webhookEventId").asText()).isEqualTo("evt_succ_" + id);

    // a partial refund after completion: the escrow records it, the platform pays it
    String charge = "ch_" + pi.substring(3);
    FakeStripe.onRetrieve(
        pi, FakeStripe.manualPaymentIntent(pi, "succeeded", 10_000, 10_000, metadata(id)));
    deliver(
        FakeStripe.event(
            "evt_refund_" + id,
            "charge.refunded",
            """
            {"id":"%s","object":"charge","amount":10000,"amount_refunded":3000,"currency":"usd","refunded":false,"payment_intent":"%s","metadata":{}}"""
                .formatted(charge, pi),
            null));
    JsonNode refund = awaitMovement("refund", charge, "MATCHED");
    assertThat(refund.get("stripeAmount").asLong()).isEqualTo(3_000);
    assertThat(refund.get("domainAmount").asLong())
        .as("the escrow's refunded total")
        .isEqualTo(3_000);
    assertThat(refund.get("ledgerTransferId").asText())
        .isEqualTo(EscrowCommandHandler.transferId(EscrowId.of(tenant, id), "refund-3000").id());
    assertThat(refund.get("ledgerAmount").asLong()).isEqualTo(3_000);
  }

  @Test
  void aConfirmedCoinPurchaseMatchesItsCoinCredit() {
    String id = UUID.randomUUID().toString();
    String pi = "pi_coins" + id.replace("-", "").substring(0, 16);
    Map<String, String> metadata =
        Map.of(
            "order_type",
            "coin_purchase",
            "reference_id",
            id,
            "tenant",
            tenant,
            "coin_purchase_id",
            id);
    FakeStripe.onCreate(
        id, FakeStripe.paymentIntent(pi, "requires_payment_method", 499, 0, "usd", metadata));
    Http.Response created =
        api.post(
            "/v1/coins/purchases",
            Map.of("id", id, "userId", "cora", "coins", 500, "priceMinor", 499, "currency", "USD"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    deliver(
        FakeStripe.event(
            "evt_coins_" + id,
            "payment_intent.succeeded",
            FakeStripe.paymentIntent(pi, "succeeded", 499, 499, "usd", metadata),
            null));

    JsonNode paid = awaitPayment(pi, "MATCHED");
    assertThat(paid.get("orderType").asText()).isEqualTo("coin_purchase");
    assertThat(paid.get("resourceId").asText()).isEqualTo(id);
    assertThat(paid.get("domainStatus").asText()).isEqualTo("CONFIRMED");
    assertThat(paid.get("expectedAmount").asLong()).isEqualTo(499);
    assertThat(paid.get("domainAmount").asLong()).isEqualTo(499);
    assertThat(paid.get("stripeAmount").asLong()).isEqualTo(499);
    assertThat(paid.get("ledgerTransferId").asText())
        .isEqualTo(ResourceId.engine("coin-purchase", id, "credit"));
    assertThat(paid.get("ledgerAmount").asLong()).as("the coins credited").isEqualTo(500);
  }

  private String createEscrow(long amount) {
    String id = UUID.randomUUID().toString();
    String pi = paymentIntentOf(id);
    FakeStripe.onCreate(
        id, FakeStripe.manualPaymentIntent(pi, "requires_payment_method", amount, 0, metadata(id)));
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
                amount,
                "currency",
                "USD",
                "platformFee",
                1_500));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return id;
  }

  private void authorize(String id, long amount) {
    String pi = paymentIntentOf(id);
    String charge = "ch_" + pi.substring(3);
    long captureBefore = Instant.now().plus(Duration.ofDays(7)).getEpochSecond();
    FakeStripe.onRetrieveCharge(
        charge, FakeStripe.authorizedCharge(charge, pi, amount, captureBefore));
    deliver(
        FakeStripe.event(
            "evt_auth_" + id,
            "payment_intent.amount_capturable_updated",
            FakeStripe.manualPaymentIntent(pi, "requires_capture", amount, 0, metadata(id)),
            null));
    awaitEscrow(id, "HELD");
  }

  private void awaitEscrow(String id, String status) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Http.Response got = api.get("/v1/escrows/" + id);
              assertThat(got.body().path("status").asText()).as(got.toString()).isEqualTo(status);
            });
  }

  private Map<String, String> metadata(String id) {
    return Map.of("order_type", "escrow", "reference_id", id, "tenant", tenant);
  }

  private static String paymentIntentOf(String id) {
    return "pi_" + id.replace("-", "").substring(0, 20);
  }

  private JsonNode awaitPayment(String pi, String status) {
    return awaitPayment(
        pi, row -> assertThat(row.get("status").asText()).as(row.toString()).isEqualTo(status));
  }

  private JsonNode awaitPayment(String pi, Consumer<JsonNode> expected) {
    return awaitMovement("payment", pi, expected);
  }

  private JsonNode awaitMovement(String movement, String objectId, String status) {
    return awaitMovement(
        movement,
        objectId,
        row -> assertThat(row.get("status").asText()).as(row.toString()).isEqualTo(status));
  }

  private JsonNode awaitMovement(String movement, String objectId, Consumer<JsonNode> expected) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode row =
                  rows().stream()
                      .filter(
                          r ->
                              r.get("movement").asText().equals(movement)
                                  && r.get("stripeObjectId").asText().equals(objectId))
                      .findFirst()
                      .orElse(null);
              assertThat(row).as(movement + " " + objectId).isNotNull();
              expected.accept(row);
              found[0] = row;
            });
    return found[0];
  }

  /** Every row, page after page. */
  private List<JsonNode> rows() {
    List<JsonNode> rows = new ArrayList<>();
    String path = "/v1/reconciliation/payments";
    String next = path;
    while (next != null) {
      Http.Response page = auditor.get(next);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      page.body().get("data").forEach(rows::add);
      next =
          page.body().get("nextCursor").isNull()
              ? null
              : path + "?cursor=" + page.body().get("nextCursor").asText();
    }
    return rows;
  }
}
