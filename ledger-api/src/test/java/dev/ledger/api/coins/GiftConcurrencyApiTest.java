package dev.ledger.api.coins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One sender with 1,000 coins sends 50 gifts of random sizes (more than the coins in all) at once,
 * to five recipients, over HTTP. The sender's coins never go below zero and end at exactly 1,000
 * less what was accepted; every accepted gift is in the sender's history and split exactly between
 * earnings and revenue; every refusal is {@code 409 insufficient_funds}; and the coins of the
 * sender, the earnings, the revenue and the issuance account sum to zero.
 */
class GiftConcurrencyApiTest extends ApiTest {
  private static final String SENDER = "user:whale:coins";
  private static final String ISSUANCE = "platform:coins:issuance";
  private static final String REVENUE = "platform:revenue:coins";
  private static final int GIFTS = 50;
  private static final long FUNDS = 1_000;

  @Autowired JdbcTemplate jdbc;

  @Test
  void concurrentGiftsNeverOverdrawTheSenderAndLoseNoCoin() throws Exception {
    funded(ISSUANCE, SENDER, FUNDS, "COINS");
    Random random = new Random(50);
    long[] coins = new long[GIFTS];
    for (int i = 0; i < GIFTS; i++) {
      coins[i] = 1 + random.nextInt(60);
    }
    assertThat(Arrays.stream(coins).sum()).as("more than the sender has").isGreaterThan(FUNDS);

    Map<Integer, Http.Response> answers = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(GIFTS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < GIFTS; i++) {
      int index = i;
      futures.add(
          clients.submit(
              () -> {
                start.await();
                answers.put(
                    index,
                    api.post(
                        "/v1/gifts",
                        Map.of(
                            "id",
                            "gift-" + index,
                            "senderId",
                            "whale",
                            "recipientId",
                            "fan" + (index % 5),
                            "coins",
                            coins[index])));
                return null;
              }));
    }
    start.countDown();
    for (Future<?> future : futures) {
      future.get(2, TimeUnit.MINUTES);
    }
    clients.shutdown();

    long accepted = 0;
    long fees = 0;
    long lastPosition = 0;
    List<String> acceptedIds = new ArrayList<>();
    for (var answer : answers.entrySet()) {
      Http.Response response = answer.getValue();
      if (response.status() == 201) {
        long gift = coins[answer.getKey()];
        assertThat(response.body().get("fee").asLong()).isEqualTo(gift * 3 / 10);
        assertThat(response.body().get("earnings").asLong() + response.body().get("fee").asLong())
            .isEqualTo(gift);
        assertThat(response.body().get("senderCoins").asLong()).isNotNegative();
        accepted += gift;
        fees += gift * 3 / 10;
        acceptedIds.add("gift-" + answer.getKey());
        lastPosition = Math.max(lastPosition, response.body().get("position").asLong());
      } else {
        assertThat(response.status()).as(response.toString()).isEqualTo(409);
        assertThat(response.code()).as(response.toString()).isEqualTo("insufficient_funds");
      }
    }
    assertThat(answers).hasSize(GIFTS);
    assertThat(acceptedIds).isNotEmpty().hasSizeLessThan(GIFTS);

    long remaining =
        api.get("/v1/accounts/" + SENDER + "?minPosition=" + lastPosition)
            .body()
            .get("balance")
            .get("available")
            .asLong();
    assertThat(remaining).isNotNegative().isEqualTo(FUNDS - accepted);
    assertThat(
            jdbc.queryForList(
                "SELECT balance_after FROM account_entry WHERE tenant_id = ? AND address = ?",
                Long.class,
                tenant,
                SENDER))
        .allMatch(balance -> balance >= 0);
    assertThat(
            jdbc.queryForObject(
                "SELECT coalesce(sum(-amount), 0) FROM account_entry"
                    + " WHERE tenant_id = ? AND address = ? AND transfer_id LIKE 'engine:gift:%'",
                Long.class, tenant, SENDER))
        .as("every accepted gift, and no other, in the sender's history")
        .isEqualTo(accepted);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
                Long.class,
                tenant + "/gift/%"))
        .isEqualTo(acceptedIds.size());

    long earnings =
        jdbc.queryForObject(
            "SELECT coalesce(sum(credits_posted - debits_posted), 0) FROM account_balance"
                + " WHERE tenant_id = ? AND address LIKE 'user:fan%:earnings'",
            Long.class, tenant);
    long revenue =
        jdbc.queryForObject(
            "SELECT credits_posted - debits_posted FROM account_balance WHERE tenant_id = ? AND address = ?",
            Long.class,
            tenant,
            REVENUE);
    assertThat(revenue).isEqualTo(fees);
    assertThat(earnings + revenue).isEqualTo(accepted);
    assertThat(
            jdbc.queryForObject(
                "SELECT sum(credits_posted::numeric - debits_posted) FROM account_balance"
                    + " WHERE tenant_id = ? AND asset = 'COINS'",
                BigDecimal.class,
                tenant))
        .as("coins, earnings, revenue and issuance sum to zero")
        .isZero();
  }
}
