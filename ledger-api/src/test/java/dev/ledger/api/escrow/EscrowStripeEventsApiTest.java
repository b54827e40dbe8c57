package dev.ledger.api.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What Stripe reports about an escrow's money after the fact: a PaymentIntent canceled or an
 * authorisation expired ends the escrow; a refund after completion is paid by the platform and ends
 * it as {@code REFUNDED}; a connected account's failed payout is recorded for its payee (and an
 * account no escrow pays is ignored). The daily reconciliation and the stuck list show it all, in
 * JSON and CSV.
 */
class EscrowStripeEventsApiTest extends EscrowTest {
  @Autowired JdbcTemplate jdbc;

  @Test
  void aPaymentIntentCanceledAtStripeCancelsAHeldEscrow() {
    Escrow escrow = create(api, tenant, 2_000, 0);
    authorize(api, tenant, escrow, 2_000, inAWeek());

    deliver(
        FakeStripe.event(
            "evt_cancel_" + escrow.id(),
            "payment_intent.canceled",
            FakeStripe.manualPaymentIntent(
                escrow.pi(), "canceled", 2_000, 0, metadata(tenant, escrow.id())),
            null));

    JsonNode canceled = awaitStatus(api, escrow.id(), "CANCELED");
    assertThat(canceled.get("transitions").findValuesAsText("detail"))
        .contains("the PaymentIntent was canceled at Stripe");
  }

  @Test
  void anExpiredAuthorisationCancelsTheEscrow() {
    Escrow escrow = create(api, tenant, 2_500, 0);
    authorize(api, tenant, escrow, 2_500, inAWeek());
    FakeStripe.onRetrieve(
        escrow.pi(),
        FakeStripe.manualPaymentIntent(
            escrow.pi(), "canceled", 2_500, 0, metadata(tenant, escrow.id())));

    deliver(
        FakeStripe.event(
            "evt_expired_" + escrow.id(),
            "charge.expired",
            FakeStripe.authorizedCharge(escrow.charge(), escrow.pi(), 2_500, inAWeek())
                .replace("\"status\":\"succeeded\"", "\"status\":\"failed\""),
            null));

    awaitStatus(api, escrow.id(), "CANCELED");
  }

  @Test
  void aRefundAfterCompletionIsPaidByThePlatformAndEndsTheEscrow() {
    Escrow escrow = create(api, tenant, 4_000, 400);
    authorize(api, tenant, escrow, 4_000, inAWeek());
    stubCapture(tenant, escrow, 4_000);
    FakeStripe.onTransfer(
        escrow.id(), 0, FakeStripe.transfer("tr_r" + escrow.pi(), 3_600, PAYEE, escrow.id()));
    api.post("/v1/escrows/" + escrow.id() + "/capture", Map.of());
    awaitStatus(api, escrow.id(), "COMPLETED");
    FakeStripe.onRetrieve(
        escrow.pi(),
        FakeStripe.manualPaymentIntent(
            escrow.pi(), "succeeded", 4_000, 4_000, metadata(tenant, escrow.id())));

    String refunded =
        """
        {"id":"%s","object":"charge","amount":4000,"amount_captured":4000,"amount_refunded":4000,
         "currency":"usd","captured":true,"refunded":true,"paid":true,"status":"succeeded",
         "payment_intent":"%s","livemode":false,"created":1700000000}"""
            .formatted(escrow.charge(), escrow.pi());
    for (int delivery = 0; delivery < 2; delivery++) {
      deliver(FakeStripe.event("evt_refund_" + escrow.id(), "charge.refunded", refunded, null));
    }

    JsonNode done = awaitStatus(api, escrow.id(), "REFUNDED");
    assertThat(done.get("refundedAmount").asLong()).isEqualTo(4_000);
    assertThat(balance(api, "platform:escrow-refunds:USD")).isEqualTo(-4_000);
    assertThat(balance(api, "platform:stripe:USD")).isZero();
    assertThat(balance(api, "payee:" + PAYEE + ":USD")).isEqualTo(3_600);
    assertThat(balance(api, "escrow:" + escrow.id())).isZero();
  }

  @Test
  void aFailedPayoutOfAPayeeIsRecordedOnceAndShownInTheDailyReconciliation() {
    String payee = "acct_" + tenant;
    Escrow escrow = createFor(payee, 1_000);
    String payout =
        """
        {"id":"po_%s","object":"payout","amount":7700,"currency":"usd","status":"failed",
         "failure_code":"account_closed","failure_message":"The bank account has been closed",
         "livemode":false,"created":1700000000}"""
            .formatted(tenant);
    String event =
        FakeStripe.event("evt_payout_" + tenant, "payout.failed", payout, null)
            .replace(
                "\"object\":\"event\",", "\"object\":\"event\",\"account\":\"" + payee + "\",");
    deliver(event);
    deliver(
        FakeStripe.event("evt_payout_other_" + tenant, "payout.failed", payout, null)
            .replace("\"object\":\"event\",", "\"object\":\"event\",\"account\":\"acct_nobody\","));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "PROCESSED".equals(status("evt_payout_" + tenant))
                    && "IGNORED".equals(status("evt_payout_other_" + tenant)));
    Http auditor = new Http(port, newKey(tenant, "audit:read"));
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Http.Response daily =
                  auditor.get("/v1/reconciliation/escrows/daily?from=" + today + "&to=" + today);
              assertThat(daily.status()).as(daily.toString()).isEqualTo(200);
              JsonNode day = daily.body().get("days").get(0);
              assertThat(day.get("payoutFailedAmount").asLong()).isEqualTo(7_700);
              assertThat(day.get("count").asLong()).isEqualTo(1);
              assertThat(day.get("pendingAmount").asLong()).isEqualTo(1_000);
            });
    assertThat(escrow.id()).isNotNull();
  }

  @Test
  void theDailyReconciliationAndTheStuckListAnswerJsonAndCsv() {
    Escrow completed = create(api, tenant, 5_000, 500);
    authorize(api, tenant, completed, 5_000, inAWeek());
    stubCapture(tenant, completed, 5_000);
    FakeStripe.onTransfer(
        completed.id(),
        0,
        FakeStripe.transfer("tr_d" + completed.pi(), 4_500, PAYEE, completed.id()));
    api.post("/v1/escrows/" + completed.id() + "/capture", Map.of());
    JsonNode done = awaitStatus(api, completed.id(), "COMPLETED");
    Escrow waiting = create(api, tenant, 700, 0);
    long position =
        awaitStatus(api, waiting.id(), "AWAITING_AUTHORIZATION").get("position").asLong();

    Http auditor = new Http(port, newKey(tenant, "audit:read"));
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    Http.Response daily =
        auditor.get(
            "/v1/reconciliation/escrows/daily?from="
                + today
                + "&to="
                + today
                + "&minPosition="
                + Math.max(position, done.get("position").asLong()));
    assertThat(daily.status()).as(daily.toString()).isEqualTo(200);
    JsonNode day = daily.body().get("days").get(0);
    assertThat(day.get("day").asText()).isEqualTo(today);
    assertThat(day.get("count").asLong()).isEqualTo(2);
    assertThat(day.get("completedAmount").asLong()).isEqualTo(5_000);
    assertThat(day.get("pendingAmount").asLong()).isEqualTo(700);
    assertThat(day.get("failedAmount").asLong()).isZero();
    assertThat(day.get("manualReview").asLong()).isZero();

    Http.Response csv =
        auditor
            .with("Accept", "text/csv")
            .get("/v1/reconciliation/escrows/daily?from=" + today + "&to=" + today);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    assertThat(csv.raw().body())
        .startsWith(
            "day,count,completedAmount,refundedAmount,pendingAmount,failedAmount,canceledAmount,"
                + "manualReview,payoutFailedAmount\r\n")
        .contains(today + ",2,5000,0,700,0,0,0,0\r\n");

    Http.Response stuck = auditor.get("/v1/reconciliation/escrows/stuck?olderThan=PT1M");
    assertThat(stuck.status()).as(stuck.toString()).isEqualTo(200);
    assertThat(stuck.body().get("data")).isEmpty();
    assertThat(stuck.body().get("olderThan").asText()).isEqualTo("PT1M");
    jdbc.update(
        "UPDATE escrow SET updated_at = now() - interval '2 hours' WHERE tenant_id = ? AND id = ?",
        tenant,
        waiting.id());
    JsonNode listed = auditor.get("/v1/reconciliation/escrows/stuck?olderThan=PT1H").body();
    assertThat(listed.get("data").findValuesAsText("id")).containsExactly(waiting.id());
    assertThat(listed.get("data").get(0).get("status").asText())
        .isEqualTo("AWAITING_AUTHORIZATION");
    Http.Response stuckCsv =
        auditor.with("Accept", "text/csv").get("/v1/reconciliation/escrows/stuck?olderThan=PT1H");
    assertThat(stuckCsv.raw().body())
        .startsWith("id,status,amount,currency,payeeStripeAccount,reviewStep,lastError,updatedAt")
        .contains(waiting.id() + ",AWAITING_AUTHORIZATION,700,USD," + PAYEE + ",,,");
  }

  private Escrow createFor(String payee, long amount) {
    String id = java.util.UUID.randomUUID().toString();
    String pi = "pi_" + id.replace("-", "").substring(0, 20);
    FakeStripe.onCreate(
        id,
        FakeStripe.manualPaymentIntent(
            pi, "requires_payment_method", amount, 0, metadata(tenant, id)));
    Http.Response created =
        api.post(
            "/v1/escrows",
            Map.of(
                "id",
                id,
                "payerId",
                "payer1",
                "payeeStripeAccount",
                payee,
                "amount",
                amount,
                "currency",
                "USD",
                "platformFee",
                0));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    awaitStatus(api, id, "AWAITING_AUTHORIZATION");
    return new Escrow(id, pi, "ch_" + pi.substring(3));
  }

  private String status(String eventId) {
    return jdbc
        .query(
            "SELECT status FROM stripe_webhook_event WHERE event_id = ?",
            (rs, i) -> rs.getString(1),
            eventId)
        .stream()
        .findFirst()
        .orElse(null);
  }
}
