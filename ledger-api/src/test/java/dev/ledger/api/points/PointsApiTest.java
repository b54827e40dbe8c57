package dev.ledger.api.points;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Loyalty points over HTTP: an award opens the user's points account and moves points out of the
 * issuance account, a redemption moves them into the redemption account, each exactly once per id,
 * the user's points never go below zero, the points of a tenant always sum to zero, and a wallet
 * shows only its own tenant's points.
 */
class PointsApiTest extends ApiTest {
  private static final String ISSUANCE = "platform:points:issuance";
  private static final String REDEEMED = "platform:points:redeemed";

  @Autowired JdbcTemplate jdbc;

  @Test
  void theFirstAwardOpensTheUsersPointsAccountAndAnswersTheNewBalance() {
    assertThat(api.get("/v1/accounts/user:alice:points").status()).isEqualTo(404);

    Http.Response awarded = award("a-1", "alice", 100);

    assertThat(awarded.status()).as(awarded.toString()).isEqualTo(201);
    assertThat(awarded.body().get("transferId").asText()).isEqualTo("a-1");
    assertThat(awarded.body().get("userId").asText()).isEqualTo("alice");
    assertThat(awarded.body().get("amount").asLong()).isEqualTo(100);
    assertThat(awarded.body().get("balance").asLong()).isEqualTo(100);
    long position = awarded.body().get("position").asLong();
    assertThat(position).isPositive();
    JsonNode account = account("user:alice:points", position);
    assertThat(account.get("asset").asText()).isEqualTo("POINTS");
    assertThat(account.get("flags").get("allowNegative").asBoolean()).isFalse();
    assertThat(account.get("balance").get("available").asLong()).isEqualTo(100);
    assertThat(available(ISSUANCE, position)).isEqualTo(-100);
    JsonNode transfer = api.get("/v1/transfers/a-1?minPosition=" + position).body();
    assertThat(transfer.get("debitAccount").asText()).isEqualTo(ISSUANCE);
    assertThat(transfer.get("creditAccount").asText()).isEqualTo("user:alice:points");
    assertThat(transfer.get("amount").asLong()).isEqualTo(100);
  }

  @Test
  void aSecondAwardAddsToTheBalance() {
    award("a-1", "alice", 100);
    Http.Response second = award("a-2", "alice", 50);

    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    assertThat(second.body().get("balance").asLong()).isEqualTo(150);
    long position = second.body().get("position").asLong();
    assertThat(available("user:alice:points", position)).isEqualTo(150);
    assertThat(available(ISSUANCE, position)).isEqualTo(-150);
  }

  @Test
  void anAwardRepeatedWithItsIdAnswers200AndMovesNothingAgain() {
    Http.Response first = award("a-1", "alice", 100);
    Http.Response again = award("a-1", "alice", 100);

    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.body().get("transferId").asText()).isEqualTo("a-1");
    assertThat(again.body().get("balance").asLong()).isEqualTo(100);
    long position =
        Math.max(first.body().get("position").asLong(), again.body().get("position").asLong());
    assertThat(available("user:alice:points", position)).isEqualTo(100);
    assertThat(entries("user:alice:points", position)).hasSize(1);
  }

  @Test
  void anAwardIdReusedWithAnotherAmountIsAConflictAndMovesNothing() {
    Http.Response first = award("a-1", "alice", 100);

    Http.Response other = award("a-1", "alice", 101);
    assertThat(other.status()).as(other.toString()).isEqualTo(409);
    assertThat(other.code()).isEqualTo("id_conflict");
    Http.Response otherUser = award("a-1", "bob", 100);
    assertThat(otherUser.status()).as(otherUser.toString()).isEqualTo(409);
    assertThat(otherUser.code()).isEqualTo("id_conflict");

    long position = first.body().get("position").asLong();
    assertThat(available("user:alice:points", position)).isEqualTo(100);
    assertThat(entries("user:alice:points", position)).hasSize(1);
    // the conflicting award to bob was refused whole: it opened no account for him either
    assertThat(api.get("/v1/accounts/user:bob:points?minPosition=" + position).status())
        .isEqualTo(404);
  }

  @Test
  void aRedemptionMovesPointsToTheRedemptionAccountAndAnswersTheNewBalance() {
    award("a-1", "alice", 100);

    Http.Response redeemed = redeem("r-1", "alice", 30);

    assertThat(redeemed.status()).as(redeemed.toString()).isEqualTo(201);
    assertThat(redeemed.body().get("transferId").asText()).isEqualTo("r-1");
    assertThat(redeemed.body().get("userId").asText()).isEqualTo("alice");
    assertThat(redeemed.body().get("amount").asLong()).isEqualTo(30);
    assertThat(redeemed.body().get("balance").asLong()).isEqualTo(70);
    long position = redeemed.body().get("position").asLong();
    assertThat(available("user:alice:points", position)).isEqualTo(70);
    assertThat(available(REDEEMED, position)).isEqualTo(30);
    JsonNode transfer = api.get("/v1/transfers/r-1?minPosition=" + position).body();
    assertThat(transfer.get("debitAccount").asText()).isEqualTo("user:alice:points");
    assertThat(transfer.get("creditAccount").asText()).isEqualTo(REDEEMED);

    Http.Response again = redeem("r-1", "alice", 30);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.body().get("balance").asLong()).isEqualTo(70);
    assertThat(redeem("r-1", "alice", 31).code()).isEqualTo("id_conflict");
  }

  @Test
  void redeemingMoreThanTheBalanceIsInsufficientFundsAndChangesNothing() {
    Http.Response awarded = award("a-1", "alice", 100);

    Http.Response tooMuch = redeem("r-1", "alice", 101);

    assertThat(tooMuch.status()).as(tooMuch.toString()).isEqualTo(409);
    assertThat(tooMuch.code()).isEqualTo("insufficient_funds");
    assertThat(tooMuch.header("Content-Type")).startsWith("application/problem+json");
    long position = awarded.body().get("position").asLong();
    assertThat(available("user:alice:points", position)).isEqualTo(100);
    assertThat(entries("user:alice:points", position)).hasSize(1);
    assertThat(api.get("/v1/transfers/r-1?minPosition=" + position).status()).isEqualTo(404);
    // the id of a refused redemption is still free
    Http.Response exact = redeem("r-1", "alice", 100);
    assertThat(exact.status()).as(exact.toString()).isEqualTo(201);
    assertThat(exact.body().get("balance").asLong()).isZero();
  }

  @Test
  void aUserWithoutPointsCannotRedeemAndGetsNoAccount() {
    Http.Response refused = redeem("r-1", "nobody", 1);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("insufficient_funds");
    Http.Response later = award("a-1", "alice", 1);
    long position = later.body().get("position").asLong();
    assertThat(api.get("/v1/accounts/user:nobody:points?minPosition=" + position).status())
        .isEqualTo(404);
    assertThat(api.get("/v1/accounts/" + REDEEMED + "?minPosition=" + position).status())
        .isEqualTo(404);
  }

  @Test
  void theWalletShowsPointsAndZeroCoinsAndEarnings() {
    award("a-1", "alice", 100);
    Http.Response last = redeem("r-1", "alice", 40);
    long position = last.body().get("position").asLong();

    Http.Response wallet = api.get("/v1/users/alice/wallet?minPosition=" + position);

    assertThat(wallet.status()).as(wallet.toString()).isEqualTo(200);
    assertThat(wallet.body().get("userId").asText()).isEqualTo("alice");
    assertThat(wallet.body().get("points").get("balance").asLong()).isEqualTo(60);
    assertThat(wallet.body().get("coins").get("balance").asLong()).isZero();
    assertThat(wallet.body().get("earnings").get("balance").asLong()).isZero();
    assertThat(wallet.body().get("position").asLong()).isGreaterThanOrEqualTo(position);

    JsonNode stranger = api.get("/v1/users/stranger/wallet?minPosition=" + position).body();
    assertThat(stranger.get("points").get("balance").asLong()).isZero();
    assertThat(stranger.get("coins").get("balance").asLong()).isZero();
    assertThat(stranger.get("earnings").get("balance").asLong()).isZero();
  }

  @Test
  void anAwardWithoutIdNeedsAnIdempotencyKeyAndMovesNothingWithoutOne() {
    Map<String, Object> body = Map.of("userId", "alice", "amount", 100, "reason", "signup");

    Http.Response refused = api.post("/v1/points/awards", body);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("idempotency_key_required");
    Http.Response refusedRedemption =
        api.post(
            "/v1/points/redemptions", Map.of("userId", "alice", "amount", 1, "reason", "gift"));
    assertThat(refusedRedemption.status()).isEqualTo(400);
    assertThat(refusedRedemption.code()).isEqualTo("idempotency_key_required");
    assertThat(eventsOfTenant()).isZero();

    Http keyed = api.with("Idempotency-Key", "award-alice-signup");
    Http.Response first = keyed.post("/v1/points/awards", body);
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    String transferId = first.body().get("transferId").asText();
    assertThat(transferId).isNotBlank();

    Http.Response replay = keyed.post("/v1/points/awards", body);
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.body().get("transferId").asText()).isEqualTo(transferId);
    assertThat(replay.body().get("balance").asLong()).isEqualTo(100);

    Http.Response otherBody =
        keyed.post(
            "/v1/points/awards", Map.of("userId", "alice", "amount", 999, "reason", "signup"));
    assertThat(otherBody.status()).isEqualTo(409);
    assertThat(otherBody.code()).isEqualTo("idempotency_key_conflict");

    long position = first.body().get("position").asLong();
    assertThat(available("user:alice:points", position)).isEqualTo(100);
    assertThat(entries("user:alice:points", position)).hasSize(1);
  }

  @Test
  void theUsersPointsNeverGoNegativeUnderConcurrentRedemptions() throws Exception {
    award("a-1", "alice", 100);
    int attempts = 24;
    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<Future<Http.Response>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < attempts; i++) {
        String id = "r-" + i;
        Callable<Http.Response> redemption = () -> redeem(id, "alice", 10);
        answers.add(pool.submit(redemption));
      }
      int accepted = 0;
      long position = 0;
      for (Future<Http.Response> answer : answers) {
        Http.Response response = answer.get();
        assertThat(response.status()).as(response.toString()).isIn(201, 409);
        if (response.status() == 201) {
          accepted++;
          assertThat(response.body().get("balance").asLong()).isNotNegative();
          position = Math.max(position, response.body().get("position").asLong());
        } else {
          assertThat(response.code()).isEqualTo("insufficient_funds");
        }
      }
      assertThat(accepted).isEqualTo(10);
      assertThat(available("user:alice:points", position)).isZero();
      assertThat(available(REDEEMED, position)).isEqualTo(100);
      assertThat(entries("user:alice:points", position)).hasSize(11);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPointsAccountOpenedByHandWithAllowNegativeStillCannotBeRedeemedBelowZero() {
    openAccount("user:carol:points", "POINTS", true);

    Http.Response refused = redeem("r-1", "carol", 5);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("insufficient_funds");
    Http.Response later = award("a-1", "alice", 1);
    assertThat(available("user:carol:points", later.body().get("position").asLong())).isZero();
  }

  @Test
  void anAwardNeverLandsInAUserAccountOfAnotherAsset() {
    openAccount("user:dave:points", "COINS", false);

    Http.Response refused = award("a-1", "dave", 5);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("asset_mismatch");
    assertThat(api.get("/v1/transfers/a-1").status()).isEqualTo(404);
  }

  @Test
  void anAwardThatWouldOverflowTheBalanceIsRefused() {
    Http.Response huge = award("a-1", "alice", Long.MAX_VALUE);
    assertThat(huge.status()).as(huge.toString()).isEqualTo(201);

    Http.Response more = award("a-2", "alice", 1);

    assertThat(more.status()).as(more.toString()).isEqualTo(409);
    assertThat(more.code()).isEqualTo("balance_overflow");
    assertThat(available("user:alice:points", huge.body().get("position").asLong()))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void thePointsOfATenantAlwaysSumToZero() {
    award("a-1", "alice", 100);
    award("a-2", "bob", 70);
    award("a-3", "carol", 5);
    redeem("r-1", "alice", 60);
    redeem("r-2", "bob", 70);
    redeem("r-3", "carol", 6); // refused
    Http.Response last = award("a-4", "alice", 1);
    long position = last.body().get("position").asLong();

    Http.Response listed = api.get("/v1/accounts?asset=POINTS&limit=500&minPosition=" + position);
    assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
    long sum = 0;
    Map<String, Long> balances = new java.util.HashMap<>();
    for (JsonNode account : listed.body().get("data")) {
      long posted = account.get("balance").get("posted").asLong();
      balances.put(account.get("id").asText(), posted);
      sum += posted;
    }
    assertThat(sum).isZero();
    assertThat(balances)
        .containsEntry(ISSUANCE, -176L)
        .containsEntry(REDEEMED, 130L)
        .containsEntry("user:alice:points", 41L)
        .containsEntry("user:bob:points", 0L)
        .containsEntry("user:carol:points", 5L)
        .hasSize(5);

    Long cached =
        jdbc.queryForObject(
            "SELECT coalesce(sum(credits_posted - debits_posted), 0) FROM account_balance"
                + " WHERE tenant_id = ? AND asset = 'POINTS'",
            Long.class,
            tenant);
    Long accounts =
        jdbc.queryForObject(
            "SELECT count(*) FROM account_balance WHERE tenant_id = ? AND asset = 'POINTS'",
            Long.class,
            tenant);
    assertThat(cached).isZero();
    assertThat(accounts).isEqualTo(5);
  }

  @Test
  void anotherTenantSeesNoneOfThesePoints() {
    Http.Response awarded = award("a-1", "alice", 100);
    long position = awarded.body().get("position").asLong();
    Http other = new Http(port, newKey(tenant + "x", "ledger:read", "ledger:write"));

    Http.Response wallet = other.get("/v1/users/alice/wallet?minPosition=" + position);

    assertThat(wallet.status()).as(wallet.toString()).isEqualTo(200);
    assertThat(wallet.body().get("points").get("balance").asLong()).isZero();
    assertThat(other.get("/v1/accounts/user:alice:points").status()).isEqualTo(404);
    assertThat(other.get("/v1/transfers/a-1").status()).isEqualTo(404);
    // the same id is free in the other tenant, and the first tenant's wallet is untouched
    Http.Response theirs =
        other.post(
            "/v1/points/awards",
            Map.of("id", "a-1", "userId", "alice", "amount", 7, "reason", "signup"));
    assertThat(theirs.status()).as(theirs.toString()).isEqualTo(201);
    assertThat(theirs.body().get("balance").asLong()).isEqualTo(7);
    long later = theirs.body().get("position").asLong();
    assertThat(
            api.get("/v1/users/alice/wallet?minPosition=" + later)
                .body()
                .get("points")
                .get("balance")
                .asLong())
        .isEqualTo(100);
  }

  private Http.Response award(String id, String userId, long amount) {
    return api.post(
        "/v1/points/awards",
        Map.of("id", id, "userId", userId, "amount", amount, "reason", "test award"));
  }

  private Http.Response redeem(String id, String userId, long amount) {
    return api.post(
        "/v1/points/redemptions",
        Map.of("id", id, "userId", userId, "amount", amount, "reason", "test redemption"));
  }

  private long available(String account, long position) {
    return account(account, position).get("balance").get("available").asLong();
  }

  private JsonNode account(String account, long position) {
    Http.Response response = api.get("/v1/accounts/" + account + "?minPosition=" + position);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }

  private JsonNode entries(String account, long position) {
    Http.Response response =
        api.get("/v1/accounts/" + account + "/entries?minPosition=" + position);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body().get("data");
  }

  private int eventsOfTenant() {
    Integer events =
        jdbc.queryForObject(
            "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
            Integer.class,
            tenant + "/%");
    return events == null ? 0 : events;
  }
}
