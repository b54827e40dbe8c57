package dev.ledger.api.support;

import dev.ledger.api.LedgerApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A whole engine started in this JVM, as {@code java -jar} would start it, for restart tests. */
public final class Engine implements AutoCloseable {
  private final ConfigurableApplicationContext context;

  private Engine(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /** Starts an engine with these settings (plus a random port and the test admin key). */
  public static Engine start(Map<String, String> settings) {
    return start(settings, new Class<?>[0]);
  }

  /** Starts an engine with these settings and extra configuration classes (test probes). */
  public static Engine start(Map<String, String> settings, Class<?>... extraSources) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("server.port", "0");
    properties.put("ledger.bootstrap-api-key", ApiTest.ADMIN_SECRET);
    properties.putAll(settings);
    // as command-line arguments: default properties rank below application.properties, whose
    // server.port=${SERVER_PORT:8080} would otherwise put every engine on port 8080
    String[] args =
        properties.entrySet().stream()
            .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
            .toArray(String[]::new);
    return new Engine(
        new SpringApplicationBuilder(LedgerApplication.class).sources(extraSources).run(args));
  }

  /** Settings for an engine on a database of its own on the test server. */
  public static Map<String, String> onDatabase(String url) {
    return Map.of(
        "ledger.db.url",
        url,
        "ledger.db.user",
        TestDatabases.user(),
        "ledger.db.password",
        TestDatabases.password());
  }

  public int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  public Http admin() {
    return new Http(port(), ApiTest.ADMIN_SECRET);
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }
}
