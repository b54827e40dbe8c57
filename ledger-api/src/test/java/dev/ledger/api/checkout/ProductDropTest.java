package dev.ledger.api.checkout;

import static dev.ledger.api.checkout.Shop.item;
import static dev.ledger.api.checkout.Shop.stock;
import static dev.ledger.api.checkout.Shop.stocked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A product drop: 50 units, 500 buyers with enough points each, all ordering at once over HTTP, on
 * one node and on two nodes sharing one PostgreSQL. Exactly 50 orders complete and every other
 * buyer gets {@code 409 out_of_stock}; the stock is never oversold (no take leaves it below zero),
 * each winner paid once, every loser keeps all their points, and the points still sum to zero.
 */
class ProductDropTest extends ApiTest {
  private static final int UNITS = 50;
  private static final int BUYERS = 500;
  private static final long PRICE = 10;
  private static final long FUNDS = 100;
  private static final String SKU = "drop";

  @Autowired JdbcTemplate jdbc;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void fiftyUnitsGoToExactlyFiftyOfFiveHundredBuyersOnOneNode() throws Exception {
    drop(buyer -> api, api, jdbc, tenant);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void fiftyUnitsGoToExactlyFiftyOfFiveHundredBuyersOnTwoNodesSharingOneDatabase()
      throws Exception {
    String database = TestDatabases.newDatabase();
    Map<String, String> settings = Engine.onDatabase(database);
    try (Engine first = Engine.start(settings);
        Engine second = Engine.start(settings)) {
      assertThat(first.port()).isNotEqualTo(second.port());
      String shop = "drop" + Long.toHexString(System.nanoTime());
      String key = key(first.admin(), shop);
      Http one = new Http(first.port(), key);
      Http two = new Http(second.port(), key);
      drop(buyer -> buyer % 2 == 0 ? one : two, one, first.bean(JdbcTemplate.class), shop);
    }
  }

  private static String key(Http admin, String tenant) {
    Http.Response created = admin.post("/v1/admin/tenants", Map.of("id", tenant));
    assertThat(created.status()).as(created.toString()).isIn(200, 201);
    Http.Response key =
        admin.post(
            "/v1/admin/api-keys",
            Map.of(
                "tenant",
                tenant,
                "name",
                "drop",
                "scopes",
                List.of("ledger:read", "ledger:write")));
    assertThat(key.status()).as(key.toString()).isEqualTo(201);
    return key.body().get("secret").asText();
  }

  private static String buyer(int index) {
    return "buyer-" + index;
  }

  /** Runs the drop with each buyer's requests sent to {@code node(buyer)}. */
  private static void drop(IntFunction<Http> node, Http setup, JdbcTemplate jdbc, String tenant)
      throws Exception {
    stocked(setup, SKU, PRICE, null, null, UNITS);
    ExecutorService clients = Executors.newFixedThreadPool(64);
    try {
      List<Future<Http.Response>> awards = new ArrayList<>();
      for (int i = 0; i < BUYERS; i++) {
        int index = i;
        awards.add(
            clients.submit(
                () ->
                    node.apply(index)
                        .post(
                            "/v1/points/awards",
                            Map.of(
                                "id",
                                "award-" + index,
                                "userId",
                                buyer(index),
                                "amount",
                                FUNDS,
                                "reason",
                                "drop allowance"))));
      }
      for (Future<Http.Response> award : awards) {
        Http.Response response = award.get(60, TimeUnit.SECONDS);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
      }

      CountDownLatch go = new CountDownLatch(1);
      List<Future<Http.Response>> orders = new ArrayList<>();
      for (int i = 0; i < BUYERS; i++) {
        int index = i;
        orders.add(
            clients.submit(
                () -> {
                  go.await();
                  return Shop.pointsOrder(
                      node.apply(index), "order-" + index, buyer(index), item(SKU, 1));
                }));
      }
      go.countDown();

      Map<Integer, Integer> statuses = new TreeMap<>();
      Set<String> winners = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < BUYERS; i++) {
        Http.Response response = orders.get(i).get(60, TimeUnit.SECONDS);
        statuses.merge(response.status(), 1, Integer::sum);
        if (response.status() == 201) {
          assertThat(response.body().get("status").asText()).isEqualTo("COMPLETED");
          assertThat(response.body().get("userId").asText()).isEqualTo(buyer(i));
          assertThat(response.body().get("totalPoints").asLong()).isEqualTo(PRICE);
          winners.add(buyer(i));
        } else if (response.status() == 409) {
          assertThat(response.code()).as(response.toString()).isEqualTo("out_of_stock");
        } else {
          assertThat(response.status()).as("unexpected answer: " + response).isIn(201, 409);
        }
      }
      assertThat(statuses).isEqualTo(Map.of(201, UNITS, 409, BUYERS - UNITS));
      assertThat(winners).hasSize(UNITS);

      // never oversold: fifty takes, each leaving the stock at zero or above, the last at zero
      String product = tenant + "/product/" + SKU;
      List<Long> onHandAfter =
          jdbc.queryForList(
              "SELECT (convert_from(payload, 'UTF8')::jsonb->>'onHandAfter')::bigint"
                  + " FROM domain_event_entry WHERE aggregate_identifier = ?"
                  + " AND payload_type LIKE '%$StockTaken' ORDER BY sequence_number",
              Long.class, product);
      assertThat(onHandAfter).hasSize(UNITS).allSatisfy(left -> assertThat(left).isNotNegative());
      assertThat(onHandAfter.get(UNITS - 1)).isZero();
      assertThat(Shop.events(jdbc, tenant, "OrderPlaced")).isEqualTo(UNITS);
      Long head =
          jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
      assertThat(stock(setup, SKU, head)).containsExactly(0L, 0L, 0L);

      // each winner paid once, each loser kept every point, and the points sum to zero
      Map<String, Long> balances = Shop.pointsBalances(setup, head);
      Map<String, Long> wrong = new TreeMap<>();
      for (int i = 0; i < BUYERS; i++) {
        String account = "user:" + buyer(i) + ":points";
        long expected = winners.contains(buyer(i)) ? FUNDS - PRICE : FUNDS;
        if (!Long.valueOf(expected).equals(balances.get(account))) {
          wrong.put(account, balances.get(account));
        }
      }
      assertThat(wrong).as("buyers whose points are not what they paid").isEmpty();
      assertThat(balances.get("platform:points:redeemed")).isEqualTo(UNITS * PRICE);
      assertThat(balances.get("platform:points:issuance")).isEqualTo(-BUYERS * FUNDS);
      assertThat(balances.values().stream().mapToLong(Long::longValue).sum()).isZero();
      assertThat(balances).hasSize(BUYERS + 2);
    } finally {
      clients.shutdownNow();
    }
  }
}
