package dev.ledger.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.LedgerApplication;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The export streams in constant memory: an engine in a JVM of its own with a heap of 256 MiB (and
 * told to exit on running out of it) exports 200,000 events, every one of them, in order, each
 * hashing to what it says, and is still alive afterwards. The events are written straight into the
 * event store in SQL (so the database chains them as it chains every append); their payload type is
 * one no projection handles.
 */
class AuditExportMemoryTest {
  static final int AGGREGATES = 50_000;
  static final int EVENTS_PER_AGGREGATE = 4;
  static final int EVENTS = AGGREGATES * EVENTS_PER_AGGREGATE;

  @Test
  void exportsTwoHundredThousandEventsWithAHeapOf256MiB() throws Exception {
    String url = TestDatabases.newDatabase();
    int port = freePort();
    Path log = Files.createTempFile("ledger-export-engine", ".log");
    Process engine = start(url, port, log);
    try {
      awaitHealthy(port, engine, log);
      long inserted = insertEvents(url);
      assertThat(inserted).isEqualTo(EVENTS);

      HttpResponse<InputStream> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + port + "/v1/audit/export"))
                      .header("Authorization", "Bearer " + ApiTest.ADMIN_SECRET)
                      .timeout(Duration.ofMinutes(10))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      long lines = 0;
      long bytes = 0;
      long lastPosition = 0;
      long started = System.nanoTime();
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          JsonNode event = Http.JSON.readTree(line);
          long position = event.get("position").asLong();
          assertThat(position).isGreaterThan(lastPosition);
          lastPosition = position;
          assertThat(event.get("hash").asText()).isEqualTo(DocumentedHash.of(event));
          lines++;
          bytes += line.length() + 1;
        }
      }
      long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
      System.out.println(
          "exported " + lines + " events, " + (bytes >> 20) + " MiB, in about " + seconds + " s");
      assertThat(lines).isEqualTo(EVENTS);
      assertThat(bytes).as("more than the engine's whole heap").isGreaterThan(256L << 20);
      assertThat(engine.isAlive()).as("the engine did not run out of memory").isTrue();
      assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    } finally {
      engine.destroy();
      if (!engine.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        engine.destroyForcibly();
      }
      TestDatabases.drop(url);
    }
  }

  /** The engine as {@code java -Xmx256m -cp <the test class path> LedgerApplication} starts it. */
  private static Process start(String url, int port, Path log) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx256m");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LedgerApplication.class.getName());
    command.add("--server.port=" + port);
    command.add("--ledger.db.url=" + url);
    command.add("--ledger.db.user=" + TestDatabases.user());
    command.add("--ledger.db.password=" + TestDatabases.password());
    command.add("--ledger.bootstrap-api-key=" + ApiTest.ADMIN_SECRET);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static void awaitHealthy(int port, Process engine, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    HttpClient client = HttpClient.newHttpClient();
    while (System.nanoTime() < deadline) {
      if (!engine.isAlive()) {
        throw new AssertionError("the engine exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> health =
            client.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the engine did not start: " + Files.readString(log));
  }

  /**
   * {@value #AGGREGATES} aggregates with {@value #EVENTS_PER_AGGREGATE} events each, of tenant
   * {@code default}, one statement per sequence number, so each event chains to one written by the
   * statement before.
   */
  private static long insertEvents(String url) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(url, TestDatabases.user(), TestDatabases.password());
        Statement statement = connection.createStatement()) {
      for (int sequence = 0; sequence < EVENTS_PER_AGGREGATE; sequence++) {
        statement.executeUpdate(
            """
            INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier,
                                            meta_data, payload, payload_type, time_stamp)
            SELECT 'default/bulk/' || g, %d, 'Bulk', 'bulk-%d-' || g,
                   convert_to('{"tenant":"default","keyId":"key_bootstrap","requestId":"bulk-' || g
                              || '","correlationId":"c-' || g || '","causationId":"c-' || g || '"}', 'UTF8'),
                   convert_to('{"bulkId":"' || g || '","sequence":%d,"amount":' || (g * 7 %% 1000)
                              || ',"note":"' || repeat('an event written in bulk for the export test; ', 8)
                              || '"}', 'UTF8'),
                   'dev.ledger.test.BulkEvent', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
              FROM generate_series(1, %d) g"""
                .formatted(sequence, sequence, sequence, AGGREGATES));
      }
      var count =
          statement.executeQuery(
              "SELECT count(*) FROM domain_event_entry WHERE tenant_id = 'default'");
      count.next();
      return count.getLong(1);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
