package dev.ledger.api.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Real PostgreSQL for tests: the server named by {@code LEDGER_TEST_DB_URL} (a JDBC URL of any
 * database on it; user {@code LEDGER_TEST_DB_USER}, default {@code postgres}), or else one embedded
 * server per JVM. Every caller of {@link #newDatabase()} gets a database of its own.
 */
public final class TestDatabases {
  private static EmbeddedPostgres embedded;
  private static String serverUrl;

  private TestDatabases() {}

  public static String user() {
    String user = System.getenv("LEDGER_TEST_DB_USER");
    return user == null || user.isBlank() ? "postgres" : user;
  }

  public static String password() {
    String password = System.getenv("LEDGER_TEST_DB_PASSWORD");
    return password == null ? "" : password;
  }

  /** A new, empty database. */
  public static synchronized String newDatabase() {
    String server = serverUrl();
    String name = "ledger_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection connection = DriverManager.getConnection(server, user(), password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + server, e);
    }
    return withDatabase(server, name);
  }

  /**
   * Drops a database {@link #newDatabase()} made, once nothing uses it (for tests that fill one).
   */
  public static synchronized void drop(String url) {
    String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    if (!name.matches("ledger_test_[0-9a-f]{16}")) {
      throw new IllegalArgumentException("not a test database: " + url);
    }
    try (Connection connection = DriverManager.getConnection(serverUrl(), user(), password());
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop the test database " + name, e);
    }
  }

  /** The server's own database, for statements about the test databases themselves. */
  public static synchronized String serverUrl() {
    if (serverUrl != null) {
      return serverUrl;
    }
    String external = System.getenv("LEDGER_TEST_DB_URL");
    if (external != null && !external.isBlank()) {
      serverUrl = external;
      return serverUrl;
    }
    try {
      embedded =
          EmbeddedPostgres.builder()
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "off")
              .setServerConfig("full_page_writes", "off")
              .start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL for tests", e);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    embedded.close();
                  } catch (Exception ignored) {
                    // the JVM is going away
                  }
                }));
    serverUrl = embedded.getJdbcUrl("postgres", "postgres");
    return serverUrl;
  }

  private static String withDatabase(String url, String database) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String params = query < 0 ? "" : url.substring(query);
    int slash = base.lastIndexOf('/');
    return base.substring(0, slash + 1) + database + params;
  }
}
