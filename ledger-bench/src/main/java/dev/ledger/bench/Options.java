package dev.ledger.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one benchmark run does. The full run is meant to take under ten minutes on two cores (it
 * does not yet: see docs/performance.md); {@code --quick} takes under two, and is what the build
 * runs as a smoke check.
 *
 * @param quick 2-second phases, 200 accounts, batches of 100 and no minimum event count for the
 *     replay
 * @param clients concurrent clients of every load phase, the engine's and the baseline's alike
 * @param accounts accounts of the uniform shape (and the cold ends of the hot shapes)
 * @param shapeDuration how long each single-transfer shape runs
 * @param batchShapeDuration how long each batch shape runs
 * @param warmup load before the first measured phase, so the JIT has compiled the hot paths
 * @param batchSize transfers per batch request
 * @param replayEventsMin events the store must hold before the replay is timed; the run adds
 *     transfers through the batch endpoint until it does
 * @param engineJar the engine's Spring Boot jar
 * @param dbUrl an external PostgreSQL for the engine and the baseline, or null for the engine's
 *     embedded one
 * @param dbUser user of {@code dbUrl}
 * @param dbPassword password of {@code dbUrl}
 * @param resultsDir where the markdown report is written
 * @param engineJvmOptions options of the engine's JVM
 */
public record Options(
    boolean quick,
    int clients,
    int accounts,
    Duration shapeDuration,
    Duration batchShapeDuration,
    Duration warmup,
    int batchSize,
    long replayEventsMin,
    Path engineJar,
    String dbUrl,
    String dbUser,
    String dbPassword,
    Path resultsDir,
    List<String> engineJvmOptions,
    java.util.Set<String> sections) {

  /** The parts of a run; {@code --only=a,b} runs some of them (for profiling one). */
  static final List<String> SECTIONS = List.of("single", "batch", "baseline", "replay");

  /** Heap the engine gets: the target is that it never needs more. */
  static final String ENGINE_HEAP_MAX = "-Xmx512m";

  static final int CLIENTS_MAX = 256;

  public Options {
    if (clients < 1 || clients > CLIENTS_MAX) {
      throw new IllegalArgumentException("--clients must be between 1 and " + CLIENTS_MAX);
    }
    if (accounts < 3 || accounts > 1_000_000) {
      throw new IllegalArgumentException("--accounts must be between 3 and 1000000");
    }
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("--batch-size must be between 1 and 10000");
    }
    if (shapeDuration.isNegative() || shapeDuration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive");
    }
    engineJvmOptions = List.copyOf(engineJvmOptions);
    sections = java.util.Set.copyOf(sections);
    if (!SECTIONS.containsAll(sections) || sections.isEmpty()) {
      throw new IllegalArgumentException("--only takes some of " + SECTIONS);
    }
  }

  boolean runs(String section) {
    return sections.contains(section);
  }

  /**
   * Parses {@code --quick}, {@code --clients=N}, {@code --duration=SECONDS}, {@code
   * --batch-duration=SECONDS}, {@code --accounts=N}, {@code --replay-events=N}, {@code --jar=PATH},
   * {@code --results=DIR}, {@code --jfr}, {@code --only=single,batch,baseline,replay}; the database
   * from {@code LEDGER_DB_URL}, {@code LEDGER_DB_USER}, {@code LEDGER_DB_PASSWORD}; extra engine
   * JVM options from {@code BENCH_ENGINE_JVM_OPTS}.
   */
  public static Options parse(String[] args, Map<String, String> env) {
    boolean quick = false;
    boolean jfr = false;
    Integer clients = null;
    Integer accounts = null;
    Long duration = null;
    Long batchDuration = null;
    Long replayEvents = null;
    Path jar = Path.of("ledger-api/target/ledger-api.jar");
    Path results = Path.of("bench/results");
    java.util.Set<String> sections = new java.util.HashSet<>(SECTIONS);
    for (String arg : args) {
      String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      switch (name) {
        case "--quick" -> quick = true;
        case "--jfr" -> jfr = true;
        case "--clients" -> clients = Integer.parseInt(required(name, value));
        case "--accounts" -> accounts = Integer.parseInt(required(name, value));
        case "--duration" -> duration = Long.parseLong(required(name, value));
        case "--batch-duration" -> batchDuration = Long.parseLong(required(name, value));
        case "--replay-events" -> replayEvents = Long.parseLong(required(name, value));
        case "--jar" -> jar = Path.of(required(name, value));
        case "--results" -> results = Path.of(required(name, value));
        case "--only" ->
            sections = new java.util.HashSet<>(List.of(required(name, value).split(",")));
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    List<String> jvm = new ArrayList<>(List.of(ENGINE_HEAP_MAX, "-XX:+UseG1GC"));
    String extra = env.get("BENCH_ENGINE_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      jvm.addAll(List.of(extra.trim().split("\\s+")));
    }
    if (jfr) {
      jvm.add("-XX:+FlightRecorder");
      jvm.add("-XX:FlightRecorderOptions=stackdepth=128");
    }
    String url = env.get("LEDGER_DB_URL");
    return new Options(
        quick,
        clients == null ? 8 : clients,
        accounts == null ? (quick ? 200 : 1_000) : accounts,
        Duration.ofSeconds(duration == null ? (quick ? 2 : 10) : duration),
        Duration.ofSeconds(batchDuration == null ? (quick ? 2 : 10) : batchDuration),
        Duration.ofSeconds(quick ? 2 : 10),
        // a smoke check: small batches keep each request, and the quick run, short
        quick ? 100 : 1_000,
        replayEvents == null ? (quick ? 0 : 1_000_000) : replayEvents,
        jar,
        url == null || url.isBlank() ? null : url,
        url == null || url.isBlank() ? "postgres" : env.getOrDefault("LEDGER_DB_USER", "postgres"),
        url == null || url.isBlank() ? "" : env.getOrDefault("LEDGER_DB_PASSWORD", ""),
        results,
        jvm,
        sections);
  }

  boolean jfr() {
    return engineJvmOptions.contains("-XX:+FlightRecorder");
  }

  private static String required(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " needs a value (" + name + "=...)");
    }
    return value;
  }
}
