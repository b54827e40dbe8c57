package dev.ledger.api.escrow;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
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
import dev.ledger.core.escrow.EscrowCommands.CreateEscrow;
import dev.ledger.core.escrow.EscrowCommands.HoldEscrow;
import dev.ledger.core.escrow.EscrowId;
import dev.ledger.core.escrow.EscrowSweepHalted;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Escrow end to end, against the fake Stripe: created with a manual-capture PaymentIntent, held on
 * {@code payment_intent.amount_capturable_updated} until the charge's {@code capture_before},
 * captured once however many clients ask (on one node or two), the payee's share transferred with
 * the same idempotency key on every retry, manual review past the bound and an operator's retry,
 * releases, the expiry sweep behind its circuit breaker, and the ledger following the money.
 */
class EscrowApiTest extends EscrowTest {
  @Autowired CommandGateway commands;
  @Autowired EscrowSweeper sweeper;
  @Autowired JdbcTemplate jdbc;

  @Value("${ledger.db.url}")
  String databaseUrl;

  @Test
  void aHeldEscrowIsCapturedAndThePayeesShareTransferredAndTheLedgerFollowsTheMoney() {
    Escrow escrow = create(api, tenant, 10_000, 1_500);
    long captureBefore = Instant.now().plus(Duration.ofDays(7)).getEpochSecond();
    authorize(api, tenant, escrow, 10_000, captureBefore);
    JsonNode held = api.get("/v1/escrows/" + escrow.id()).body();
    assertThat(held.get("captureDeadline").asText())
        .isEqualTo(Instant.ofEpochSecond(captureBefore).toString());

    stubCapture(tenant, escrow, 10_000);
    FakeStripe.onTransfer(
        escrow.id(), 0, FakeStripe.transfer("tr_ok" + escrow.pi(), 8_500, PAYEE, escrow.id()));
    Http.Response capture = api.post("/v1/escrows/" + escrow.id() + "/capture", Map.of());
    assertThat(capture.status()).as(capture.toString()).isEqualTo(202);
    assertThat(capture.body().get("status").asText()).isEqualTo("CAPTURING");

    JsonNode completed = awaitStatus(api, escrow.id(), "COMPLETED");
    assertThat(completed.get("stripeTransferId").asText()).isEqualTo("tr_ok" + escrow.pi());
    assertThat(completed.get("payeeAmount").asLong()).isEqualTo(8_500);
    assertThat(completed.get("feeAmount").asLong()).isEqualTo(1_500);
    assertThat(completed.get("transitions").findValuesAsText("status"))
        .containsSubsequence(
            "AWAITING_AUTHORIZATION", "HELD", "CAPTURING", "CAPTURED", "COMPLETED");
    assertThat(balance(api, "escrow:" + escrow.id())).isZero();
    assertThat(balance(api, "payee:" + PAYEE + ":USD")).isEqualTo(8_500);
    assertThat(balance(api, "platform:revenue:USD")).isEqualTo(1_500);
    assertThat(balance(api, "platform:stripe:USD")).isEqualTo(-10_000);
    LoggedRequest transfer =
        FakeStripe.server()
            .findAll(
                postRequestedFor(urlEqualTo("/v1/transfers"))
                    .withRequestBody(containing("transfer_group=" + escrow.id())))
            .get(0);
    assertThat(transfer.getBodyAsString())
        .contains("amount=8500", "destination=" + PAYEE, "source_transaction=" + escrow.charge());
  }

  @Test
  void twoConcurrentCapturesOnOneNodeGiveExactlyOne202() throws Exception {
    Escrow escrow = create(api, tenant, 5_000, 0);
    authorize(api, tenant, escrow, 5_000, Instant.now().plus(Duration.ofDays(7)).getEpochSecond());
    stubCapture(tenant, escrow, 5_000);
    FakeStripe.onTransfer(
        escrow.id(), 0, FakeStripe.transfer("tr_c" + escrow.pi(), 5_000, PAYEE, escrow.id()));

    List<Integer> statuses = race(api, api, escrow.id());

    assertThat(statuses).containsExactlyInAnyOrder(202, 409);
    awaitStatus(api, escrow.id(), "COMPLETED");
    assertThat(
            FakeStripe.server()
                .findAll(
                    postRequestedFor(
                        urlEqualTo("/v1/payment_intents/" + escrow.pi() + "/capture"))))
        .hasSize(1);
  }

  @Test
  void twoConcurrentCapturesOnTwoNodesGiveExactlyOne202() throws Exception {
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(databaseUrl));
    settings.putAll(StripeApiTest.stripeSettings());
    settings.putAll(ESCROW_SETTINGS);
    try (Engine second = Engine.start(settings)) {
      Http other = new Http(second.port(), api.apiKey());
      for (int round = 0; round < 3; round++) {
        Escrow escrow = create(api, tenant, 5_000, 0);
        authorize(
            api, tenant, escrow, 5_000, Instant.now().plus(Duration.ofDays(7)).getEpochSecond());
        stubCapture(tenant, escrow, 5_000);
        FakeStripe.onTransfer(
            escrow.id(), 0, FakeStripe.transfer("tr_n" + escrow.pi(), 5_000, PAYEE, escrow.id()));

        List<Integer> statuses = race(api, other, escrow.id());

        assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(202, 409);
        awaitStatus(api, escrow.id(), "COMPLETED");
        assertThat(transferKeys(escrow.id())).hasSize(1);
      }
    }
  }

  private static List<Integer> race(Http first, Http second, String id) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (Http client : List.of(first, second)) {
        Callable<Integer> capture =
            () -> {
              start.await();
              return client.post("/v1/escrows/" + id + "/capture", Map.of()).status();
            };
        answers.add(pool.submit(capture));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTransferFailingTwiceThenSucceedingCompletesWithTheSameIdempotencyKey() {
    Escrow escrow = create(api, tenant, 8_000, 800);
    authorize(api, tenant, escrow, 8_000, Instant.now().plus(Duration.ofDays(7)).getEpochSecond());
    stubCapture(tenant, escrow, 8_000);
    FakeStripe.onTransfer(
        escrow.id(), 2, FakeStripe.transfer("tr_3rd" + escrow.pi(), 7_200, PAYEE, escrow.id()));

    assertThat(api.post("/v1/escrows/" + escrow.id() + "/capture", Map.of()).status())
        .isEqualTo(202);

    JsonNode completed = awaitStatus(api, escrow.id(), "COMPLETED");
    assertThat(completed.get("transitions").findValuesAsText("status"))
        .containsSubsequence("CAPTURED", "TRANSFER_FAILED", "TRANSFER_FAILED", "COMPLETED");
    List<String> keys = transferKeys(escrow.id());
    assertThat(keys)
        .hasSize(3)
        .containsOnly("ledger:" + tenant + ":escrow:" + escrow.id() + ":transfer");
    assertThat(balance(api, "escrow:" + escrow.id())).isZero();
  }

  @Test
  void aTransferFailingPastTheBoundGoesToManualReviewAndAnOperatorRetryCompletesIt() {
    Escrow escrow = create(api, tenant, 6_000, 600);
    authorize(api, tenant, escrow, 6_000, Instant.now().plus(Duration.ofDays(7)).getEpochSecond());
    stubCapture(tenant, escrow, 6_000);
    FakeStripe.onTransfer(
        escrow.id(), 3, FakeStripe.transfer("tr_ops" + escrow.pi(), 5_400, PAYEE, escrow.id()));

    api.post("/v1/escrows/" + escrow.id() + "/capture", Map.of());

    JsonNode review = awaitStatus(api, escrow.id(), "MANUAL_REVIEW");
    assertThat(review.get("reviewStep").asText()).isEqualTo("TRANSFER");
    assertThat(review.get("lastError").asText()).contains("Insufficient funds");
    assertThat(balance(api, "escrow:" + escrow.id())).isEqualTo(6_000);
    assertThat(transferKeys(escrow.id())).hasSize(3);

    Http operator = new Http(port, newKey(tenant, "admin", "ledger:read"));
    assertThat(api.post("/v1/admin/escrows/" + escrow.id() + "/retry", Map.of()).status())
        .as("the retry is an operator's")
        .isEqualTo(403);
    FakeStripe.onListTransfers("");
    Http.Response retry = operator.post("/v1/admin/escrows/" + escrow.id() + "/retry", Map.of());
    assertThat(retry.status()).as(retry.toString()).isEqualTo(202);

    awaitStatus(api, escrow.id(), "COMPLETED");
    assertThat(transferKeys(escrow.id()))
        .last()
        .isEqualTo("ledger:" + tenant + ":escrow:" + escrow.id() + ":transfer-retry-1");
    assertThat(balance(api, "escrow:" + escrow.id())).isZero();
    Http.Response again = operator.post("/v1/admin/escrows/" + escrow.id() + "/retry", Map.of());
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("invalid_state");
  }

  @Test
  void aReleaseCancelsTheAuthorisationAndACaptureAfterItIsAConflict() {
    Escrow escrow = create(api, tenant, 3_000, 0);
    authorize(api, tenant, escrow, 3_000, Instant.now().plus(Duration.ofDays(7)).getEpochSecond());
    FakeStripe.onCancel(
        escrow.pi(),
        FakeStripe.manualPaymentIntent(
            escrow.pi(), "canceled", 3_000, 0, metadata(tenant, escrow.id())));

    Http.Response release = api.post("/v1/escrows/" + escrow.id() + "/release", Map.of());
    assertThat(release.status()).as(release.toString()).isEqualTo(202);

    awaitStatus(api, escrow.id(), "CANCELED");
    Http.Response capture = api.post("/v1/escrows/" + escrow.id() + "/capture", Map.of());
    assertThat(capture.status()).isEqualTo(409);
    assertThat(capture.code()).isEqualTo("invalid_state");
    FakeStripe.server()
        .verify(
            1,
            postRequestedFor(urlEqualTo("/v1/payment_intents/" + escrow.pi() + "/cancel"))
                .withHeader(
                    "Idempotency-Key",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                        "ledger:" + tenant + ":escrow:" + escrow.id() + ":release")));
  }

  @Test
  void theSweepReleasesAtMostItsLimitOfExpiredHoldsAndRecordsTheHalt() {
    String sweepTenant = "sweep" + UUID.randomUUID().toString().substring(0, 8);
    newKey(sweepTenant, "ledger:read");
    FakeStripe.server()
        .stubFor(
            com.github.tomakehurst.wiremock.client.WireMock.post(
                    com.github.tomakehurst.wiremock.client.WireMock.urlMatching(
                        "/v1/payment_intents/pi_sweep[0-9a-z]+/cancel"))
                .willReturn(
                    com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        FakeStripe.manualPaymentIntent(
                            "pi_sweep0", "canceled", 100, 0, Map.of()))));
    Instant past = Instant.now().minus(Duration.ofHours(1));
    for (int i = 0; i < 200; i++) {
      EscrowId id = EscrowId.of(sweepTenant, "hold-" + i);
      send(sweepTenant, new CreateEscrow(id, "payer1", PAYEE, 100, "USD", 0, "pi_sweep" + i));
      send(sweepTenant, new HoldEscrow(id, 100, past.plusSeconds(i)));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jdbc.queryForObject(
                        "SELECT count(*) FROM escrow WHERE tenant_id = ? AND status = 'HELD'",
                        Long.class,
                        sweepTenant)
                    == 200);
    long haltsBefore = halts();

    EscrowSweeper.Result first = sweeper.sweep();

    assertThat(first.released()).isEqualTo(50);
    assertThat(first.haltedBy()).isEqualTo("max_releases");
    assertThat(halts()).isEqualTo(haltsBefore + 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jdbc.queryForObject(
                        "SELECT count(*) FROM escrow WHERE tenant_id = ? AND status = 'CANCELED'",
                        Long.class,
                        sweepTenant)
                    == 50);
    List<String> released =
        jdbc.queryForList(
            "SELECT id FROM escrow WHERE tenant_id = ? AND status = 'CANCELED' ORDER BY id",
            String.class,
            sweepTenant);
    assertThat(released)
        .as("the earliest deadlines first")
        .allSatisfy(id -> assertThat(Integer.parseInt(id.substring(5))).isLessThan(50));
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM escrow WHERE tenant_id = ? AND status = 'HELD'",
                Long.class,
                sweepTenant))
        .isEqualTo(150);
  }

  @Test
  void theSweepStopsAtItsAmountLimitPerCurrency() {
    String sweepTenant = "amount" + UUID.randomUUID().toString().substring(0, 8);
    newKey(sweepTenant, "ledger:read");
    FakeStripe.server()
        .stubFor(
            com.github.tomakehurst.wiremock.client.WireMock.post(
                    com.github.tomakehurst.wiremock.client.WireMock.urlMatching(
                        "/v1/payment_intents/pi_amount[0-9a-z]+/cancel"))
                .willReturn(
                    com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        FakeStripe.manualPaymentIntent(
                            "pi_amount0", "canceled", 100, 0, Map.of()))));
    // the earliest deadlines in the database, so this sweep starts with them
    Instant longAgo = Instant.now().minus(Duration.ofHours(3));
    EscrowId big = EscrowId.of(sweepTenant, "big");
    EscrowId second = EscrowId.of(sweepTenant, "second");
    send(sweepTenant, new CreateEscrow(big, "payer1", PAYEE, 4_000, "USD", 0, "pi_amount1"));
    send(sweepTenant, new HoldEscrow(big, 4_000, longAgo));
    send(sweepTenant, new CreateEscrow(second, "payer1", PAYEE, 3_000, "USD", 0, "pi_amount2"));
    send(sweepTenant, new HoldEscrow(second, 3_000, longAgo.plusSeconds(60)));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(sweepTenant, "second").equals("HELD"));

    EscrowSweeper.Result first = sweeper.sweep();

    assertThat(first.haltedBy()).isEqualTo("max_amount:USD");
    assertThat(first.amounts()).containsEntry("USD", 4_000L);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(sweepTenant, "big").equals("CANCELED"));
    assertThat(status(sweepTenant, "second")).isEqualTo("HELD");

    sweeper.sweep();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(sweepTenant, "second").equals("CANCELED"));
  }

  private String status(String tenantId, String id) {
    return jdbc
        .query(
            "SELECT status FROM escrow WHERE tenant_id = ? AND id = ?",
            (rs, i) -> rs.getString(1),
            tenantId,
            id)
        .stream()
        .findFirst()
        .orElse("");
  }

  private long halts() {
    return jdbc.queryForObject(
        "SELECT count(*) FROM domain_event_entry WHERE payload_type = ?",
        Long.class,
        EscrowSweepHalted.class.getName());
  }

  private void send(String tenantId, Object command) {
    commands.sendAndWait(
        GenericCommandMessage.asCommandMessage(command)
            .andMetaData(Map.of("tenant", tenantId, "keyId", "test")));
  }
}
