package dev.ledger.api.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import dev.ledger.api.support.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code POST /v1/admin/projections/{name}/replay} rebuilds a read model from the history aside and
 * swaps it in: the rebuilt tables equal the ones they replace row for row, reads keep answering all
 * along, and it works with several engines on one database, through the database alone, including
 * when the engine that ran it stops and another takes it over. Each test has a database of its own.
 */
class ProjectionReplayTest {
  private static Map<String, String> settings(String url, String node, int batchSize) {
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(url));
    settings.putAll(StripeApiTest.stripeSettings());
    settings.put("ledger.node-id", node);
    settings.put("ledger.processors.replay-batch-size", Integer.toString(batchSize));
    settings.put("ledger.processors.replay-poll-interval", "100ms");
    settings.put("ledger.processors.replay-takeover-after", "2s");
    return settings;
  }

  @Test
  void everyReadModelIsRebuiltIdenticallyWhileReadsKeepAnswering() {
    String url = TestDatabases.newDatabase();
    try (Engine engine = Engine.start(settings(url, "solo", 500))) {
      Http admin = engine.admin();
      JdbcTemplate jdbc = engine.bean(JdbcTemplate.class);
      ReadModels models = engine.bean(ReadModels.class);
      ReplayHistory history = new ReplayHistory(engine.port());
      history.write(1);
      history.awaitProjections(jdbc);
      Map<String, List<String>> before = ReplayHistory.tables(jdbc, models);
      assertThat(before.values()).allSatisfy(rows -> assertThat(rows).isNotEmpty());
      long balance =
          admin
              .get("/v1/accounts/" + ReplayHistory.USER)
              .body()
              .get("balance")
              .get("posted")
              .asLong();

      Reader reader = new Reader(admin, balance, history);
      reader.start();
      try {
        for (ReadModel model : models.all()) {
          JsonNode done = replay(admin, model.name());
          assertThat(done.get("replay").get("eventsApplied").asLong()).isPositive();
          assertThat(done.get("status").asText()).isEqualTo("RUNNING");
        }
      } finally {
        reader.stop();
      }
      assertThat(reader.failures).as("reads during the replays").isEmpty();
      assertThat(reader.reads.get()).as("reads during the replays").isGreaterThan(20);

      Map<String, List<String>> after = ReplayHistory.tables(jdbc, models);
      for (String table : before.keySet()) {
        assertThat(after.get(table)).as(table).isEqualTo(before.get(table));
      }
      assertThat(
              jdbc.queryForObject(
                  "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'ledger_replay_%'",
                  Integer.class))
          .as("shadow schemas dropped")
          .isZero();
      // and the live processors carry on from where the replay left them
      Http.Response more =
          admin.post(
              "/v1/transfers",
              Map.of(
                  "id",
                  "after-replay",
                  "debitAccount",
                  "platform:points:issuance",
                  "creditAccount",
                  ReplayHistory.USER,
                  "amount",
                  7,
                  "asset",
                  "POINTS"));
      assertThat(more.status()).isEqualTo(201);
      JsonNode account =
          admin
              .get(
                  "/v1/accounts/"
                      + ReplayHistory.USER
                      + "?minPosition="
                      + more.body().get("position"))
              .body();
      assertThat(account.get("balance").get("posted").asLong()).isEqualTo(balance + 7);
      assertThat(verify(admin).get("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void twoEnginesTakePartInAReplayWhileBothTakeWrites() throws Exception {
    String url = TestDatabases.newDatabase();
    try (Engine a = Engine.start(settings(url, "node-a", 50));
        Engine b = Engine.start(settings(url, "node-b", 50))) {
      JdbcTemplate jdbc = a.bean(JdbcTemplate.class);
      ReplayHistory history = new ReplayHistory(a.port());
      history.write(2);
      history.awaitProjections(jdbc);

      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      AtomicLong lastPosition = new AtomicLong();
      List<String> failures = new ArrayList<>();
      Thread writer =
          new Thread(
              () -> {
                int i = 0;
                while (writing.get()) {
                  Http node = (i % 2 == 0 ? a : b).admin();
                  Http.Response moved =
                      node.post(
                          "/v1/transfers",
                          Map.of(
                              "id",
                              "during-" + i,
                              "debitAccount",
                              "platform:points:issuance",
                              "creditAccount",
                              "user:" + (i % 5) + ":points",
                              "amount",
                              3,
                              "asset",
                              "POINTS"));
                  if (moved.status() == 201) {
                    written.incrementAndGet();
                    lastPosition.accumulateAndGet(moved.body().get("position").asLong(), Math::max);
                  } else {
                    failures.add(moved.toString());
                  }
                  i++;
                }
              });
      writer.start();
      try {
        JsonNode done = replay(a.admin(), "balances");
        assertThat(done.get("replay").get("runner").asText()).isEqualTo("node-a");
        String replayId = done.get("replay").get("id").asText();
        assertThat(
                jdbc.queryForList(
                    "SELECT node_id FROM projection_replay_ack WHERE replay_id = ? ORDER BY node_id",
                    String.class,
                    replayId))
            .as("each engine stopped its processor for the swap and said so")
            .containsExactly("node-a", "node-b");
      } finally {
        writing.set(false);
        writer.join();
      }
      assertThat(failures).isEmpty();
      assertThat(written.get()).as("writes during the replay").isPositive();

      for (Engine engine : List.of(a, b)) {
        Http admin = engine.admin();
        assertThat(
                admin
                    .get(
                        "/v1/accounts/" + ReplayHistory.USER + "?minPosition=" + lastPosition.get())
                    .status())
            .isEqualTo(200);
        // each engine's poller restarts its processor once it sees the replay done: a read that
        // waits wakes its processor at once now, so the answer above can come before that
        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () ->
                    assertThat(
                            admin
                                .get("/v1/admin/projections/balances")
                                .body()
                                .get("status")
                                .asText())
                        .as("the processor runs again on every engine")
                        .isEqualTo("RUNNING"));
      }
      // every cached balance equals its history: nothing of the writes was lost or applied twice
      JsonNode report = verify(b.admin());
      assertThat(report.get("projectionsMatch").asBoolean()).as(report.toString()).isTrue();
      assertThat(report.get("ok").asBoolean()).isTrue();
    }
  }

  @Test
  void anotherEngineTakesOverAReplayWhoseEngineStopped() {
    String url = TestDatabases.newDatabase();
    Engine a = Engine.start(settings(url, "node-a", 1));
    try (Engine b = Engine.start(settings(url, "node-b", 1))) {
      JdbcTemplate jdbc = b.bean(JdbcTemplate.class);
      ReadModels models = b.bean(ReadModels.class);
      ReplayHistory history = new ReplayHistory(a.port());
      history.write(2);
      history.awaitProjections(jdbc);
      Map<String, List<String>> before = ReplayHistory.tables(jdbc, models);

      Http.Response started = a.admin().post("/v1/admin/projections/transfers/replay", null);
      assertThat(started.status()).as(started.toString()).isEqualTo(202);
      String replayId = started.body().get("replay").get("id").asText();
      Http.Response again = b.admin().post("/v1/admin/projections/transfers/replay", null);
      assertThat(again.status()).as("a replay of transfers is under way").isEqualTo(409);
      assertThat(again.code()).isEqualTo("replay_in_progress");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  jdbc.queryForObject(
                          "SELECT events_applied FROM projection_replay WHERE id = ?",
                          Long.class,
                          replayId)
                      > 0);
      a.close();

      JsonNode done = awaitDone(b.admin(), "transfers", replayId);
      assertThat(done.get("replay").get("runner").asText()).isEqualTo("node-b");
      assertThat(ReplayHistory.tables(jdbc, models)).isEqualTo(before);
    } finally {
      a.close();
    }
  }

  /** Starts a replay and waits until it is done; answers the projection as it is then. */
  private static JsonNode replay(Http admin, String name) {
    Http.Response started = admin.post("/v1/admin/projections/" + name + "/replay", null);
    assertThat(started.status()).as(started.toString()).isEqualTo(202);
    assertThat(started.body().get("status").asText()).isEqualTo("REPLAYING");
    return awaitDone(admin, name, started.body().get("replay").get("id").asText());
  }

  private static JsonNode awaitDone(Http admin, String name, String replayId) {
    JsonNode[] done = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              JsonNode projection = admin.get("/v1/admin/projections/" + name).body();
              JsonNode replay = projection.get("replay");
              assertThat(replay.get("id").asText()).isEqualTo(replayId);
              assertThat(replay.get("state").asText())
                  .as(String.valueOf(replay.get("error")))
                  .isIn("DONE", "BUILDING", "SWITCHING");
              assertThat(replay.get("state").asText()).isEqualTo("DONE");
              assertThat(projection.get("status").asText()).isEqualTo("RUNNING");
              done[0] = projection;
            });
    return done[0];
  }

  private static JsonNode verify(Http admin) {
    Http.Response report = admin.get("/v1/audit/verify");
    assertThat(report.status()).as(report.toString()).isEqualTo(200);
    return report.body();
  }

  /** Reads every read model over and over while replays run, and keeps what went wrong. */
  private static final class Reader {
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicInteger reads = new AtomicInteger();
    private final Http admin;
    private final long balance;
    private final ReplayHistory history;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    Reader(Http admin, long balance, ReplayHistory history) {
      this.admin = admin;
      this.balance = balance;
      this.history = history;
    }

    void start() {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  read(
                      "/v1/accounts/" + ReplayHistory.USER,
                      body -> body.get("balance").get("posted").asLong() == balance);
                  read("/v1/transfers/p-1", body -> body.get("postedAmount").asLong() == 200);
                  read(
                      "/v1/investments/" + history.investment,
                      body -> body.get("status").asText().equals("ACTIVE"));
                  read(
                      "/v1/products/" + ReplayHistory.SKU,
                      body -> body.get("onHand").asLong() == 8);
                  read(
                      "/v1/leaderboards/points-earned",
                      body -> body.get("entries").get(0).get("userId").asText().equals("cal"));
                  // the investment, the escrow and the coin purchase
                  read("/v1/reconciliation/payments", body -> body.get("data").size() == 3);
                }
              });
      thread.start();
    }

    private void read(String path, java.util.function.Predicate<JsonNode> expected) {
      Http.Response response = admin.get(path);
      reads.incrementAndGet();
      if (response.status() != 200 || !expected.test(response.body())) {
        failures.add(path + " → " + response);
      }
    }

    void stop() {
      running.set(false);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
