package dev.ledger.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.api.support.ChildEngine;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Several engines on one PostgreSQL. Commands are accepted on any node and the invariants hold: Σ
 * balances = 0 (1), no constrained account below zero (2), every acknowledged transfer recorded
 * exactly once and a repeat through the other node changes nothing (3), and the balance cache equal
 * to the event history (5). The processors share their segments between the nodes; a node killed
 * mid-load gives its segments up within the claim timeout, the survivor takes them over, and
 * nothing acknowledged is lost or applied twice.
 */
class MultiNodeTest {
  private static final String[] USERS = {"user:a", "user:b", "user:c", "user:d"};
  private static final long FUNDING = 5_000;

  private static Map<String, String> settings(String database, String node) {
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(database));
    settings.put("ledger.node-id", node);
    settings.put("ledger.processors.claim-timeout", "3s");
    settings.put("ledger.processors.balance-interval", "500ms");
    return settings;
  }

  @Test
  void twoNodesAcceptCommandsShareTheSegmentsAndKeepTheInvariants() throws Exception {
    String database = TestDatabases.newDatabase();
    try (Engine a = Engine.start(settings(database, "node-a"));
        Engine b = Engine.start(settings(database, "node-b"))) {
      awaitSegmentsShared(database, "balances", Set.of("node-a", "node-b"));
      Http viaA = a.admin();
      Http viaB = b.admin();
      fund(viaA);

      Map<String, Map<String, Object>> acknowledged = new ConcurrentHashMap<>();
      AtomicLong highest = new AtomicLong();
      drive(i -> i % 2 == 0 ? viaA : viaB, 6, 40, acknowledged, highest, new AtomicBoolean());

      assertInvariants(viaA, database, acknowledged, highest.get());
      // a repeat of acknowledged transfers through the other node changes nothing
      long eventsBefore = count(database, "SELECT count(*) FROM domain_event_entry");
      acknowledged.values().stream()
          .limit(20)
          .forEach(
              body -> {
                Http.Response again = viaB.post("/v1/transfers", body);
                assertThat(again.status()).as(again.toString()).isEqualTo(200);
              });
      assertThat(count(database, "SELECT count(*) FROM domain_event_entry"))
          .isEqualTo(eventsBefore);

      // deadlines run once: pending transfers held through both nodes each expire exactly once
      for (int i = 0; i < 10; i++) {
        Http node = i % 2 == 0 ? viaA : viaB;
        Http.Response held =
            node.post(
                "/v1/transfers",
                Map.of(
                    "id",
                    "held-" + i,
                    "debitAccount",
                    USERS[i % USERS.length],
                    "creditAccount",
                    USERS[(i + 1) % USERS.length],
                    "amount",
                    1,
                    "asset",
                    "USD",
                    "pending",
                    true,
                    "timeoutSeconds",
                    1));
        assertThat(held.status()).as(held.toString()).isEqualTo(201);
      }
      String expired =
          "SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE '%PendingTransferExpired'";
      await().atMost(Duration.ofSeconds(60)).until(() -> count(database, expired) == 10);
      Thread.sleep(3_000);
      assertThat(count(database, expired)).isEqualTo(10);
    }
  }

  @Test
  void aNodeKilledMidLoadGivesUpItsSegmentsAndNothingIsLostOrAppliedTwice() throws Exception {
    String database = TestDatabases.newDatabase();
    try (Engine a = Engine.start(settings(database, "node-a"));
        ChildEngine b = ChildEngine.start(settings(database, "node-b"), "384m")) {
      awaitSegmentsShared(database, "balances", Set.of("node-a", "node-b"));
      Http viaA = a.admin();
      Http viaB = b.admin();
      fund(viaA);

      Map<String, Map<String, Object>> acknowledged = new ConcurrentHashMap<>();
      AtomicLong highest = new AtomicLong();
      AtomicBoolean killed = new AtomicBoolean();
      ExecutorService killer = Executors.newSingleThreadExecutor();
      Future<?> kill =
          killer.submit(
              () -> {
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 60);
                b.kill();
                killed.set(true);
              });
      drive(i -> i % 2 == 0 ? viaA : viaB, 4, 50, acknowledged, highest, killed);
      kill.get();
      killer.shutdown();
      assertThat(killed).isTrue();

      // every segment of every processor ends with the survivor, within the claim timeout
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          count(
                              database,
                              "SELECT count(*) FROM token_entry WHERE owner IS DISTINCT FROM 'node-a'"))
                      .isZero());
      assertInvariants(viaA, database, acknowledged, highest.get());
    }
  }

  // ---- load ------------------------------------------------------------------------------------

  private static void fund(Http api) {
    open(api, "platform:issuance", true);
    for (String user : USERS) {
      open(api, user, false);
      Http.Response funded =
          api.post(
              "/v1/transfers",
              Map.of(
                  "id",
                  "fund-" + user.replace(':', '-'),
                  "debitAccount",
                  "platform:issuance",
                  "creditAccount",
                  user,
                  "amount",
                  FUNDING,
                  "asset",
                  "USD"));
      assertThat(funded.status()).as(funded.toString()).isEqualTo(201);
    }
  }

  private static void open(Http api, String id, boolean allowNegative) {
    Http.Response opened =
        api.post(
            "/v1/accounts",
            Map.of("id", id, "asset", "USD", "flags", Map.of("allowNegative", allowNegative)));
    assertThat(opened.status()).as(opened.toString()).isIn(200, 201);
  }

  /**
   * {@code clients} threads, each sending {@code perClient} transfers between the hot user accounts
   * through the node {@code nodeOf(client)}; a client whose node is gone moves to the other one
   * (its in-flight transfer has an unknown outcome and is not counted as acknowledged).
   */
  private static void drive(
      IntFunction<Http> nodeOf,
      int clients,
      int perClient,
      Map<String, Map<String, Object>> acknowledged,
      AtomicLong highest,
      AtomicBoolean secondNodeDown)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      running.add(
          pool.submit(
              () -> {
                Random random = new Random(client);
                for (int i = 0; i < perClient; i++) {
                  int from = random.nextInt(USERS.length);
                  int to = (from + 1 + random.nextInt(USERS.length - 1)) % USERS.length;
                  Map<String, Object> body =
                      Map.of(
                          "id",
                          "t-" + client + "-" + i,
                          "debitAccount",
                          USERS[from],
                          "creditAccount",
                          USERS[to],
                          "amount",
                          1 + random.nextInt(400),
                          "asset",
                          "USD");
                  Http node = secondNodeDown.get() ? nodeOf.apply(0) : nodeOf.apply(client);
                  try {
                    Http.Response answer = node.post("/v1/transfers", body);
                    if (answer.status() == 201 || answer.status() == 200) {
                      acknowledged.put((String) body.get("id"), body);
                      highest.accumulateAndGet(answer.body().get("position").asLong(), Math::max);
                    } else {
                      assertThat(answer.status()).as(answer.toString()).isIn(409, 503);
                    }
                  } catch (RuntimeException connectionLost) {
                    // the node died under this request: its outcome is unknown to the client
                  }
                }
              }));
    }
    for (Future<?> client : running) {
      client.get();
    }
    pool.shutdown();
  }

  // ---- checks ----------------------------------------------------------------------------------

  private static void assertInvariants(
      Http api, String database, Map<String, Map<String, Object>> acknowledged, long position)
      throws SQLException {
    assertThat(acknowledged).isNotEmpty();
    long total = 0;
    List<String> accounts = new ArrayList<>(List.of(USERS));
    accounts.add("platform:issuance");
    for (String account : accounts) {
      Http.Response cached = api.get("/v1/accounts/" + account + "?minPosition=" + position);
      assertThat(cached.status()).as(cached.toString()).isEqualTo(200);
      long reached = cached.body().get("position").asLong();
      Http.Response history = api.get("/v1/accounts/" + account + "/balance?atPosition=" + reached);
      // invariant 5: the cache equals the balance folded from the events
      assertThat(cached.body().at("/balance/posted").asLong())
          .as(account)
          .isEqualTo(history.body().get("posted").asLong());
      if (!account.startsWith("platform")) {
        // invariant 2
        assertThat(cached.body().at("/balance/available").asLong()).as(account).isNotNegative();
      }
      total += cached.body().at("/balance/posted").asLong();
    }
    // invariant 1
    assertThat(total).isZero();
    // invariant 3 and nothing lost: every acknowledged transfer exactly once in the history
    for (String id : acknowledged.keySet()) {
      assertThat(api.get("/v1/transfers/" + id + "?minPosition=" + position).status())
          .as(id)
          .isEqualTo(200);
    }
    assertThat(
            count(
                database,
                "SELECT count(*) - count(DISTINCT aggregate_identifier) FROM domain_event_entry"
                    + " WHERE payload_type LIKE '%TransferPosted'"))
        .isZero();
    // nothing applied twice: one statement line per debit and credit event
    assertThat(count(database, "SELECT count(*) FROM account_entry"))
        .isEqualTo(
            count(
                database,
                "SELECT count(*) FROM domain_event_entry WHERE payload_type LIKE '%AccountDebited'"
                    + " OR payload_type LIKE '%AccountCredited'"));
  }

  private static void awaitSegmentsShared(String database, String processor, Set<String> nodes) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              List<String> owners = new ArrayList<>();
              try (Connection connection =
                      DriverManager.getConnection(
                          database, TestDatabases.user(), TestDatabases.password());
                  Statement statement = connection.createStatement();
                  ResultSet rs =
                      statement.executeQuery(
                          "SELECT owner FROM token_entry WHERE processor_name = '"
                              + processor
                              + "'")) {
                while (rs.next()) {
                  owners.add(rs.getString(1));
                }
              }
              assertThat(new java.util.HashSet<>(owners)).isEqualTo(nodes);
            });
  }

  private static long count(String database, String sql) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(database, TestDatabases.user(), TestDatabases.password());
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
