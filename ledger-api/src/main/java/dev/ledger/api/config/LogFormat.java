package dev.ledger.api.config;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * How the engine writes its log: {@code text}, lines for people, or {@code json}, one JSON object a
 * line (Spring Boot's structured logging in the Logstash layout) for a log pipeline. Every line of
 * a request carries {@code requestId}, and once the API key is known {@code tenant} and {@code
 * keyId}; the line of a command adds {@code command}, {@code outcome}, {@code code} and {@code
 * durationMs}.
 */
public enum LogFormat {
  TEXT,
  JSON;

  /** The Spring Boot setting that switches the console to structured JSON. */
  static final String STRUCTURED_CONSOLE = "logging.structured.format.console";

  /** Parses {@code LEDGER_LOG_FORMAT}; anything but {@code text} or {@code json} stops start-up. */
  public static LogFormat parse(String value) {
    return switch (value == null ? "text" : value.trim().toLowerCase(Locale.ROOT)) {
      case "", "text" -> TEXT;
      case "json" -> JSON;
      default ->
          throw new LedgerConfigurationException("LEDGER_LOG_FORMAT", "must be json or text");
    };
  }

  /**
   * Applies {@code LEDGER_LOG_FORMAT} before the logging system starts: Spring Boot configures
   * logging from the environment as soon as it is prepared, long before {@link LedgerProperties} is
   * bound, so the setting is read here and turned into Boot's own.
   */
  public static class Applier implements EnvironmentPostProcessor, Ordered {
    @Override
    public void postProcessEnvironment(
        ConfigurableEnvironment environment, SpringApplication application) {
      String value = Binder.get(environment).bind("ledger.log-format", String.class).orElse(null);
      if (parse(value) == JSON) {
        environment
            .getPropertySources()
            .addFirst(
                new MapPropertySource(
                    "ledgerLogFormat", Map.of(STRUCTURED_CONSOLE, (Object) "logstash")));
      }
    }

    /** After the application's own files are read, so that a setting there counts too. */
    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
