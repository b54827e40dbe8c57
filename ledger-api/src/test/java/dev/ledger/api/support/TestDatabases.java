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
  private static String shared;
  private static String stripe;

  private TestDatabases() {}

  public static String user() {
    String user = System.getenv("LEDGER_TEST_DB_USER");
    return user == null || user.isBlank() ? "postgres" : user;
  }

  public static String password() {
    String password = System.getenv("LEDGER_TEST_DB_PASSWORD");
    return password == null ? "" : password;
  }

  /** One database for all tests of a JVM that share a Spring context. */
  public static synchronized String sharedDatabase() {
    if (shared == null) {
      shared = newDatabase();
    }
    return shared;
  }

  /**
   * One database for all tests of a JVM that share the Stripe test context. It is not the one of
   * {@link #sharedDatabase()}: two test contexts are two engines with different settings, and on
   * one database each would pick up the other's work (a saga step or webhook event taken by the
   * engine without Stripe fails there).
   */
  public static synchronized String stripeDatabase() {
    if (stripe == null) {
      stripe = newDatabase();
    }
    return stripe;
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

  private static synchronized String serverUrl() {
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
