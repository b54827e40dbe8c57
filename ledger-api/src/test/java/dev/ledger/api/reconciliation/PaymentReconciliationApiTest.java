package dev.ledger.api.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import dev.ledger.core.investment.InvestmentCommandHandler;
import dev.ledger.core.investment.InvestmentId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code GET /v1/reconciliation/payments}: each Stripe money movement the engine has seen, matched
 * against the domain (the investment's status and what it took as paid) and the ledger (the points
 * award and its reversal): MATCHED when all agree, AMOUNT_MISMATCH when an amount differs,
 * MISSING_IN_LEDGER when money moved at Stripe and the engine refused or never recorded it, STUCK
 * when a movement is parked or held. Filtered by status, paged, JSON or CSV.
 */
class PaymentReconciliationApiTest extends StripeApiTest {
  private static final long AMOUNT = 25_000;
  private static final long REWARD = 250;

  @Autowired JdbcTemplate jdbc;
  @Autowired PlatformTransactionManager transactionManager;

  private Http auditor;

  @BeforeEach
  void auditorOfThisTenant() {
    auditor = new Http(port, newKey(tenant, "audit:read"));
  }

  @Test
  void aPaidInvestmentAndItsAwardMatchAndSoDoTheRefundAndItsReversal() {
    String id = invest("pam");
    String pi = paymentIntentOf(id);
    deliver(
        FakeStripe.event("evt_paid_" + id, "payment_intent.succeeded", intent(id, AMOUNT), null));

    JsonNode paid = awaitMovement("payment", pi, "MATCHED");
    assertThat(paid.get("orderType").asText()).isEqualTo("investment");
    assertThat(paid.get("referenceId").asText()).isEqualTo(id);
    assertThat(paid.get("resourceId").asText()).isEqualTo(id);
    assertThat(paid.get("stripeStatus").asText()).isEqualTo("SUCCEEDED");
    assertThat(paid.get("stripeAmount").asLong()).isEqualTo(AMOUNT);
    assertThat(paid.get("currency").asText()).isEqualTo("USD");
    assertThat(paid.get("domainStatus").asText()).isEqualTo("ACTIVE");
    assertThat(paid.get("expectedAmount").asLong()).isEqualTo(AMOUNT);
    assertThat(paid.get("domainAmount").asLong()).isEqualTo(AMOUNT);
    assertThat(paid.get("ledgerTransferId").asText())
        .isEqualTo(InvestmentCommandHandler.awardTransferId(InvestmentId.of(tenant, id)).id());
    assertThat(paid.get("ledgerAmount").asLong()).isEqualTo(REWARD);
    assertThat(paid.get("webhookEventId").asText()).isEqualTo("evt_paid_" + id);
    causationLeadsFromTheWebhookToTheAward(pi, "evt_paid_" + id);

    String charge =
        """
        {"id":"ch_%s","object":"charge","amount":%d,"amount_refunded":%d,"currency":"usd","refunded":true,"payment_intent":"%s","metadata":{}}"""
            .formatted(id.substring(0, 8), AMOUNT, AMOUNT, pi);
    FakeStripe.onRetrieve(pi, intent(id, AMOUNT));
    deliver(FakeStripe.event("evt_refund_" + id, "charge.refunded", charge, null));
    JsonNode refund = awaitMovement("refund", "ch_" + id.substring(0, 8), "MATCHED");
    assertThat(refund.get("domainStatus").asText()).isEqualTo("REFUNDED");
    assertThat(refund.get("stripeAmount").asLong()).isEqualTo(AMOUNT);
    assertThat(refund.get("ledgerAmount").asLong()).as("the award reversed").isEqualTo(REWARD);
    assertThat(refund.get("ledgerTransferId").asText()).endsWith(":reversal");
  }

  @Test
  void aPaymentOfTheWrongAmountIsAnAmountMismatch() {
    String id = invest("max");
    deliver(
        FakeStripe.event("evt_short_" + id, "payment_intent.succeeded", intent(id, 20_000), null));
    JsonNode row =
        awaitMovement(
            "payment",
            paymentIntentOf(id),
            r -> {
              assertThat(r.get("status").asText()).isEqualTo("AMOUNT_MISMATCH");
              assertThat(r.get("domainStatus").asText())
                  .as("the investment refused the payment")
                  .isEqualTo("FAILED");
            });
    assertThat(row.get("stripeAmount").asLong()).isEqualTo(20_000);
    assertThat(row.get("expectedAmount").asLong()).isEqualTo(AMOUNT);
    assertThat(row.get("detail").asText()).isEqualTo("received 20000 USD, expected 25000 USD");
  }

  @Test
  void moneyTheEngineRefusedIsMissingInTheLedgerAndAParkedWebhookIsStuck() {
    // metadata that does not check out: rejected at once, never applied
    String refused = "pi_refused" + suffix();
    deliver(
        FakeStripe.event(
            "evt_refused" + suffix(),
            "payment_intent.succeeded",
            FakeStripe.paymentIntent(
                refused,
                "succeeded",
                5_000,
                5_000,
                "usd",
                Map.of("order_type", "investment", "reference_id", "not-a-uuid", "tenant", tenant)),
            null));
    JsonNode missing = awaitMovement("payment", refused, "MISSING_IN_LEDGER");
    assertThat(missing.get("stripeAmount").asLong()).isEqualTo(5_000);
    assertThat(missing.get("detail").asText()).contains("was rejected: metadata.reference_id");

    // a reference that never comes to exist: retried until the inbox parks it as a dead letter
    String parked = "pi_parked" + suffix();
    deliver(
        FakeStripe.event(
            "evt_parked" + suffix(),
            "payment_intent.succeeded",
            FakeStripe.paymentIntent(
                parked,
                "succeeded",
                7_000,
                7_000,
                "usd",
                Map.of(
                    "order_type",
                    "investment",
                    "reference_id",
                    UUID.randomUUID().toString(),
                    "tenant",
                    tenant)),
            null));
    JsonNode stuck = awaitMovement("payment", parked, "STUCK");
    assertThat(stuck.get("detail").asText()).contains("is a dead letter");

    String id = invest("ned");
    deliver(FakeStripe.event("evt_ok_" + id, "payment_intent.succeeded", intent(id, AMOUNT), null));
    awaitMovement("payment", paymentIntentOf(id), "MATCHED");

    List<JsonNode> unmatched = all("/v1/reconciliation/payments?status=unmatched&limit=1");
    assertThat(unmatched)
        .extracting(r -> r.get("stripeObjectId").asText())
        .containsExactlyInAnyOrder(refused, parked);
    assertThat(all("/v1/reconciliation/payments?status=matched"))
        .extracting(r -> r.get("stripeObjectId").asText())
        .containsExactly(paymentIntentOf(id));
    assertThat(all("/v1/reconciliation/payments?status=stuck")).hasSize(1);
    assertThat(all("/v1/reconciliation/payments")).hasSize(3);

    Http.Response csv =
        auditor.with("Accept", "text/csv").get("/v1/reconciliation/payments?status=unmatched");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    String[] lines = csv.raw().body().split("\r\n");
    assertThat(lines[0]).isEqualTo(String.join(",", ReconciliationController.PAYMENTS_CSV_HEADER));
    assertThat(lines).hasSize(3);
    assertThat(csv.raw().body())
        .contains("\r\nMISSING_IN_LEDGER,payment," + refused + ",")
        .contains("\r\nSTUCK,payment," + parked + ",");
  }

  @Test
  void aMovementNotReflectedYetIsInProgressUntilItHasWaitedTooLong() {
    String id = invest("oda");
    String pi = paymentIntentOf(id);
    // authorized (held) money: not final, so open
    deliver(
        FakeStripe.event(
            "evt_held_" + id,
            "payment_intent.amount_capturable_updated",
            FakeStripe.paymentIntent(pi, "requires_capture", AMOUNT, 0, "usd", metadata(id)),
            null));
    JsonNode held = awaitMovement("payment", pi, "IN_PROGRESS", "authorized and not captured");
    assertThat(held.get("stripeStatus").asText()).isEqualTo("AUTHORIZED");
    assertThat(held.get("domainStatus").asText()).isEqualTo("PENDING_PAYMENT");
    // the view's threshold is a setting of the session: with a millisecond, it is stuck already
    String status =
        new TransactionTemplate(transactionManager)
            .execute(
                tx -> {
                  jdbc.queryForObject(
                      "SELECT set_config('ledger.reconciliation_stuck_after', '1 millisecond', true)",
                      String.class);
                  return jdbc.queryForObject(
                      "SELECT status FROM v_reconciliation_payments WHERE stripe_object_id = ?",
                      String.class,
                      pi);
                });
    assertThat(status).isEqualTo("STUCK");
  }

  /**
   * The metadata chain: the webhook's command records PaymentSucceeded; the saga, handling it,
   * sends the activation, whose events (the investment's, the award's) carry the webhook's
   * correlation id, the Stripe event id as request id, and the saga as actor.
   */
  private void causationLeadsFromTheWebhookToTheAward(String pi, String stripeEventId) {
    Http.Response page = auditor.get("/v1/audit/events?limit=500");
    assertThat(page.status()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    page.body().get("data").forEach(events::add);
    JsonNode succeeded =
        events.stream()
            .filter(e -> e.get("aggregateId").asText().equals("stripe/payment/" + pi))
            .filter(e -> e.get("type").asText().equals("PaymentSucceeded"))
            .findFirst()
            .orElseThrow();
    assertThat(succeeded.get("metadata").get("keyId").asText()).isEqualTo("stripe");
    assertThat(succeeded.get("metadata").get("requestId").asText()).isEqualTo(stripeEventId);
    String correlation = succeeded.get("metadata").get("correlationId").asText();
    JsonNode activated =
        events.stream()
            .filter(e -> e.get("type").asText().equals("InvestmentActivated"))
            .findFirst()
            .orElseThrow();
    JsonNode award =
        events.stream()
            .filter(e -> e.get("type").asText().equals("TransferPosted"))
            .filter(e -> e.get("aggregateId").asText().endsWith(":award"))
            .findFirst()
            .orElseThrow();
    for (JsonNode caused : List.of(activated, award)) {
      JsonNode metadata = caused.get("metadata");
      assertThat(metadata.get("correlationId").asText()).isEqualTo(correlation);
      assertThat(metadata.get("requestId").asText()).isEqualTo(stripeEventId);
      assertThat(metadata.get("keyId").asText()).isEqualTo("engine:investment-payment-saga");
      assertThat(metadata.get("causationId").asText())
          .as("the saga's command, not the webhook's")
          .isNotEqualTo(succeeded.get("metadata").get("causationId").asText())
          .isEqualTo(activated.get("metadata").get("causationId").asText());
    }
  }

  private String invest(String userId) {
    String id = UUID.randomUUID().toString();
    String pi = paymentIntentOf(id);
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
                userId,
                "amount",
                AMOUNT,
                "currency",
                "USD",
                "pointsReward",
                REWARD));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return id;
  }

  private static String paymentIntentOf(String id) {
    return "pi_" + id.replace("-", "").substring(0, 20);
  }

  private Map<String, String> metadata(String referenceId) {
    return Map.of("order_type", "investment", "reference_id", referenceId, "tenant", tenant);
  }

  private String intent(String id, long received) {
    return FakeStripe.paymentIntent(
        paymentIntentOf(id), "succeeded", AMOUNT, received, "usd", metadata(id));
  }

  private JsonNode awaitMovement(String movement, String objectId, String status) {
    return awaitMovement(movement, objectId, status, null);
  }

  private JsonNode awaitMovement(String movement, String objectId, String status, String detail) {
    return awaitMovement(
        movement,
        objectId,
        row -> {
          assertThat(row.get("status").asText()).as(row.toString()).isEqualTo(status);
          if (detail != null) {
            assertThat(row.get("detail").asText()).isEqualTo(detail);
          }
        });
  }

  private JsonNode awaitMovement(
      String movement, String objectId, java.util.function.Consumer<JsonNode> expected) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode row =
                  all("/v1/reconciliation/payments").stream()
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
  private List<JsonNode> all(String path) {
    List<JsonNode> rows = new ArrayList<>();
    String next = path;
    while (next != null) {
      Http.Response page = auditor.get(next);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      page.body().get("data").forEach(rows::add);
      next =
          page.body().get("nextCursor").isNull()
              ? null
              : path
                  + (path.contains("?") ? "&" : "?")
                  + "cursor="
                  + page.body().get("nextCursor").asText();
    }
    return rows;
  }

  private static String suffix() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }
}
