package dev.ledger.api.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.Scrape;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * {@code /actuator/prometheus} answers admin keys only, while the health endpoints stay open to
 * probes; commands are counted by type, outcome and code with latency buckets; processor positions
 * and lag, dead letters, the webhook inbox and sagas match their tables; and a scrape never reaches
 * the database, whatever it asks.
 */
class MetricsApiTest extends ApiTest {
  @Autowired EngineGauges gauges;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired ObjectProvider<EventProcessingConfiguration> processing;
  @Autowired ObjectProvider<dev.ledger.api.config.ProcessorWakeups> wakeups;
  @Autowired ObjectProvider<org.axonframework.eventsourcing.eventstore.EventStore> eventStore;
  @Autowired LedgerProperties properties;

  @Autowired
  @Qualifier("serializer")
  Serializer serializer;

  private Scrape scrape() {
    Http.Response response = admin.get("/actuator/prometheus");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return new Scrape(response.raw().body());
  }

  @Test
  void theMetricsAnswerAdminKeysOnlyAsProblemsOtherwise() {
    Http.Response anonymous = api.as(null).get("/actuator/prometheus");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
    assertThat(anonymous.code()).isEqualTo("unauthenticated");

    Http.Response ledgerKey = api.get("/actuator/prometheus");
    assertThat(ledgerKey.status()).isEqualTo(403);
    assertThat(ledgerKey.header("Content-Type")).startsWith("application/problem+json");
    assertThat(ledgerKey.code()).isEqualTo("forbidden");
    assertThat(api.get("/actuator").status()).isEqualTo(403);

    assertThat(scrape().has("ledger_events_head")).isTrue();
  }

  @Test
  void noSpellingOfAPathGetsPastTheKeyCheck() {
    Http anonymous = api.as(null);
    for (String path :
        new String[] {
          "/%61ctuator/prometheus",
          "/actuator/health/../prometheus",
          "/actuator/health/..;/prometheus",
          "/actuator;x=1/prometheus",
          "/%761/accounts/user:1:points",
          "/v1;x=1/accounts/user:1:points",
          "/v1/webhooks/../accounts/user:1:points"
        }) {
      Http.Response response = anonymous.get(path);
      assertThat(response.status()).as(path + " → " + response).isIn(400, 401);
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }
  }

  @Test
  void healthAndBothProbesAreOpenWithoutAKey() {
    Http anonymous = api.as(null);
    for (String path :
        new String[] {
          "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"
        }) {
      Http.Response response = anonymous.get(path);
      assertThat(response.status()).as(path + " → " + response).isEqualTo(200);
      assertThat(response.body().path("status").asText()).isEqualTo("UP");
    }
  }

  @Test
  void commandsAreCountedByTypeOutcomeAndCodeWithLatencyBuckets() {
    Map<String, String> accepted =
        Map.of("command", "OpenAccount", "outcome", "accepted", "code", "none");
    Map<String, String> rejected =
        Map.of("command", "PostTransfer", "outcome", "rejected", "code", "insufficient_funds");
    Scrape before = scrape();

    openAccount("platform:points:issuance", "POINTS", true);
    openAccount("user:1:points", "POINTS", false);
    Http.Response overdraw =
        transfer("overdraw", "user:1:points", "platform:points:issuance", 5, "POINTS");
    assertThat(overdraw.code()).isEqualTo("insufficient_funds");

    Scrape after = scrape();
    assertThat(after.valueOrZero("ledger_commands_seconds_count", accepted))
        .isEqualTo(before.valueOrZero("ledger_commands_seconds_count", accepted) + 2);
    assertThat(after.valueOrZero("ledger_commands_seconds_count", rejected))
        .isEqualTo(before.valueOrZero("ledger_commands_seconds_count", rejected) + 1);
    Map<String, String> bucket = new java.util.HashMap<>(rejected);
    bucket.put("le", "+Inf");
    assertThat(after.valueOrZero("ledger_commands_seconds_bucket", bucket))
        .isEqualTo(after.valueOrZero("ledger_commands_seconds_count", rejected));
    assertThat(after.text()).contains("ledger_commands_seconds_bucket{code=\"none\"");
  }

  @Test
  void processorPositionsAndLagFollowTheHistory() {
    openAccount("platform:points:issuance", "POINTS", true);
    openAccount("user:2:points", "POINTS", false);
    Http.Response award =
        transfer("award", "platform:points:issuance", "user:2:points", 10, "POINTS");
    long position = award.body().get("position").asLong();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              gauges.refresh();
              Scrape scrape = scrape();
              Map<String, String> balances = Map.of("processor", "balances");
              double head = scrape.valueOrZero("ledger_events_head", Map.of());
              double reached = scrape.valueOrZero("ledger_processor_position", balances);
              assertThat(head).isGreaterThanOrEqualTo(position);
              assertThat(reached).isGreaterThanOrEqualTo(position);
              assertThat(scrape.valueOrZero("ledger_processor_lag", balances))
                  .isEqualTo(Math.max(0, head - reached));
              assertThat(scrape.valueOrZero("ledger_processor_running", balances)).isEqualTo(1);
              assertThat(scrape.valueOrZero("ledger_processor_error", balances)).isEqualTo(0);
              assertThat(scrape.valueOrZero("ledger_processor_segments_claimed", balances))
                  .isEqualTo(4); // every segment, on the only node
            });
  }

  @Test
  void deadLettersTheWebhookInboxAndSagasMatchTheirTables() {
    openAccount("platform:points:issuance", "POINTS", true);
    openAccount("user:3:points", "POINTS", false);
    assertThat(
            api.post(
                    "/v1/transfers",
                    Map.of(
                        "id", "held",
                        "debitAccount", "platform:points:issuance",
                        "creditAccount", "user:3:points",
                        "amount", 5,
                        "asset", "POINTS",
                        "pending", true,
                        "timeoutSeconds", 3600))
                .status())
        .isEqualTo(201);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              gauges.refresh();
              Scrape scrape = scrape();
              long sagas =
                  jdbc.queryForObject(
                      "SELECT count(*) FROM saga_entry WHERE saga_type LIKE '%PendingTransferExpirySaga'",
                      Long.class);
              assertThat(sagas).isPositive(); // the pending transfer's expiry
              assertThat(
                      scrape.valueOrZero(
                          "ledger_sagas_active", Map.of("saga", "PendingTransferExpirySaga")))
                  .isEqualTo(sagas);
              for (String status : new String[] {"RECEIVED", "PROCESSED", "DEAD"}) {
                assertThat(scrape.value("ledger_webhook_inbox", Map.of("status", status)))
                    .hasValue(
                        jdbc.queryForObject(
                            "SELECT count(*) FROM stripe_webhook_event WHERE status = ?",
                            Long.class,
                            status));
              }
              assertThat(
                      scrape.value("ledger_dead_letters", Map.of("processing_group", "balances")))
                  .hasValue(
                      jdbc.queryForObject(
                          "SELECT count(*) FROM dead_letter_entry WHERE processing_group = 'balances'",
                          Long.class));
            });
  }

  @Test
  void theEscrowSweepCountersAreExported() {
    Scrape scrape = scrape();
    assertThat(scrape.has("ledger_escrow_sweep_released_total")).isTrue();
    assertThat(scrape.has("ledger_escrow_sweep_halted_total")).isTrue();
    assertThat(scrape.has("ledger_rate_limited_total")).isTrue();
  }

  @Test
  void readingTheGaugesNeverQueriesTheDatabase() {
    AtomicInteger connections = new AtomicInteger();
    DataSource counting =
        new DelegatingDataSource(dataSource) {
          @Override
          public Connection getConnection() throws SQLException {
            connections.incrementAndGet();
            return super.getConnection();
          }
        };
    JdbcTemplate countingJdbc = new JdbcTemplate(counting);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    EngineGauges own =
        new EngineGauges(
            countingJdbc,
            eventStore,
            new Positions(countingJdbc, serializer, properties, processing, wakeups),
            processing,
            meters,
            properties,
            Clock.systemUTC());

    own.refresh();
    int perRefresh = connections.get();
    assertThat(perRefresh).isBetween(1, 8); // a handful of queries, whatever the engine holds
    assertThat(meters.find("ledger.processor.lag").gauges()).isNotEmpty();
    for (int i = 0; i < 100; i++) {
      meters.getMeters().stream()
          .filter(Gauge.class::isInstance)
          .forEach(gauge -> ((Gauge) gauge).value());
    }
    assertThat(connections.get()).isEqualTo(perRefresh);
  }
}
