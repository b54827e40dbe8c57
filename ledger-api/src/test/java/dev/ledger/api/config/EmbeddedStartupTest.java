package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no database configured the engine starts its own PostgreSQL under LEDGER_DATA_DIR (also as
 * root), keeps its data across restarts, and explains clearly when it cannot start one.
 */
class EmbeddedStartupTest {

  @Test
  void startsAnEmbeddedDatabaseAndKeepsItsDataAcrossARestart(@TempDir Path dataDir) {
    Map<String, String> settings = Map.of("ledger.data-dir", dataDir.toString());
    long position;
    try (Engine engine = Engine.start(settings)) {
      Http api = engine.admin();
      assertThat(api.get("/actuator/health").status()).isEqualTo(200);
      Http.Response opened =
          api.post("/v1/accounts", Map.of("id", "user:1:points", "asset", "POINTS"));
      assertThat(opened.status()).isEqualTo(201);
      position = opened.body().get("position").asLong();
    }
    assertThat(dataDir.resolve("postgres").resolve("PG_VERSION")).exists();
    try (Engine engine = Engine.start(settings)) {
      Http.Response read = engine.admin().get("/v1/accounts/user:1:points?minPosition=" + position);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.body().get("asset").asText()).isEqualTo("POINTS");
    }
  }

  @Test
  void explainsWhereTheDataDirectoryCannotBeUsed(@TempDir Path dir) throws Exception {
    Path file = Files.createFile(dir.resolve("not-a-directory"));
    assertThatThrownBy(
            () -> Engine.start(Map.of("ledger.data-dir", file.resolve("data").toString())))
        .hasRootCauseInstanceOf(java.nio.file.FileSystemException.class)
        .satisfies(e -> assertThat(settingOf(e)).isEqualTo("LEDGER_DATA_DIR"));
  }

  @Test
  void refusesAnInvalidDatabaseUrlNamingTheSetting() {
    assertThatThrownBy(() -> Engine.start(Map.of("ledger.db.url", "mysql://localhost/ledger")))
        .satisfies(e -> assertThat(settingOf(e)).isEqualTo("LEDGER_DB_URL"));
  }

  @Test
  void refusesAnUnreachableDatabaseNamingTheSetting() {
    assertThatThrownBy(
            () -> Engine.start(Map.of("ledger.db.url", "jdbc:postgresql://127.0.0.1:1/ledger")))
        .satisfies(e -> assertThat(settingOf(e)).isEqualTo("LEDGER_DB_URL"));
  }

  @Test
  void refusesOutOfRangeLimitsNamingTheSetting() {
    assertThatThrownBy(
            () ->
                Engine.start(
                    Map.of(
                        "ledger.db.url",
                        "jdbc:postgresql://127.0.0.1:1/x",
                        "ledger.http.page-size-max",
                        "0")))
        .satisfies(e -> assertThat(settingOf(e)).isEqualTo("LEDGER_HTTP_PAGE_SIZE_DEFAULT"));
    assertThatThrownBy(
            () ->
                Engine.start(
                    Map.of(
                        "ledger.db.url",
                        "jdbc:postgresql://127.0.0.1:1/x",
                        "ledger.bootstrap-api-key",
                        "short")))
        .satisfies(e -> assertThat(settingOf(e)).isEqualTo("LEDGER_BOOTSTRAP_API_KEY"));
  }

  private static String settingOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof LedgerConfigurationException config) {
        return config.setting();
      }
    }
    return null;
  }
}
