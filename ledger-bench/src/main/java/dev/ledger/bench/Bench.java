package dev.ledger.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The benchmark: starts the engine jar, drives it over HTTP with N clients in each contention
 * shape, singly and in batches; drives a plain-SQL ledger on the same PostgreSQL with the same
 * clients and shapes; fills the history to a million events and times a replay of every read model;
 * checks that both ledgers stayed correct; and writes a markdown report.
 *
 * <p>Usage: {@code bench/run.sh [--quick] [--clients=N] [--duration=S] ...} (see {@link Options}).
 * Exits 1 when a correctness check failed; a missed performance target is reported, never fatal.
 */
public final class Bench {
  /** How often the lag probe samples the newest acknowledged transfer. */
  static final long LAG_PROBE_INTERVAL_MILLIS = 100;

  private final Options options;
  private final String run = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
  private final String apiKey = "bench-" + UUID.randomUUID();
  private final List<PhaseResult> results = new ArrayList<>();
  private final List<Tally> engineTallies = new ArrayList<>();
  private final List<Tally> baselineTallies = new ArrayList<>();
  private final List<Checks.Check> checks = new ArrayList<>();
  private final Report.Memory[] memory = new Report.Memory[2];
  private PhaseResult halfPeak;
  private EngineProcess loadEngine;
  private Replay.Result replay;

  /**
   * Statement lines the replay must rebuild: those before the fill, and two per filled transfer.
   */
  private long expectedEntries;

  private String jdbcUrl;

  private Bench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Outcome outcome = run(options);
    System.out.println(Files.readString(outcome.report()));
    System.out.println("Report written to " + outcome.report());
    if (!outcome.correct()) {
      System.err.println("A correctness check failed: see the report.");
      System.exit(1);
    }
  }

  /** Where the report is, and whether every correctness check passed. */
  public record Outcome(Path report, boolean correct, List<Checks.Check> checks) {}

  public static Outcome run(Options options) throws Exception {
    return new Bench(options).execute();
  }

  private Outcome execute() throws Exception {
    Instant started = Instant.now();
    String loadBefore = Report.loadAverage();
    Path work = Files.createTempDirectory("ledger-bench-");
    boolean completed = false;
    EmbeddedPostgres embedded = null;
    try {
      if (options.dbUrl() == null) {
        embedded = startEmbedded(work.resolve("postgres"));
        jdbcUrl = embedded.getJdbcUrl(options.dbUser(), "postgres");
      } else {
        jdbcUrl = options.dbUrl();
      }
      Map<String, String> settings =
          EngineProcess.settings(jdbcUrl, options.dbUser(), options.dbPassword(), apiKey);
      EngineLoad load;
      try (EngineProcess engine =
          EngineProcess.start(
              options.engineJar(),
              options.engineJvmOptions(),
              settings,
              work.resolve("load"),
              "load")) {
        loadEngine = engine;
        EngineClient client = new EngineClient(engine.port(), apiKey);
        load = new EngineLoad(client, run, options.accounts());
        log("engine up (pid " + engine.pid() + "); opening " + options.accounts() + " accounts");
        load.setUp(options.clients());

        log("warm-up " + options.warmup().toSeconds() + " s");
        Phase.run(
            options.clients(), options.warmup(), 0, 1, load.single(Shape.UNIFORM, "w"), tally());

        if (options.runs("single")) {
          for (Shape shape : Shape.values()) {
            results.add(engineSingle(client, load, shape));
          }
          PhaseResult uniform = find("engine", Shape.UNIFORM, false);
          halfPeak = engineHalfPeak(client, load, uniform.acceptedPerSecond() / 2);
        }
        if (options.runs("batch")) {
          for (Shape shape : Shape.values()) {
            results.add(engineBatch(client, load, shape));
          }
        }

        if (options.runs("baseline"))
          try (Baseline baseline =
              new Baseline(jdbcUrl, options.dbUser(), options.dbPassword(), load)) {
            log("baseline: schema and accounts");
            baseline.setUp(load.issuance());
            baseline.openClients(options.clients());
            Tally warmup = new Tally(options.accounts());
            baselineTallies.add(warmup);
            Phase.run(
                options.clients(),
                options.warmup(),
                0,
                2,
                baseline.single(Shape.UNIFORM, "w"),
                warmup);
            for (Shape shape : Shape.values()) {
              results.add(baselinePhase(baseline, shape, false));
            }
            for (Shape shape : Shape.values()) {
              results.add(baselinePhase(baseline, shape, true));
            }
            try (Connection db = connect()) {
              checks.addAll(Checks.baseline(db, load, baselineTallies));
            }
            baseline.drop();
          }

        load.awaitApplied(head());
        long entries;
        try (Connection db = connect()) {
          checks.addAll(Checks.engine(db, load, engineTallies, "engine"));
          entries = Replay.count(db, "SELECT count(*) FROM account_entry");
        }
        if (options.runs("replay")) {
          // not waited for: the replay empties the read models, and is checked against the clients
          Tally fill = fillHistory(load);
          entries += 2 * fill.accepted();
        }
        memory[0] = memoryOf(engine, "load phases");
        expectedEntries = entries;
      }

      if (options.runs("replay")) {
        replay = replay(settings, work);
        try (Connection db = connect()) {
          checks.addAll(Checks.engine(db, load, engineTallies, "replay"));
        }
        checks.add(
            new Checks.Check(
                "replay: account statements rebuilt in full (" + replay.entriesExpected() + ")",
                replay.entriesAfter() == replay.entriesExpected()
                    ? null
                    : replay.entriesAfter()
                        + " entries rebuilt, "
                        + replay.entriesExpected()
                        + " expected"));
      }
      completed = true;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
      keepRecordings(work, !completed);
      deleteQuietly(work);
    }
    Report report =
        new Report(
            options,
            started,
            Instant.now(),
            loadBefore,
            Report.loadAverage(),
            jdbcUrl,
            results,
            halfPeak,
            replay,
            memory,
            checks);
    Path file = report.write(options.resultsDir());
    boolean correct = checks.stream().allMatch(Checks.Check::passed);
    return new Outcome(file, correct, List.copyOf(checks));
  }

  /**
   * The PostgreSQL of a run without {@code LEDGER_DB_URL}: the binaries and settings of the
   * engine's embedded mode (fsync and synchronous commit on), started by the benchmark so that it
   * outlives the engine between its two starts (the replay empties the read models meanwhile).
   */
  private static EmbeddedPostgres startEmbedded(Path directory) throws IOException {
    log("starting the embedded PostgreSQL");
    return EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setCleanDataDirectory(true)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "200")
        .setServerConfig("shared_buffers", "256MB")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on")
        .start();
  }

  private Tally tally() {
    Tally tally = new Tally(options.accounts());
    engineTallies.add(tally);
    return tally;
  }

  private PhaseResult engineSingle(EngineClient client, EngineLoad load, Shape shape)
      throws Exception {
    log("engine, single transfers, " + shape.title);
    Tally tally = tally();
    double cpu = loadEngine.cpuSeconds();
    Phase.Timing timing;
    Histogram lag;
    try (EngineLoad.LagProbe probe =
        new EngineLoad.LagProbe(
            new EngineClient(clientPort(client), apiKey), load, tally, LAG_PROBE_INTERVAL_MILLIS)) {
      timing =
          Phase.run(
              options.clients(),
              options.shapeDuration(),
              0,
              10 + shape.ordinal(),
              load.single(shape, "s" + shape.code()),
              tally);
      lag = probe.lagMillis();
    }
    long applied = load.awaitApplied(tally.maxPosition());
    return engineResult(shape, false, tally, timing, applied, lag, cpu);
  }

  private PhaseResult engineHalfPeak(EngineClient client, EngineLoad load, double rate)
      throws Exception {
    log(String.format("engine, single transfers, uniform at half of peak (%.0f/s)", rate));
    Tally tally = tally();
    double cpu = loadEngine.cpuSeconds();
    Phase.Timing timing =
        Phase.run(
            options.clients(),
            options.shapeDuration(),
            Math.max(1, rate),
            30,
            load.single(Shape.UNIFORM, "half"),
            tally);
    long applied = load.awaitApplied(tally.maxPosition());
    return engineResult(Shape.UNIFORM, false, tally, timing, applied, null, cpu);
  }

  private PhaseResult engineBatch(EngineClient client, EngineLoad load, Shape shape)
      throws Exception {
    log("engine, batches of " + options.batchSize() + ", " + shape.title);
    Tally tally = tally();
    double cpu = loadEngine.cpuSeconds();
    Phase.Timing timing;
    Histogram lag;
    try (EngineLoad.LagProbe probe =
        new EngineLoad.LagProbe(
            new EngineClient(clientPort(client), apiKey), load, tally, LAG_PROBE_INTERVAL_MILLIS)) {
      timing =
          Phase.run(
              options.clients(),
              options.batchShapeDuration(),
              0,
              20 + shape.ordinal(),
              load.batch(shape, "b" + shape.code(), options.batchSize()),
              tally);
      lag = probe.lagMillis();
    }
    long applied = load.awaitApplied(tally.maxPosition());
    return engineResult(shape, true, tally, timing, applied, lag, cpu);
  }

  private PhaseResult engineResult(
      Shape shape,
      boolean batch,
      Tally tally,
      Phase.Timing timing,
      long applied,
      Histogram lag,
      double cpuAtStart) {
    double cpuNow = loadEngine.cpuSeconds();
    PhaseResult result =
        new PhaseResult(
            "engine",
            shape,
            batch,
            tally.accepted(),
            tally.requests(),
            timing.seconds(),
            (applied - timing.startNanos()) / 1e9,
            tally.latency(),
            tally.errors(),
            tally.ambiguous(),
            lag,
            cpuAtStart < 0 || cpuNow < 0 ? -1 : cpuNow - cpuAtStart);
    log(
        String.format(
            "  %.0f accepted/s, %.0f applied/s, p99 %.1f ms, %d errors, engine CPU %.2f ms/transfer",
            result.acceptedPerSecond(),
            result.appliedPerSecond(),
            result.latencyMillis(99),
            result.errorCount(),
            result.cpuMillisPerTransfer()));
    return result;
  }

  private PhaseResult baselinePhase(Baseline baseline, Shape shape, boolean batch)
      throws Exception {
    log("baseline, " + (batch ? "batches, " : "single transfers, ") + shape.title);
    Tally tally = new Tally(options.accounts());
    baselineTallies.add(tally);
    Phase.Timing timing =
        Phase.run(
            options.clients(),
            batch ? options.batchShapeDuration() : options.shapeDuration(),
            0,
            40 + shape.ordinal() + (batch ? 10 : 0),
            batch
                ? baseline.batch(shape, "b" + shape.code(), options.batchSize())
                : baseline.single(shape, "s" + shape.code()),
            tally);
    PhaseResult result =
        new PhaseResult(
            "baseline",
            shape,
            batch,
            tally.accepted(),
            tally.requests(),
            timing.seconds(),
            timing.seconds(),
            tally.latency(),
            tally.errors(),
            tally.ambiguous(),
            null,
            -1);
    log(
        String.format(
            "  %.0f/s, p99 %.1f ms, %d errors",
            result.acceptedPerSecond(), result.latencyMillis(99), result.errorCount()));
    return result;
  }

  /**
   * Adds uniform batches until the history holds {@link Options#replayEventsMin} events, without
   * waiting for the read models to apply them; answers the fill's tally.
   */
  private Tally fillHistory(EngineLoad load) throws Exception {
    long events;
    try (Connection db = connect()) {
      events = Replay.count(db, "SELECT count(*) FROM domain_event_entry");
    }
    Tally tally = tally();
    long missing = options.replayEventsMin() - events;
    if (missing > 0) {
      // three events per transfer: the transfer's and one on each account; the transfers are
      // uniform within each client's share of the accounts, so batches do not queue on locks
      long batches = (missing / 3 + options.batchSize()) / options.batchSize();
      log("filling the history: " + events + " events, " + batches + " batches to go");
      Phase.run(
          options.clients(),
          Duration.ofHours(1),
          0,
          50,
          load.fill("fill", options.batchSize(), options.clients()),
          tally,
          (batches + options.clients() - 1) / options.clients());
    }
    return tally;
  }

  private long head() throws SQLException {
    try (Connection db = connect()) {
      return Replay.count(db, "SELECT coalesce(max(global_index), 0) FROM domain_event_entry");
    }
  }

  private Replay.Result replay(Map<String, String> settings, Path work) throws Exception {
    long events;
    long head;
    List<String> processors;
    try (Connection db = connect()) {
      events = Replay.count(db, "SELECT count(*) FROM domain_event_entry");
      head = Replay.count(db, "SELECT coalesce(max(global_index), 0) FROM domain_event_entry");
      processors = Replay.reset(db);
    }
    log("replay: " + events + " events through " + processors);
    Map<String, Double> byProcessor;
    try (Connection db = connect();
        EngineProcess engine =
            EngineProcess.launch(
                options.engineJar(),
                options.engineJvmOptions(),
                settings,
                work.resolve("replay"),
                "replay")) {
      try {
        byProcessor = Replay.timeToHead(db, processors, head, engine::isAlive);
      } catch (IllegalStateException e) {
        throw new IllegalStateException(
            e.getMessage() + "; the engine's log ends:\n" + engine.logTail(), e);
      }
      engine.awaitHealthy();
      memory[1] = memoryOf(engine, "replay");
    }
    double seconds = byProcessor.values().stream().max(Comparator.naturalOrder()).orElse(0.0);
    try (Connection db = connect()) {
      long entriesAfter = Replay.count(db, "SELECT count(*) FROM account_entry");
      Replay.Result result =
          new Replay.Result(events, seconds, byProcessor, expectedEntries, entriesAfter);
      log(String.format("  %.0f events/s (%.1f s)", result.eventsPerSecond(), seconds));
      return result;
    }
  }

  private Report.Memory memoryOf(EngineProcess engine, String phase) {
    return new Report.Memory(phase, engine.heapPeaks(), engine.readPeakRss());
  }

  private PhaseResult find(String system, Shape shape, boolean batch) {
    return results.stream()
        .filter(r -> r.system().equals(system) && r.shape() == shape && r.batch() == batch)
        .findFirst()
        .orElseThrow();
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, options.dbUser(), options.dbPassword());
  }

  private static int clientPort(EngineClient client) {
    return client.port();
  }

  static void log(String message) {
    System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
    System.out.flush();
  }

  /**
   * Flight recordings ({@code --jfr}) outlive the run: they go next to the report, and so do the
   * engine's log and GC log of a run that failed.
   */
  private void keepRecordings(Path work, boolean failed) throws IOException {
    try (Stream<Path> paths = Files.walk(work)) {
      for (Path recording :
          paths
              .filter(
                  p ->
                      p.toString().endsWith(".jfr")
                          || (failed
                              && (p.toString().endsWith("engine.log")
                                  || p.toString().endsWith("gc.log"))))
              .toList()) {
        Files.createDirectories(options.resultsDir());
        Path target =
            options
                .resultsDir()
                .resolve(
                    run
                        + "-"
                        + recording.getParent().getFileName()
                        + "-"
                        + recording.getFileName());
        Files.copy(recording, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        log("flight recording: " + target);
      }
    }
  }

  private static void deleteQuietly(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory; the system cleans it eventually
    }
  }

  static Map<Shape, PhaseResult> byShape(List<PhaseResult> results, String system, boolean batch) {
    Map<Shape, PhaseResult> map = new EnumMap<>(Shape.class);
    for (PhaseResult result : results) {
      if (result.system().equals(system) && result.batch() == batch) {
        map.put(result.shape(), result);
      }
    }
    return map;
  }
}
