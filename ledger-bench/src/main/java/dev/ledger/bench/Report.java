package dev.ledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/** The markdown report of one run: machine, versions, settings, results, targets, checks. */
final class Report {
  /** Memory peaks of one engine process. */
  record Memory(String phase, EngineProcess.HeapPeaks heap, long peakRssBytes) {}

  static final double TARGET_RATIO = 1.0;
  static final double TARGET_BATCH_PER_SECOND = 10_000;
  static final double TARGET_HALF_PEAK_P99_MILLIS = 50;
  static final double TARGET_LAG_P99_MILLIS = 1_000;
  static final double TARGET_REPLAY_PER_SECOND = 20_000;
  static final long TARGET_HEAP_BYTES = 512L * 1024 * 1024;

  private final Options options;
  private final Instant started;
  private final Instant finished;
  private final String loadBefore;
  private final String loadAfter;
  private final String jdbcUrl;
  private final List<PhaseResult> results;
  private final PhaseResult halfPeak;
  private final Replay.Result replay;
  private final Memory[] memory;
  private final List<Checks.Check> checks;

  Report(
      Options options,
      Instant started,
      Instant finished,
      String loadBefore,
      String loadAfter,
      String jdbcUrl,
      List<PhaseResult> results,
      PhaseResult halfPeak,
      Replay.Result replay,
      Memory[] memory,
      List<Checks.Check> checks) {
    this.options = options;
    this.started = started;
    this.finished = finished;
    this.loadBefore = loadBefore;
    this.loadAfter = loadAfter;
    this.jdbcUrl = jdbcUrl;
    this.results = results;
    this.halfPeak = halfPeak;
    this.replay = replay;
    this.memory = memory;
    this.checks = checks;
  }

  Path write(Path directory) throws IOException {
    Files.createDirectories(directory);
    String stamp =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'")
            .withZone(ZoneOffset.UTC)
            .format(started);
    Path file = directory.resolve(stamp + (options.quick() ? "-quick" : "") + ".md");
    Files.writeString(file, markdown());
    return file;
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Ledger benchmark, ")
        .append(
            DateTimeFormatter.ISO_INSTANT.format(
                started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
        .append(options.quick() ? " (quick)" : "")
        .append("\n\n");
    md.append(
        "Engine over HTTP against a plain-SQL ledger (one PL/pgSQL function over JDBC) on the same"
            + " PostgreSQL, same clients, same shapes. Client, engine and database share the"
            + " machine. See docs/performance.md for what each number means.\n\n");
    machine(md);
    settings(md);
    targets(md);
    phases(md, false);
    phases(md, true);
    halfPeak(md);
    lag(md);
    replay(md);
    memory(md);
    checks(md);
    return md.toString();
  }

  private void machine(StringBuilder md) {
    md.append("## Machine and versions\n\n| | |\n|---|---|\n");
    row(md, "CPU", Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel());
    row(md, "memory", memTotal());
    row(md, "OS", osName() + ", kernel " + System.getProperty("os.version"));
    row(md, "load average (1, 5, 15 min)", "before " + loadBefore + "; after " + loadAfter);
    row(
        md,
        "Java",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " (engine and client)");
    row(
        md,
        "PostgreSQL",
        postgresVersion()
            + (options.dbUrl() == null
                ? " (engine's embedded server)"
                : " (" + options.dbUrl() + ")"));
    row(md, "engine", engineVersions());
    row(md, "commit", gitCommit());
    row(
        md,
        "run",
        started
            + " to "
            + finished
            + " ("
            + Duration.between(started, finished).toSeconds()
            + " s)");
    md.append('\n');
  }

  private void settings(StringBuilder md) {
    md.append("## Settings\n\n| | |\n|---|---|\n");
    row(md, "clients", options.clients() + " concurrent, closed loop (each waits for its answer)");
    row(
        md,
        "accounts",
        options.accounts() + " (never negative, each funded first) and one issuance account");
    row(md, "transfer", "amount 1 " + EngineLoad.ASSET + ", a fresh client-chosen id each");
    row(
        md,
        "phase length",
        options.shapeDuration().toSeconds()
            + " s single, "
            + options.batchShapeDuration().toSeconds()
            + " s batch, after a "
            + options.warmup().toSeconds()
            + " s warm-up");
    row(md, "batch size", options.batchSize() + " transfers per request / function call");
    row(md, "engine JVM", String.join(" ", options.engineJvmOptions()));
    row(md, "engine settings", "defaults (application.properties), bootstrap API key");
    row(
        md,
        "lag probe",
        "every " + Bench.LAG_PROBE_INTERVAL_MILLIS + " ms, the newest acknowledged transfer");
    md.append('\n');
  }

  private void targets(StringBuilder md) {
    md.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
    Map<Shape, PhaseResult> engine = Bench.byShape(results, "engine", false);
    Map<Shape, PhaseResult> base = Bench.byShape(results, "baseline", false);
    Map<Shape, PhaseResult> batch = Bench.byShape(results, "engine", true);
    for (Shape shape : List.of(Shape.UNIFORM, Shape.HOT_SOURCE)) {
      double ratio = ratio(engine.get(shape), base.get(shape));
      target(
          md,
          "single " + shape.title + " ≥ 1.0× baseline",
          format(ratio, "×"),
          ratio >= TARGET_RATIO);
    }
    double bestBatch =
        batch.values().stream().mapToDouble(PhaseResult::acceptedPerSecond).max().orElse(0);
    double worstBatch =
        batch.values().stream().mapToDouble(PhaseResult::acceptedPerSecond).min().orElse(0);
    target(
        md,
        "batch ≥ 10,000 transfers/s",
        String.format(
            Locale.ROOT,
            "%,.0f/s (uniform), %,.0f/s (slowest shape)",
            batch.containsKey(Shape.UNIFORM) ? batch.get(Shape.UNIFORM).acceptedPerSecond() : 0,
            worstBatch),
        batch.containsKey(Shape.UNIFORM)
            && batch.get(Shape.UNIFORM).acceptedPerSecond() >= TARGET_BATCH_PER_SECOND);
    if (halfPeak != null) {
      double p99 = halfPeak.latencyMillis(99);
      target(
          md,
          "p99 at half of peak ≤ 50 ms",
          format(p99, " ms"),
          p99 <= TARGET_HALF_PEAK_P99_MILLIS);
    }
    Histogram lag = allLag();
    if (lag.getTotalCount() > 0) {
      double p99 = lag.getValueAtPercentile(99);
      target(
          md, "projection lag p99 ≤ 1 s at peak", format(p99, " ms"), p99 <= TARGET_LAG_P99_MILLIS);
    }
    if (replay != null) {
      target(
          md,
          "replay ≥ 20,000 events/s",
          String.format(
              Locale.ROOT,
              "%,.0f events/s over %,d events",
              replay.eventsPerSecond(),
              replay.events()),
          replay.eventsPerSecond() >= TARGET_REPLAY_PER_SECOND);
    }
    long heap = -1;
    for (Memory m : memory) {
      if (m != null) {
        heap = Math.max(heap, m.heap().usedBeforeGc());
      }
    }
    if (heap > 0) {
      target(md, "heap ≤ 512 MiB", mib(heap) + " peak in use", heap <= TARGET_HEAP_BYTES);
    }
    md.append('\n');
  }

  private void phases(StringBuilder md, boolean batch) {
    Map<Shape, PhaseResult> engine = Bench.byShape(results, "engine", batch);
    Map<Shape, PhaseResult> base = Bench.byShape(results, "baseline", batch);
    if (engine.isEmpty()) {
      return;
    }
    md.append(
        batch
            ? "## Batches (`POST /v1/transfers/batch`, " + options.batchSize() + " per request)\n\n"
            : "## Single transfers (`POST /v1/transfers`)\n\n");
    md.append(
        "| shape | engine accepted/s | engine applied/s | baseline/s | engine ÷ baseline |"
            + (batch ? " request" : "")
            + " p50 | p95 | p99 | max | errors | lag p50 | lag p99 | engine CPU ms/transfer |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
    for (Shape shape : Shape.values()) {
      PhaseResult e = engine.get(shape);
      PhaseResult b = base.get(shape);
      if (e == null) {
        continue;
      }
      md.append("| ")
          .append(shape.title)
          .append(" | ")
          .append(rate(e.acceptedPerSecond()))
          .append(" | ")
          .append(rate(e.appliedPerSecond()))
          .append(" | ")
          .append(b == null ? "–" : rate(b.acceptedPerSecond()))
          .append(" | ")
          .append(format(ratio(e, b), "×"))
          .append(" | ")
          .append(millis(e.latencyMillis(50)))
          .append(" | ")
          .append(millis(e.latencyMillis(95)))
          .append(" | ")
          .append(millis(e.latencyMillis(99)))
          .append(" | ")
          .append(millis(e.maxLatencyMillis()))
          .append(" | ")
          .append(errors(e))
          .append(" | ")
          .append(lagAt(e, 50))
          .append(" | ")
          .append(lagAt(e, 99))
          .append(" | ")
          .append(format(e.cpuMillisPerTransfer(), ""))
          .append(" |\n");
    }
    md.append("\nBaseline latency (same clients, JDBC): ");
    for (Shape shape : Shape.values()) {
      PhaseResult b = base.get(shape);
      if (b != null) {
        md.append(shape.title)
            .append(" p50 ")
            .append(millis(b.latencyMillis(50)))
            .append(" / p99 ")
            .append(millis(b.latencyMillis(99)))
            .append(" ms, errors ")
            .append(errors(b))
            .append("; ");
      }
    }
    md.append("\n\n");
  }

  private void halfPeak(StringBuilder md) {
    if (halfPeak == null) {
      return;
    }
    md.append("## Latency at half of peak\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Single transfers, uniform, paced at %,.0f/s in total (half of the uniform peak),"
                + " latency counted from when each request was due: achieved %,.0f/s;"
                + " p50 %s ms, p95 %s ms, p99 %s ms, max %s ms; errors %s.\n\n",
            halfPeak.requests() / halfPeak.seconds(),
            halfPeak.acceptedPerSecond(),
            millis(halfPeak.latencyMillis(50)),
            millis(halfPeak.latencyMillis(95)),
            millis(halfPeak.latencyMillis(99)),
            millis(halfPeak.maxLatencyMillis()),
            errors(halfPeak)));
  }

  private void lag(StringBuilder md) {
    Histogram lag = allLag();
    md.append("## Projection lag\n\n");
    if (lag.getTotalCount() == 0) {
      md.append("No samples.\n\n");
      return;
    }
    md.append(
        String.format(
            Locale.ROOT,
            "From a transfer's acknowledgement until a read with `minPosition` sees it in the balance"
                + " cache, sampled during every engine phase at peak: %d samples, p50 %d ms, p99 %d ms,"
                + " max %d ms.\n\n",
            lag.getTotalCount(),
            lag.getValueAtPercentile(50),
            lag.getValueAtPercentile(99),
            lag.getMaxValue()));
  }

  private void replay(StringBuilder md) {
    if (replay == null) {
      return;
    }
    md.append("## Replay\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Every read model rebuilt from %,d events: %.1f s, **%,.0f events/s**. Measured by"
                + " stopping the engine, emptying the read-model tables and deleting their"
                + " processors' tokens, starting the engine again, and timing from the moment its"
                + " processors held their segments until every segment had stored a token at the"
                + " head. Per processor (seconds): %s. The rebuilt read models are checked like the"
                + " engine's (below, \"replay:\"), against what the clients were answered.\n\n",
            replay.events(),
            replay.seconds(),
            replay.eventsPerSecond(),
            replay.secondsByProcessor().entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.1f", e.getValue()))
                .reduce((a, b) -> a + ", " + b)
                .orElse("–")));
  }

  private void memory(StringBuilder md) {
    md.append("## Memory (engine JVM)\n\n");
    md.append(
        "| phase | heap in use, peak (before a GC) | live heap, peak (after a GC) | heap committed | GCs | RSS peak |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    for (Memory m : memory) {
      if (m == null) {
        continue;
      }
      md.append("| ")
          .append(m.phase())
          .append(" | ")
          .append(mib(m.heap().usedBeforeGc()))
          .append(" | ")
          .append(mib(m.heap().liveAfterGc()))
          .append(" | ")
          .append(mib(m.heap().committed()))
          .append(" | ")
          .append(m.heap().collections())
          .append(" | ")
          .append(mib(m.peakRssBytes()))
          .append(" |\n");
    }
    md.append('\n');
  }

  private void checks(StringBuilder md) {
    md.append("## Correctness\n\n");
    for (Checks.Check check : checks) {
      md.append("- ")
          .append(check.passed() ? "ok: " : "**FAILED**: ")
          .append(check.name())
          .append(check.passed() ? "" : ": " + check.problem())
          .append('\n');
    }
    md.append('\n');
  }

  private Histogram allLag() {
    Histogram all = new Histogram(600_000, 3);
    for (PhaseResult result : results) {
      if (result.lagMillis() != null) {
        all.add(result.lagMillis());
      }
    }
    return all;
  }

  private static String lagAt(PhaseResult result, double percentile) {
    if (result.lagMillis() == null || result.lagMillis().getTotalCount() == 0) {
      return "–";
    }
    return result.lagMillis().getValueAtPercentile(percentile) + " ms";
  }

  private static double ratio(PhaseResult engine, PhaseResult baseline) {
    if (engine == null || baseline == null || baseline.acceptedPerSecond() == 0) {
      return Double.NaN;
    }
    return engine.acceptedPerSecond() / baseline.acceptedPerSecond();
  }

  private static String errors(PhaseResult result) {
    if (result.errorCount() == 0) {
      return "0";
    }
    return result.errorCount() + " " + result.errors();
  }

  private static void target(StringBuilder md, String target, String measured, boolean met) {
    md.append("| ")
        .append(target)
        .append(" | ")
        .append(measured)
        .append(" | ")
        .append(met ? "yes" : "**no**")
        .append(" |\n");
  }

  private static void row(StringBuilder md, String name, String value) {
    md.append("| ").append(name).append(" | ").append(value.replace("|", "/")).append(" |\n");
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String millis(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String format(double value, String unit) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f%s", value, unit);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "–" : (bytes / (1024 * 1024)) + " MiB";
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }

  private static String osName() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // no os-release
    }
    return System.getProperty("os.name");
  }

  private String postgresVersion() {
    if (jdbcUrl == null) {
      return "unknown";
    }
    try (Connection db =
            DriverManager.getConnection(jdbcUrl, options.dbUser(), options.dbPassword());
        Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("SHOW server_version")) {
      result.next();
      String version = result.getString(1);
      try (ResultSet settings =
          statement.executeQuery(
              "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN"
                  + " ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections')")) {
        settings.next();
        return version + ", " + settings.getString(1);
      }
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private String engineVersions() {
    String engine = "unknown";
    String axon = "unknown";
    String boot = "unknown";
    Pattern axonJar = Pattern.compile("BOOT-INF/lib/axon-messaging-(.+)\\.jar");
    Pattern bootJar = Pattern.compile("BOOT-INF/lib/spring-boot-(\\d.+)\\.jar");
    try (JarFile jar = new JarFile(options.engineJar().toFile())) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        Matcher a = axonJar.matcher(name);
        if (a.matches()) {
          axon = a.group(1);
        }
        Matcher b = bootJar.matcher(name);
        if (b.matches()) {
          boot = b.group(1);
        }
        if (name.endsWith("ledger-api/pom.properties")) {
          java.util.Properties properties = new java.util.Properties();
          try (var in = jar.getInputStream(jar.getJarEntry(name))) {
            properties.load(in);
          }
          engine = properties.getProperty("version", engine);
        }
      }
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
    return "ledger-api " + engine + ", Axon Framework " + axon + ", Spring Boot " + boot;
  }

  private static String gitCommit() {
    try {
      Process git =
          new ProcessBuilder("git", "log", "-1", "--format=%h %s")
              .redirectErrorStream(true)
              .start();
      String out = new String(git.getInputStream().readAllBytes()).trim();
      Process status =
          new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
              .redirectErrorStream(true)
              .start();
      String dirty = new String(status.getInputStream().readAllBytes()).trim();
      if (git.waitFor() != 0) {
        return "unknown";
      }
      status.waitFor();
      return out + (dirty.isEmpty() ? "" : " (with uncommitted changes)");
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }
}
