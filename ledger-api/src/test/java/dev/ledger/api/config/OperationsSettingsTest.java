package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.api.support.Engine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The settings of logs, metrics and rate limits: the environment variables README.md names are the
 * ones the engine reads, their defaults are the documented ones, secrets never show in the
 * settings' text, and a bad value stops start-up naming the variable.
 */
class OperationsSettingsTest {
  private static LedgerProperties fromEnvironment(Map<String, Object> variables) {
    StandardEnvironment environment = new StandardEnvironment();
    // in place of the real environment: Spring Boot maps LEDGER_A_B to ledger.a-b only for the
    // source of that name
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    return Binder.get(environment).bindOrCreate("ledger", LedgerProperties.class);
  }

  @Test
  void theDocumentedVariablesAreTheOnesRead() {
    LedgerProperties properties =
        fromEnvironment(
            Map.of(
                "LEDGER_LOG_FORMAT", "json",
                "LEDGER_METRICS_REFRESH_INTERVAL", "30s",
                "LEDGER_RATE_LIMITS_WRITE_PER_SECOND", "7",
                "LEDGER_RATE_LIMITS_WRITE_BURST", "8",
                "LEDGER_RATE_LIMITS_READ_PER_SECOND", "9",
                "LEDGER_RATE_LIMITS_READ_BURST", "10",
                "LEDGER_RATE_LIMITS_WEBHOOK_PER_SECOND", "11",
                "LEDGER_RATE_LIMITS_WEBHOOK_BURST", "12"));
    assertThat(LogFormat.parse(properties.logFormat())).isEqualTo(LogFormat.JSON);
    assertThat(properties.metrics().refreshInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(properties.rateLimits())
        .isEqualTo(new LedgerProperties.RateLimits(7, 8, 9, 10, 11, 12));
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    LedgerProperties properties = fromEnvironment(Map.of());
    assertThat(LogFormat.parse(properties.logFormat())).isEqualTo(LogFormat.TEXT);
    assertThat(properties.metrics().refreshInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(properties.rateLimits())
        .isEqualTo(new LedgerProperties.RateLimits(500, 1000, 1000, 2000, 100, 500));
  }

  @Test
  void theSettingsTextCarriesNoSecret() {
    LedgerProperties properties =
        fromEnvironment(
            Map.of(
                "LEDGER_BOOTSTRAP_API_KEY", "bootstrap-secret-never-logged",
                "LEDGER_DB_URL", "jdbc:postgresql://db/ledger?password=url-secret-never-logged",
                "LEDGER_DB_PASSWORD", "db-secret-never-logged",
                "LEDGER_STRIPE_SECRET_KEY", "sk_live_never_logged",
                "LEDGER_STRIPE_WEBHOOK_SECRET", "whsec_never_logged"));
    assertThat(properties.toString())
        .doesNotContain(
            "bootstrap-secret-never-logged",
            "url-secret-never-logged",
            "db-secret-never-logged",
            "sk_live_never_logged",
            "whsec_never_logged");
  }

  @Test
  void aBadValueStopsStartUpNamingTheVariable() {
    assertThat(settingOf(() -> LogFormat.parse("xml"))).isEqualTo("LEDGER_LOG_FORMAT");
    Map<String, String> bad =
        Map.of(
            "LEDGER_METRICS_REFRESH_INTERVAL", "10ms",
            "LEDGER_RATE_LIMITS_WRITE_PER_SECOND", "0",
            "LEDGER_RATE_LIMITS_WRITE_BURST", "-1",
            "LEDGER_RATE_LIMITS_READ_PER_SECOND", "1000001",
            "LEDGER_RATE_LIMITS_READ_BURST", "0",
            "LEDGER_RATE_LIMITS_WEBHOOK_PER_SECOND", "0",
            "LEDGER_RATE_LIMITS_WEBHOOK_BURST", "0");
    bad.forEach(
        (variable, value) ->
            assertThat(settingOf(() -> fromEnvironment(Map.of(variable, value))))
                .as(variable + "=" + value)
                .isEqualTo(variable));
  }

  @Test
  void anEngineWithAnUnknownLogFormatDoesNotStart() {
    // refused before logging starts, so before any database is looked for
    assertThatThrownBy(
            () ->
                Engine.start(
                    Map.of(
                        "ledger.db.url", "jdbc:postgresql://127.0.0.1:1/x",
                        "ledger.log-format", "xml")))
        .satisfies(e -> assertThat(settingOf(() -> sneakyThrow(e))).isEqualTo("LEDGER_LOG_FORMAT"));
  }

  private static Object sneakyThrow(Throwable e) {
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw new IllegalStateException(e);
  }

  private static String settingOf(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof LedgerConfigurationException config) {
          return config.setting();
        }
      }
      throw failure;
    }
    return null;
  }
}
