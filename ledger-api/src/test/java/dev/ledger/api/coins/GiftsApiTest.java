package dev.ledger.api.coins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gifts over HTTP: the sender's coins go to the recipient's earnings less a 30 % fee (rounded down)
 * that goes to {@code platform:revenue:coins}, in one command; a gift id takes effect once; a gift
 * beyond the sender's coins, paid from earnings, or to oneself changes nothing; amounts up to 2^63
 * − 1 neither wrap nor lose a coin. The tenant's coins always sum to zero.
 */
class GiftsApiTest extends ApiTest {
  private static final String ISSUANCE = "platform:coins:issuance";

  @Autowired JdbcTemplate jdbc;

  /** Gives a user coins the way an operator could: a transfer from the issuance account. */
  private void fund(String userId, long coins) {
    openAccount(ISSUANCE, "COINS", true);
    openAccount("user:" + userId + ":coins", "COINS", false);
    Http.Response funded =
        transfer(
            "fund-" + userId + "-" + coins, ISSUANCE, "user:" + userId + ":coins", coins, "COINS");
    assertThat(funded.status()).as(funded.toString()).isEqualTo(201);
  }

  private Http.Response gift(String id, String from, String to, Object coins) {
    return api.post(
        "/v1/gifts", Map.of("id", id, "senderId", from, "recipientId", to, "coins", coins));
  }

  private JsonNode wallet(String userId, long position) {
    return api.get("/v1/users/" + userId + "/wallet?minPosition=" + position).body();
  }

  private long posted(String address, long position) {
    Http.Response account = api.get("/v1/accounts/" + address + "?minPosition=" + position);
    return account.status() == 404 ? 0 : account.body().get("balance").get("posted").asLong();
  }

  private void assertCoinsSumToZero(long position) {
    posted(ISSUANCE, position);
    assertThat(
            jdbc.queryForObject(
                "SELECT coalesce(sum(credits_posted::numeric - debits_posted), 0) FROM account_balance"
                    + " WHERE tenant_id = ? AND asset = 'COINS'",
                BigDecimal.class,
                tenant))
        .isZero();
  }

  @Test
  void splitsAGiftBetweenTheRecipientsEarningsAndThePlatformOnce() {
    fund("alice", 1_000);

    Http.Response sent = gift("g-1", "alice", "bob", 101);

    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    JsonNode body = sent.body();
    assertThat(body.get("coins").asLong()).isEqualTo(101);
    assertThat(body.get("fee").asLong()).as("floor(101 × 0.3)").isEqualTo(30);
    assertThat(body.get("earnings").asLong()).isEqualTo(71);
    assertThat(body.get("feeRate").asText()).isEqualTo("0.3");
    assertThat(body.get("senderCoins").asLong()).isEqualTo(899);
    long position = body.get("position").asLong();
    assertThat(wallet("alice", position).get("coins").get("balance").asLong()).isEqualTo(899);
    JsonNode bob = wallet("bob", position);
    assertThat(bob.get("earnings").get("balance").asLong()).isEqualTo(71);
    assertThat(bob.get("coins").get("balance").asLong()).as("earnings are not coins").isZero();
    assertThat(posted("platform:revenue:coins", position)).isEqualTo(30);
    assertCoinsSumToZero(position);

    JsonNode read = api.get("/v1/gifts/g-1?minPosition=" + position).body();
    assertThat(read.get("senderId").asText()).isEqualTo("alice");
    assertThat(read.get("recipientId").asText()).isEqualTo("bob");
    assertThat(read.get("coins").asLong()).isEqualTo(101);
    assertThat(read.get("fee").asLong()).isEqualTo(30);
    assertThat(read.get("earnings").asLong()).isEqualTo(71);
    assertThat(read.get("sentAt").asText()).isEqualTo(body.get("sentAt").asText());

    Http.Response again = gift("g-1", "alice", "bob", 101);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.body().get("fee").asLong()).isEqualTo(30);
    Http.Response conflict = gift("g-1", "alice", "bob", 102);
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.code()).isEqualTo("id_conflict");
    assertThat(
            wallet("alice", again.body().get("position").asLong())
                .get("coins")
                .get("balance")
                .asLong())
        .isEqualTo(899);
    assertThat(api.get("/v1/gifts/g-unknown").code()).isEqualTo("gift_not_found");
  }

  @Test
  void aGiftUnderAnIdempotencyKeyIsSentOnceAndReplayed() {
    fund("alice", 100);
    Map<String, Object> body = Map.of("senderId", "alice", "recipientId", "bob", "coins", 10);

    Http.Response first = api.with("Idempotency-Key", "gift-key-1").post("/v1/gifts", body);
    Http.Response second = api.with("Idempotency-Key", "gift-key-1").post("/v1/gifts", body);

    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.body().get("id").asText()).isEqualTo(first.body().get("id").asText());
    long position = second.body().get("position").asLong();
    assertThat(wallet("alice", position).get("coins").get("balance").asLong()).isEqualTo(90);
  }

  @Test
  void aGiftBeyondTheSendersCoinsChangesNothing() {
    fund("alice", 100);
    long before = gift("g-ok", "alice", "bob", 40).body().get("position").asLong();

    Http.Response refused = gift("g-2", "alice", "carol", 61);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("insufficient_funds");
    assertThat(wallet("alice", before).get("coins").get("balance").asLong()).isEqualTo(60);
    assertThat(api.get("/v1/gifts/g-2?minPosition=" + before).status()).isEqualTo(404);
    assertThat(api.get("/v1/accounts/user:carol:earnings").status())
        .as("no account left behind")
        .isEqualTo(404);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class,
                tenant + "/gift/g-2"))
        .isZero();
  }

  @Test
  void earningsCannotBeSpentAsCoins() {
    fund("alice", 100);
    gift("g-1", "alice", "bob", 100);

    Http.Response refused = gift("g-2", "bob", "alice", 1);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("insufficient_funds");
  }

  @Test
  void aUserCannotGiftToThemselves() {
    fund("alice", 100);

    Http.Response refused = gift("g-self", "alice", "alice", 10);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("validation_failed");
    assertThat(refused.body().get("errors").findValuesAsText("field")).contains("recipientId");
  }

  @Test
  void aWhaleWithNineQuintillionCoinsNeitherWrapsNorLosesACoin() {
    long nine = 9_000_000_000_000_000_000L;
    fund("whale", nine);
    // the issuance account has given out nine quintillion: it cannot give another
    Http.Response more =
        transfer("fund-more", ISSUANCE, "user:whale:coins", Long.MAX_VALUE - nine + 1, "COINS");
    assertThat(more.code()).as(more.toString()).isEqualTo("balance_overflow");

    Http.Response sent = gift("g-whale", "whale", "streamer", nine);

    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    assertThat(sent.body().get("fee").asLong()).isEqualTo(2_700_000_000_000_000_000L);
    assertThat(sent.body().get("earnings").asLong()).isEqualTo(6_300_000_000_000_000_000L);
    long position = sent.body().get("position").asLong();
    assertThat(wallet("streamer", position).get("earnings").get("balance").asLong())
        .isEqualTo(6_300_000_000_000_000_000L);
    assertThat(posted("platform:revenue:coins", position)).isEqualTo(2_700_000_000_000_000_000L);
    assertCoinsSumToZero(position);

    // earnings that would pass 2^63 - 1 refuse a gift whole
    openAccount("platform:coins:bonus", "COINS", true);
    fundFrom("platform:coins:bonus", "rich", 1_000);
    Http.Response topUp =
        transfer(
            "top-up",
            "platform:coins:bonus",
            "user:streamer:earnings",
            Long.MAX_VALUE - 6_300_000_000_000_000_000L - 10,
            "COINS");
    assertThat(topUp.status()).as(topUp.toString()).isEqualTo(201);
    Http.Response overflow = gift("g-overflow", "rich", "streamer", 100);
    assertThat(overflow.status()).as(overflow.toString()).isEqualTo(409);
    assertThat(overflow.code()).isEqualTo("balance_overflow");
    long after = topUp.body().get("position").asLong();
    assertThat(wallet("rich", after).get("coins").get("balance").asLong()).isEqualTo(1_000);
    assertThat(wallet("streamer", after).get("earnings").get("balance").asLong())
        .isEqualTo(Long.MAX_VALUE - 10);
  }

  private void fundFrom(String source, String userId, long coins) {
    openAccount("user:" + userId + ":coins", "COINS", false);
    Http.Response funded =
        transfer("fund-" + userId, source, "user:" + userId + ":coins", coins, "COINS");
    assertThat(funded.status()).as(funded.toString()).isEqualTo(201);
  }
}
