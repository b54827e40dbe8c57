package dev.ledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's quick mode, as the build runs it: a smoke check, never a timed test. It asserts
 * only that the run completes (engine started, every phase driven, replay done, report written) and
 * that the engine and the baseline stayed correct: Σ balances = 0 per asset, no negative balance
 * where none is allowed, no acknowledged transfer lost, every account holding what its acknowledged
 * transfers say, and the same again of the read models the replay rebuilt.
 */
class BenchQuickIT {

  @Test
  void theQuickRunCompletesAndBothLedgersStayCorrect() throws Exception {
    Path jar = Path.of(System.getProperty("ledger.engine.jar"));
    Path results = Path.of(System.getProperty("ledger.bench.results"));
    Options options =
        Options.parse(
            new String[] {"--quick", "--jar=" + jar, "--results=" + results}, databaseSettings());

    Bench.Outcome outcome = Bench.run(options);

    assertThat(outcome.report()).exists();
    assertThat(outcome.checks())
        .extracting(Checks.Check::name)
        .anyMatch(name -> name.startsWith("engine: every acknowledged transfer"))
        .anyMatch(name -> name.startsWith("baseline: every acknowledged transfer"))
        .anyMatch(name -> name.startsWith("replay: every acknowledged transfer"))
        .anyMatch(name -> name.startsWith("replay: account statements rebuilt in full"));
    assertThat(outcome.checks())
        .allSatisfy(check -> assertThat(check.problem()).as(check.name()).isNull());
    assertThat(outcome.correct()).isTrue();
  }

  /**
   * A fresh database on the server named by {@code LEDGER_TEST_DB_URL}, as the other tests use;
   * without it the engine starts its embedded PostgreSQL.
   */
  private static Map<String, String> databaseSettings() throws Exception {
    Map<String, String> settings = new HashMap<>();
    String server = System.getenv("LEDGER_TEST_DB_URL");
    if (server == null || server.isBlank()) {
      return settings;
    }
    String user = System.getenv().getOrDefault("LEDGER_TEST_DB_USER", "postgres");
    String password = System.getenv().getOrDefault("LEDGER_TEST_DB_PASSWORD", "");
    String name = "ledger_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection connection = DriverManager.getConnection(server, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    int query = server.indexOf('?');
    String base = query < 0 ? server : server.substring(0, query);
    settings.put(
        "LEDGER_DB_URL",
        base.substring(0, base.lastIndexOf('/') + 1)
            + name
            + (query < 0 ? "" : server.substring(query)));
    settings.put("LEDGER_DB_USER", user);
    settings.put("LEDGER_DB_PASSWORD", password);
    return settings;
  }
}
