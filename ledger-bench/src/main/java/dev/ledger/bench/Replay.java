package dev.ledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Replay speed: every read model rebuilt from the whole event history. The engine is stopped, the
 * read models emptied (exactly the tables the projections' migrations create) and the tokens of
 * their processors deleted; the engine then starts on that database, and its processors read the
 * history from the beginning, as they do for a new read model. The clock runs from the moment the
 * processors hold their segments until every segment of every projection processor has stored a
 * token at the head of the history. Sagas keep their tokens: replaying them would repeat their
 * effects.
 *
 * <p>A segment that handles none of the events stores its token only every few seconds (Axon's
 * claim extension, 5 s), so the figure is a little pessimistic for short replays.
 */
final class Replay {
  private static final String MIGRATIONS = "db/migration/projections";
  private static final Pattern CREATE =
      Pattern.compile(
          "CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern DROP =
      Pattern.compile("DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(\\w+)", Pattern.CASE_INSENSITIVE);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MILLIS = 100;
  private static final long REPLAY_WAIT_MAX_NANOS = 900_000_000_000L;

  private Replay() {}

  /** What a replay measured. */
  record Result(
      long events,
      double seconds,
      Map<String, Double> secondsByProcessor,
      long entriesExpected,
      long entriesAfter) {
    double eventsPerSecond() {
      return seconds > 0 ? events / seconds : 0;
    }
  }

  /** The read-model tables, from the projections' migrations on the classpath. */
  static List<String> readModelTables() throws IOException {
    Set<String> tables = new LinkedHashSet<>();
    for (String script : migrationScripts()) {
      Matcher create = CREATE.matcher(script);
      while (create.find()) {
        tables.add(create.group(1).toLowerCase(java.util.Locale.ROOT));
      }
      Matcher drop = DROP.matcher(script);
      while (drop.find()) {
        tables.remove(drop.group(1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (tables.isEmpty()) {
      throw new IllegalStateException("no read-model tables found in " + MIGRATIONS);
    }
    return new ArrayList<>(tables);
  }

  /** The migration scripts in version order. */
  private static List<String> migrationScripts() throws IOException {
    URL url = Replay.class.getClassLoader().getResource(MIGRATIONS);
    if (url == null) {
      throw new IllegalStateException(MIGRATIONS + " is not on the classpath");
    }
    Map<Integer, String> byVersion = new TreeMap<>();
    if ("jar".equals(url.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) url.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
          JarEntry entry = entries.nextElement();
          String name = entry.getName();
          if (name.startsWith(MIGRATIONS + "/V") && name.endsWith(".sql")) {
            try (InputStream in = jar.getInputStream(entry)) {
              byVersion.put(version(name), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
          }
        }
      }
    } else {
      Path directory;
      try {
        directory = Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IOException(e);
      }
      try (Stream<Path> files = Files.list(directory)) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith("V") && name.endsWith(".sql")) {
            byVersion.put(version(name), Files.readString(file));
          }
        }
      }
    }
    return new ArrayList<>(byVersion.values());
  }

  private static int version(String name) {
    String file = name.substring(name.lastIndexOf('/') + 1);
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  static long count(Connection db, String sql) throws SQLException {
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  /**
   * Empties the read models and deletes their processors' tokens. The engine must be stopped.
   * Answers the processors reset.
   */
  static List<String> reset(Connection db) throws SQLException, IOException {
    List<String> processors = new ArrayList<>();
    try (Statement statement = db.createStatement()) {
      try (ResultSet result =
          statement.executeQuery(
              "SELECT DISTINCT processor_name FROM token_entry"
                  + " WHERE processor_name NOT LIKE '%SagaProcessor' ORDER BY processor_name")) {
        while (result.next()) {
          processors.add(result.getString(1));
        }
      }
      statement.execute("TRUNCATE " + String.join(", ", readModelTables()));
      statement.execute("DELETE FROM token_entry WHERE processor_name NOT LIKE '%SagaProcessor'");
    }
    return processors;
  }

  /**
   * Times the processors from holding their segments to all being at {@code head}. Call right after
   * starting the engine process (it polls from then on).
   */
  static Map<String, Double> timeToHead(
      Connection db, List<String> processors, long head, java.util.function.BooleanSupplier alive)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + REPLAY_WAIT_MAX_NANOS;
    long start = -1;
    Map<String, Double> done = new LinkedHashMap<>();
    while (System.nanoTime() < deadline) {
      if (!alive.getAsBoolean()) {
        throw new IllegalStateException("the engine stopped during the replay");
      }
      Map<String, List<Long>> positions = tokenPositions(db);
      long now = System.nanoTime();
      if (start < 0 && processors.stream().anyMatch(positions::containsKey)) {
        start = now;
      }
      if (start >= 0) {
        for (String processor : processors) {
          List<Long> segments = positions.get(processor);
          if (!done.containsKey(processor)
              && segments != null
              && !segments.isEmpty()
              && segments.stream().allMatch(p -> p >= head)) {
            done.put(processor, (now - start) / 1e9);
          }
        }
        if (done.keySet().containsAll(processors)) {
          return done;
        }
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw new IllegalStateException(
        "the replay did not reach position " + head + "; done: " + done);
  }

  private static Map<String, List<Long>> tokenPositions(Connection db) throws SQLException {
    Map<String, List<Long>> positions = new LinkedHashMap<>();
    try (Statement statement = db.createStatement();
        ResultSet result =
            statement.executeQuery("SELECT processor_name, token FROM token_entry")) {
      while (result.next()) {
        positions
            .computeIfAbsent(result.getString(1), name -> new ArrayList<>())
            .add(position(result.getBytes(2)));
      }
    }
    return positions;
  }

  /** The position in a serialized tracking token (Axon's JSON), -1 for none. */
  static long position(byte[] token) {
    if (token == null) {
      return -1;
    }
    try {
      return index(JSON.readTree(token));
    } catch (IOException e) {
      return -1;
    }
  }

  private static long index(JsonNode node) {
    if (node == null || node.isNull()) {
      return -1;
    }
    if (node.has("index")) {
      return node.get("index").asLong();
    }
    if (node.has("currentToken")) {
      return index(node.get("currentToken"));
    }
    if (node.has("tokenAtReset")) {
      return -1;
    }
    return -1;
  }
}
