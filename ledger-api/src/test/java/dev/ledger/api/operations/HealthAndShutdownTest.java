package dev.ledger.api.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Liveness and readiness apart: readiness is down while an event processor is not running and while
 * the database cannot be reached, and up again once they are back, while liveness stays up
 * throughout. A stopping engine answers the requests it has in flight before it goes, and leaves no
 * processor segment claimed behind it.
 */
class HealthAndShutdownTest {
  private static int status(Http anonymous, String path) {
    return anonymous.get(path).status();
  }

  @Test
  void readinessIsDownWhileAProcessorIsStoppedOrTheDatabaseIsGone() throws SQLException {
    String url = TestDatabases.newDatabase();
    String database = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(url));
    // the components of readiness, so the test sees which one is down (production shows none)
    settings.put("management.endpoint.health.group.readiness.show-details", "always");
    try (Engine engine = Engine.start(settings)) {
      Http anonymous = new Http(engine.port(), null);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> status(anonymous, "/actuator/health/readiness") == 200);
      assertThat(status(anonymous, "/actuator/health/liveness")).isEqualTo(200);

      EventProcessor balances =
          engine.bean(EventProcessingConfiguration.class).eventProcessor("balances").orElseThrow();
      balances.shutDown();
      Http.Response down = anonymous.get("/actuator/health/readiness");
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.body().path("status").asText()).isEqualTo("DOWN");
      assertThat(down.body().at("/components/processors/details/balances").asText())
          .isEqualTo("not running");
      assertThat(down.body().at("/components/db/status").asText()).isEqualTo("UP");
      assertThat(status(anonymous, "/actuator/health/liveness")).isEqualTo(200);
      balances.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> status(anonymous, "/actuator/health/readiness") == 200);

      try {
        onServer(
            "ALTER DATABASE " + database + " ALLOW_CONNECTIONS false",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + database
                + "'");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    anonymous
                        .get("/actuator/health/readiness")
                        .body()
                        .at("/components/db/status")
                        .asText()
                        .equals("DOWN"));
        assertThat(status(anonymous, "/actuator/health/liveness")).isEqualTo(200);
      } finally {
        onServer("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> status(anonymous, "/actuator/health/readiness") == 200);
    }
  }

  @Test
  void aStoppingEngineAnswersTheRequestsInFlightAndReleasesItsClaims() throws Exception {
    String url = TestDatabases.newDatabase();
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(url));
    settings.put("ledger.http.min-position-wait", "4s");
    JdbcTemplate jdbc =
        new JdbcTemplate(
            new DriverManagerDataSource(url, TestDatabases.user(), TestDatabases.password()));
    Engine engine = Engine.start(settings);
    String nodeId;
    CompletableFuture<Http.Response> inFlight;
    long closedAfterMillis;
    try {
      nodeId = engine.bean(LedgerProperties.class).nodeId();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          jdbc.queryForObject(
                              "SELECT count(*) FROM token_entry WHERE owner = ?",
                              Long.class,
                              nodeId))
                      .isPositive());
      Http admin = engine.admin();
      // a read that waits for a position the history has not reached: it ends after 4 s
      inFlight =
          CompletableFuture.supplyAsync(
              () -> admin.get("/v1/accounts/user:1:points?minPosition=1000000"));
      Thread.sleep(1_000);
    } finally {
      long closing = System.nanoTime();
      engine.close();
      closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
    }

    Http.Response answer = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
    assertThat(answer.code()).isEqualTo("projection_lagging");
    assertThat(closedAfterMillis).isGreaterThan(2_000); // the close waited for the request
    assertThat(jdbc.queryForObject("SELECT count(*) FROM token_entry", Long.class)).isPositive();
    assertThat(
            jdbc.queryForList(
                "SELECT processor_name || '/' || segment || ' ' || owner FROM token_entry"
                    + " WHERE owner IS NOT NULL",
                String.class))
        .as("segments still claimed after the engine stopped")
        .isEmpty();
  }

  @Test
  void aDeadlineFallingDueWhileTheEngineStopsWaitsForTheNextEngine() throws Exception {
    String url = TestDatabases.newDatabase();
    Map<String, String> settings = Engine.onDatabase(url);
    JdbcTemplate jdbc =
        new JdbcTemplate(
            new DriverManagerDataSource(url, TestDatabases.user(), TestDatabases.password()));
    try (Engine first = Engine.start(settings)) {
      Http api = first.admin();
      assertThat(
              api.post(
                      "/v1/accounts",
                      Map.of(
                          "id",
                          "platform:points:issuance",
                          "asset",
                          "POINTS",
                          "flags",
                          Map.of("allowNegative", true)))
                  .status())
          .isEqualTo(201);
      assertThat(
              api.post("/v1/accounts", Map.of("id", "user:1:points", "asset", "POINTS")).status())
          .isEqualTo(201);
      Http.Response hold =
          api.post(
              "/v1/transfers",
              Map.of(
                  "id", "hold",
                  "debitAccount", "platform:points:issuance",
                  "creditAccount", "user:1:points",
                  "amount", 10,
                  "asset", "POINTS",
                  "pending", true,
                  "timeoutSeconds", 2));
      assertThat(hold.status()).as(hold.toString()).isEqualTo(201);
      // the stop of the engine begins: from here on no deadline is taken
      first.bean(DeadlinesShutdown.class).stop();
      Thread.sleep(4_000); // the hold's deadline falls due meanwhile
      assertThat(api.get("/v1/transfers/hold").body().path("status").asText()).isEqualTo("PENDING");
    }
    // left due and untouched: not picked, never failed
    assertThat(
            jdbc.queryForList(
                "SELECT picked || '/' || coalesce(consecutive_failures, 0) FROM scheduled_tasks",
                String.class))
        .containsExactly("false/0");
    try (Engine second = Engine.start(settings)) {
      Http api = second.admin();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(api.get("/v1/transfers/hold").body().path("status").asText())
                      .isEqualTo("EXPIRED"));
    }
  }

  private static void onServer(String... statements) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(
                TestDatabases.serverUrl(), TestDatabases.user(), TestDatabases.password());
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
