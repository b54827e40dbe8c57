package dev.ledger.api.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Transfers over HTTP: posted, pending, journal entries, batches, ids and their conflicts. */
class TransfersApiTest extends ApiTest {
  private static final String ISSUANCE = "platform:points:issuance";
  private static final String ALICE = "user:alice:points";
  private static final String BOB = "user:bob:points";

  @Test
  void movesValueFromOneAccountToAnotherAndBalancesStayZeroSum() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    Http.Response moved = transfer("t-1", ALICE, BOB, 40, "POINTS");
    assertThat(moved.status()).isEqualTo(201);
    assertThat(moved.body().get("status").asText()).isEqualTo("POSTED");
    long position = moved.body().get("position").asLong();

    assertThat(available(ALICE, position)).isEqualTo(60);
    assertThat(available(BOB, position)).isEqualTo(40);
    assertThat(available(ISSUANCE, position)).isEqualTo(-100);

    Http.Response read = api.get("/v1/transfers/t-1?minPosition=" + position);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("amount").asLong()).isEqualTo(40);
    assertThat(
            api.get("/v1/transfers?account=" + BOB + "&minPosition=" + position).body().get("data"))
        .hasSize(1);
  }

  @Test
  void aRepeatedIdWithTheSameContentAnswersTheTransferAndMovesNothing() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    assertThat(transfer("t-2", ALICE, BOB, 10, "POINTS").status()).isEqualTo(201);
    Http.Response again = transfer("t-2", ALICE, BOB, 10, "POINTS");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().get("id").asText()).isEqualTo("t-2");
    Http.Response different = transfer("t-2", ALICE, BOB, 11, "POINTS");
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.code()).isEqualTo("id_conflict");
    assertThat(available(ALICE, again.body().get("position").asLong())).isEqualTo(90);
  }

  @Test
  void rejectsWhatBreaksARuleAndChangesNothing() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    openAccount("user:carol:coins", "COINS", false);
    assertThat(transfer("r-1", ALICE, BOB, 101, "POINTS").code()).isEqualTo("insufficient_funds");
    assertThat(transfer("r-2", ALICE, "user:nobody:points", 1, "POINTS").code())
        .isEqualTo("account_not_found");
    assertThat(transfer("r-2", ALICE, "user:nobody:points", 1, "POINTS").status()).isEqualTo(404);
    Http.Response mismatch = transfer("r-3", ALICE, "user:carol:coins", 1, "POINTS");
    assertThat(mismatch.status()).isEqualTo(400);
    assertThat(mismatch.code()).isEqualTo("asset_mismatch");
    Http.Response same = transfer("r-4", ALICE, ALICE, 1, "POINTS");
    assertThat(same.status()).isEqualTo(400);
    assertThat(same.code()).isEqualTo("accounts_must_differ");
    Http.Response last = transfer("r-5", ALICE, BOB, 1, "POINTS");
    assertThat(available(ALICE, last.body().get("position").asLong())).isEqualTo(99);
    assertThat(api.get("/v1/transfers/r-1").status()).isEqualTo(404);
  }

  @Test
  void aPendingTransferHoldsFundsUntilPostedInPart() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    Http.Response pending =
        api.post(
            "/v1/transfers",
            Map.of(
                "id",
                "p-1",
                "debitAccount",
                ALICE,
                "creditAccount",
                BOB,
                "amount",
                50,
                "asset",
                "POINTS",
                "pending",
                true));
    assertThat(pending.status()).isEqualTo(201);
    assertThat(pending.body().get("status").asText()).isEqualTo("PENDING");
    JsonNode held = account(ALICE, pending.body().get("position").asLong());
    assertThat(held.get("balance").get("posted").asLong()).isEqualTo(100);
    assertThat(held.get("balance").get("pendingDebits").asLong()).isEqualTo(50);
    assertThat(held.get("balance").get("available").asLong()).isEqualTo(50);
    assertThat(transfer("too-much", ALICE, BOB, 51, "POINTS").code())
        .isEqualTo("insufficient_funds");

    Http.Response posted = api.post("/v1/transfers/p-1/post", Map.of("amount", 30));
    assertThat(posted.status()).as(posted.toString()).isEqualTo(200);
    assertThat(posted.body().get("status").asText()).isEqualTo("POSTED");
    assertThat(posted.body().get("postedAmount").asLong()).isEqualTo(30);
    long position = posted.body().get("position").asLong();
    assertThat(available(ALICE, position)).isEqualTo(70);
    assertThat(available(BOB, position)).isEqualTo(30);
    Http.Response again = api.post("/v1/transfers/p-1/void", null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("invalid_state");
  }

  @Test
  void postingMoreThanIsPendingIsRefused() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    api.post(
        "/v1/transfers",
        Map.of(
            "id",
            "p-2",
            "debitAccount",
            ALICE,
            "creditAccount",
            BOB,
            "amount",
            10,
            "asset",
            "POINTS",
            "pending",
            true));
    Http.Response over = api.post("/v1/transfers/p-2/post", Map.of("amount", 11));
    assertThat(over.status()).isEqualTo(400);
    assertThat(over.code()).isEqualTo("amount_exceeds_pending");
    assertThat(api.post("/v1/transfers/nope/post", null).code()).isEqualTo("transfer_not_found");
  }

  @Test
  void aVoidedTransferReleasesItsHold() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    api.post(
        "/v1/transfers",
        Map.of(
            "id",
            "p-3",
            "debitAccount",
            ALICE,
            "creditAccount",
            BOB,
            "amount",
            60,
            "asset",
            "POINTS",
            "pending",
            true));
    Http.Response voided = api.post("/v1/transfers/p-3/void", null);
    assertThat(voided.body().get("status").asText()).isEqualTo("VOIDED");
    assertThat(available(ALICE, voided.body().get("position").asLong())).isEqualTo(100);
    assertThat(api.post("/v1/transfers/p-3/post", null).code()).isEqualTo("invalid_state");
  }

  @Test
  void aPendingTransferPastItsTimeoutIsExpiredByTheEngine() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    Http.Response pending =
        api.post(
            "/v1/transfers",
            Map.of(
                "id",
                "p-4",
                "debitAccount",
                ALICE,
                "creditAccount",
                BOB,
                "amount",
                60,
                "asset",
                "POINTS",
                "pending",
                true,
                "timeoutSeconds",
                1));
    assertThat(pending.body().get("expiresAt").isNull()).isFalse();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(api.get("/v1/transfers/p-4").body().path("status").asText())
                    .isEqualTo("EXPIRED"));
    // the expiry releases the accounts' holds in the same transaction, after the transfer's event
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(
                        api.get("/v1/accounts/" + ALICE)
                            .body()
                            .get("balance")
                            .get("available")
                            .asLong())
                    .isEqualTo(100));
    assertThat(api.post("/v1/transfers/p-4/post", null).code()).isEqualTo("invalid_state");
  }

  @Test
  void aJournalEntryAppliesAllItsPostingsOrNone() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    Http.Response failed =
        api.post(
            "/v1/journal-entries",
            Map.of(
                "id",
                "j-1",
                "postings",
                List.of(
                    Map.of(
                        "debitAccount",
                        ALICE,
                        "creditAccount",
                        BOB,
                        "amount",
                        60,
                        "asset",
                        "POINTS"),
                    Map.of(
                        "debitAccount",
                        ALICE,
                        "creditAccount",
                        BOB,
                        "amount",
                        60,
                        "asset",
                        "POINTS"))));
    assertThat(failed.status()).isEqualTo(409);
    assertThat(failed.code()).isEqualTo("insufficient_funds");

    Http.Response entry =
        api.post(
            "/v1/journal-entries",
            Map.of(
                "id",
                "j-2",
                "reference",
                "order-1",
                "postings",
                List.of(
                    Map.of(
                        "debitAccount",
                        ALICE,
                        "creditAccount",
                        BOB,
                        "amount",
                        60,
                        "asset",
                        "POINTS"),
                    Map.of(
                        "debitAccount",
                        BOB,
                        "creditAccount",
                        ISSUANCE,
                        "amount",
                        10,
                        "asset",
                        "POINTS"))));
    assertThat(entry.status()).as(entry.toString()).isEqualTo(201);
    long position = entry.body().get("position").asLong();
    assertThat(available(ALICE, position)).isEqualTo(40);
    assertThat(available(BOB, position)).isEqualTo(50);
    assertThat(available(ISSUANCE, position)).isEqualTo(-90);
    assertThat(api.get("/v1/journal-entries/j-2?minPosition=" + position).body().get("postings"))
        .hasSize(2);
    assertThat(api.get("/v1/journal-entries/j-1?minPosition=" + position).status()).isEqualTo(404);
  }

  @Test
  void aBatchAnswersEachItemOnItsOwn() {
    funded(ISSUANCE, ALICE, 100, "POINTS");
    openAccount(BOB, "POINTS", false);
    transfer("b-0", ALICE, BOB, 1, "POINTS");
    List<Map<String, Object>> items = new ArrayList<>();
    items.add(
        Map.of(
            "id",
            "b-1",
            "debitAccount",
            ALICE,
            "creditAccount",
            BOB,
            "amount",
            10,
            "asset",
            "POINTS"));
    items.add(
        Map.of(
            "id",
            "b-0",
            "debitAccount",
            ALICE,
            "creditAccount",
            BOB,
            "amount",
            1,
            "asset",
            "POINTS"));
    items.add(
        Map.of(
            "id",
            "b-2",
            "debitAccount",
            ALICE,
            "creditAccount",
            BOB,
            "amount",
            1000,
            "asset",
            "POINTS"));
    items.add(Map.of("debitAccount", ALICE, "creditAccount", BOB, "amount", 1, "asset", "POINTS"));
    items.add(
        Map.of(
            "id",
            "b-3",
            "debitAccount",
            ALICE,
            "creditAccount",
            BOB,
            "amount",
            1.5,
            "asset",
            "POINTS"));
    Http.Response batch = api.post("/v1/transfers/batch", Map.of("transfers", items));
    assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
    JsonNode results = batch.body().get("results");
    assertThat(results.get(0).get("status").asText()).isEqualTo("created");
    assertThat(results.get(1).get("status").asText()).isEqualTo("exists");
    assertThat(results.get(2).get("status").asText()).isEqualTo("rejected");
    assertThat(results.get(2).get("code").asText()).isEqualTo("insufficient_funds");
    assertThat(results.get(3).get("code").asText()).isEqualTo("validation_failed");
    assertThat(results.get(4).get("code").asText()).isEqualTo("validation_failed");
    assertThat(available(ALICE, batch.body().get("position").asLong())).isEqualTo(89);
  }

  @Test
  void aBatchMixesNewRepeatedRecordedAndPendingTransfersEachStandingAlone() {
    String carol = "user:carol:points";
    String dave = "user:dave:points";
    funded(ISSUANCE, carol, 100, "POINTS");
    openAccount(dave, "POINTS", false);
    assertThat(transfer("bm-old", carol, dave, 5, "POINTS").status()).isEqualTo(201);
    List<Map<String, Object>> items = new ArrayList<>();
    items.add(item("bm-old", carol, dave, 5, false));
    items.add(item("bm-new", carol, dave, 10, false));
    items.add(item("bm-new", carol, dave, 10, false));
    items.add(item("bm-new", carol, dave, 11, false));
    items.add(item("bm-pending", carol, dave, 20, true));
    items.add(item("bm-big", carol, dave, 1000, false));

    Http.Response batch = api.post("/v1/transfers/batch", Map.of("transfers", items));

    assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
    JsonNode results = batch.body().get("results");
    assertThat(results)
        .extracting(r -> r.get("status").asText() + " " + r.path("code").asText(""))
        .containsExactly(
            "exists ",
            "created ",
            "exists ",
            "rejected id_conflict",
            "created ",
            "rejected insufficient_funds");
    assertThat(results.get(4).get("transfer").get("status").asText()).isEqualTo("PENDING");
    long position = batch.body().get("position").asLong();
    assertThat(position)
        .isGreaterThanOrEqualTo(results.get(1).get("transfer").get("position").asLong());
    assertThat(available(carol, position)).isEqualTo(65);
    assertThat(available(dave, position)).isEqualTo(15);
  }

  private static Map<String, Object> item(
      String id, String debit, String credit, long amount, boolean pending) {
    return Map.of(
        "id",
        id,
        "debitAccount",
        debit,
        "creditAccount",
        credit,
        "amount",
        amount,
        "asset",
        "POINTS",
        "pending",
        pending);
  }

  private long available(String account, long position) {
    return account(account, position).get("balance").get("available").asLong();
  }

  private JsonNode account(String account, long position) {
    Http.Response response = api.get("/v1/accounts/" + account + "?minPosition=" + position);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }
}
