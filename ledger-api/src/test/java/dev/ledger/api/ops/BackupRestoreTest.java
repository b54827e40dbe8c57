package dev.ledger.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * A backup taken while the engine runs restores into a working engine: every balance, transfer and
 * event is there, the balance cache still equals the history, a pending transfer can still be
 * posted, and new events continue the global positions after the old ones.
 *
 * <p>The dump is taken as {@code pg_dump} takes it: every table's rows in one repeatable-read,
 * read-only transaction (a consistent snapshot while writes go on), with the sequences' values; and
 * restored as {@code pg_restore --disable-triggers} restores it, into a database whose schema the
 * engine's migrations created. (The test does this over JDBC because the build machines have no
 * {@code pg_dump} matching the embedded PostgreSQL 17; docs/operations.md gives the commands.)
 */
class BackupRestoreTest {
  private static final List<String> ACCOUNTS =
      List.of("platform:issuance", "user:alice", "user:bob");

  @Test
  void aDumpTakenWhileTheEngineRunsRestoresIntoAWorkingEngine() throws Exception {
    String original = TestDatabases.newDatabase();
    Map<String, Long> balances = new LinkedHashMap<>();
    long position;
    Dump dump;
    try (Engine engine = Engine.start(Engine.onDatabase(original))) {
      Http api = engine.admin();
      open(api, "platform:issuance", true);
      open(api, "user:alice", false);
      open(api, "user:bob", false);
      for (int i = 0; i < 20; i++) {
        transfer(
            api,
            "fund-" + i,
            "platform:issuance",
            i % 2 == 0 ? "user:alice" : "user:bob",
            100,
            false);
      }
      transfer(api, "a-to-b", "user:alice", "user:bob", 250, false);
      position = transfer(api, "held", "user:bob", "user:alice", 40, true);
      for (String account : ACCOUNTS) {
        balances.put(
            account,
            api.get("/v1/accounts/" + account + "?minPosition=" + position)
                .body()
                .at("/balance/posted")
                .asLong());
      }
      // the transfers read model too has every transfer before the dump (a read waits only for
      // its own projection, and wakes only that one)
      Http.Response transfer = api.get("/v1/transfers/a-to-b?minPosition=" + position);
      assertThat(transfer.status()).as(transfer.toString()).isEqualTo(200);
      dump = Dump.of(original);
    }

    String restored = TestDatabases.newDatabase();
    Flyway.configure()
        .dataSource(restored, TestDatabases.user(), TestDatabases.password())
        .locations("classpath:db/migration/engine", "classpath:db/migration/projections")
        .load()
        .migrate();
    dump.restoreInto(restored);

    try (Engine engine = Engine.start(Engine.onDatabase(restored))) {
      Http api = engine.admin();
      for (String account : ACCOUNTS) {
        Http.Response cached = api.get("/v1/accounts/" + account + "?minPosition=" + position);
        assertThat(cached.body().at("/balance/posted").asLong())
            .as(account)
            .isEqualTo(balances.get(account));
        Http.Response history =
            api.get("/v1/accounts/" + account + "/balance?atPosition=" + position);
        assertThat(history.body().get("posted").asLong())
            .as(account)
            .isEqualTo(balances.get(account));
      }
      assertThat(api.get("/v1/transfers/a-to-b").status()).isEqualTo(200);
      assertThat(count(restored, "SELECT count(*) FROM domain_event_entry"))
          .isEqualTo(count(original, "SELECT count(*) FROM domain_event_entry"));

      Http.Response posted = api.post("/v1/transfers/held/post", Map.of());
      assertThat(posted.status()).as(posted.toString()).isEqualTo(200);
      long next = transfer(api, "after-restore", "user:alice", "user:bob", 1, false);
      assertThat(next).isGreaterThan(position);
      // the restored claims and heartbeat of the engine that took the dump time out first
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          api.get("/v1/accounts/user:bob?minPosition=" + next)
                              .body()
                              .at("/balance/posted")
                              .asLong())
                      .isEqualTo(balances.get("user:bob") - 40 + 1));
    }
  }

  /** Every table's rows (binary COPY) and every sequence's value, from one snapshot. */
  record Dump(Map<String, byte[]> tables, Map<String, Long> sequences) {
    static Dump of(String database) throws SQLException {
      try (Connection connection = connect(database)) {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        Map<String, byte[]> tables = new LinkedHashMap<>();
        for (String table :
            strings(
                connection,
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    + " AND tablename <> 'flyway_schema_history' ORDER BY tablename")) {
          ByteArrayOutputStream rows = new ByteArrayOutputStream();
          try {
            connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyOut("COPY \"" + table + "\" TO STDOUT (FORMAT binary)", rows);
          } catch (java.io.IOException e) {
            throw new SQLException(e);
          }
          tables.put(table, rows.toByteArray());
        }
        Map<String, Long> sequences = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
            ResultSet rs =
                statement.executeQuery(
                    "SELECT sequencename, last_value FROM pg_sequences"
                        + " WHERE schemaname = 'public' AND last_value IS NOT NULL")) {
          while (rs.next()) {
            sequences.put(rs.getString(1), rs.getLong(2));
          }
        }
        connection.commit();
        return new Dump(tables, sequences);
      }
    }

    void restoreInto(String database) throws SQLException {
      try (Connection connection = connect(database)) {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          // as pg_restore --disable-triggers: rows go back as they were
          statement.execute("SET session_replication_role = replica");
          for (String table : tables.keySet()) {
            statement.execute("DELETE FROM \"" + table + "\"");
          }
        }
        for (var table : tables.entrySet()) {
          try {
            connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn(
                    "COPY \"" + table.getKey() + "\" FROM STDIN (FORMAT binary)",
                    new ByteArrayInputStream(table.getValue()));
          } catch (java.io.IOException e) {
            throw new SQLException(e);
          }
        }
        try (Statement statement = connection.createStatement()) {
          for (var sequence : sequences.entrySet()) {
            statement.execute(
                "SELECT setval('\"" + sequence.getKey() + "\"', " + sequence.getValue() + ")");
          }
          statement.execute("SET session_replication_role = DEFAULT");
        }
        connection.commit();
      }
    }
  }

  private static void open(Http api, String id, boolean allowNegative) {
    Http.Response opened =
        api.post(
            "/v1/accounts",
            Map.of("id", id, "asset", "USD", "flags", Map.of("allowNegative", allowNegative)));
    assertThat(opened.status()).as(opened.toString()).isIn(200, 201);
  }

  private static long transfer(
      Http api, String id, String from, String to, long amount, boolean pending) {
    Http.Response answer =
        api.post(
            "/v1/transfers",
            Map.of(
                "id", id,
                "debitAccount", from,
                "creditAccount", to,
                "amount", amount,
                "asset", "USD",
                "pending", pending));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer.body().get("position").asLong();
  }

  private static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(database, TestDatabases.user(), TestDatabases.password());
  }

  private static List<String> strings(Connection connection, String sql) throws SQLException {
    List<String> values = new java.util.ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  private static long count(String database, String sql) throws SQLException {
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
