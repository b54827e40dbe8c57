package dev.ledger.api.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 64 clients send 400 debits of random sizes at one account funded with 10,000, over HTTP. The
 * account never goes below zero, exactly what was accepted left it, every accepted debit is in its
 * history, and the balances of all accounts still sum to zero.
 */
class ConcurrentDebitsApiTest extends ApiTest {
  private static final String SOURCE = "user:hot:points";
  private static final String SINK = "platform:points:redeemed";
  private static final String ISSUANCE = "platform:points:issuance";

  @Autowired JdbcTemplate jdbc;

  @Test
  void aConstrainedAccountNeverGoesBelowZeroUnderConcurrentDebits() throws Exception {
    funded(ISSUANCE, SOURCE, 10_000, "POINTS");
    openAccount(SINK, "POINTS", true);
    Random random = new Random(42);
    long[] amounts = new long[400];
    for (int i = 0; i < amounts.length; i++) {
      amounts[i] = 1 + random.nextInt(60);
    }
    AtomicLong acceptedSum = new AtomicLong();
    Map<String, Long> accepted = new ConcurrentHashMap<>();
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(64);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < amounts.length; i++) {
      int index = i;
      futures.add(
          clients.submit(
              () -> {
                Http.Response response =
                    transfer("debit-" + index, SOURCE, SINK, amounts[index], "POINTS");
                statuses.merge(response.status(), 1, Integer::sum);
                if (response.status() == 201) {
                  acceptedSum.addAndGet(amounts[index]);
                  accepted.put("debit-" + index, response.body().get("position").asLong());
                } else {
                  assertThat(response.code())
                      .as(response.toString())
                      .isEqualTo("insufficient_funds");
                }
              }));
    }
    for (Future<?> future : futures) {
      future.get(2, TimeUnit.MINUTES);
    }
    clients.shutdown();
    assertThat(statuses.keySet()).containsOnly(201, 409);
    long total = java.util.Arrays.stream(amounts).sum();
    assertThat(total).isGreaterThan(10_000); // so some debits must be refused

    long lastPosition = accepted.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    JsonNode source = api.get("/v1/accounts/" + SOURCE + "?minPosition=" + lastPosition).body();
    long available = source.get("balance").get("available").asLong();
    assertThat(available).isGreaterThanOrEqualTo(0).isEqualTo(10_000 - acceptedSum.get());
    assertThat(
            api.get("/v1/accounts/" + SINK + "?minPosition=" + lastPosition)
                .body()
                .get("balance")
                .get("posted")
                .asLong())
        .isEqualTo(acceptedSum.get());

    // every balance the account ever had was non-negative, and every accepted debit is in its
    // history
    List<Long> balances =
        jdbc.queryForList(
            "SELECT balance_after FROM account_entry WHERE tenant_id = ? AND address = ?",
            Long.class,
            tenant,
            SOURCE);
    assertThat(balances).allMatch(b -> b >= 0);
    List<String> debited =
        jdbc.queryForList(
            "SELECT transfer_id FROM account_entry WHERE tenant_id = ? AND address = ? AND amount < 0",
            String.class,
            tenant,
            SOURCE);
    assertThat(debited).containsExactlyInAnyOrderElementsOf(accepted.keySet());

    Long sum =
        jdbc.queryForObject(
            "SELECT sum(credits_posted - debits_posted) FROM account_balance WHERE tenant_id = ? AND asset = 'POINTS'",
            Long.class,
            tenant);
    assertThat(sum).isZero();
    Long eventsSum =
        jdbc.queryForObject(
            "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ? AND payload_type LIKE '%AccountDebited'",
            Long.class, tenant + "/account/" + SOURCE);
    assertThat(eventsSum).isEqualTo(accepted.size());
  }
}
