package dev.ledger.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine as an operator starts it: {@code java -jar ledger-api.jar} in a process of its own, so
 * that its heap and resident memory are its own and the benchmark's client threads are not inside
 * it. Its peaks are read from its GC log and from {@code /proc}.
 */
final class EngineProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
  private static final Pattern GC_HEAP =
      Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  private final Process process;
  private final int port;
  private final Path workDir;
  private final Path gcLog;
  private final Path log;
  private long peakRssBytes = -1;

  private EngineProcess(Process process, int port, Path workDir) {
    this.process = process;
    this.port = port;
    this.workDir = workDir;
    this.gcLog = workDir.resolve("gc.log");
    this.log = workDir.resolve("engine.log");
  }

  /**
   * Starts the engine and waits until it answers its health check. {@code settings} are passed as
   * environment variables (LEDGER_DB_URL, LEDGER_DATA_DIR, ...).
   */
  static EngineProcess start(
      Path jar, List<String> jvmOptions, Map<String, String> settings, Path workDir, String name)
      throws IOException, InterruptedException {
    EngineProcess engine = launch(jar, jvmOptions, settings, workDir, name);
    try {
      engine.awaitHealthy();
    } catch (RuntimeException | InterruptedException e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  /** Starts the engine's process without waiting for it. */
  static EngineProcess launch(
      Path jar, List<String> jvmOptions, Map<String, String> settings, Path workDir, String name)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no engine jar at " + jar.toAbsolutePath() + "; build it with ./mvnw -B package first");
    }
    Files.createDirectories(workDir);
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Xlog:gc:file=" + workDir.resolve("gc.log"));
    if (jvmOptions.contains("-XX:+FlightRecorder")) {
      command.add(
          "-XX:StartFlightRecording=filename="
              + workDir.resolve(name + ".jfr")
              + ",settings=profile,dumponexit=true");
    }
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("LEDGER_") || key.equals("SERVER_PORT"));
    env.put("SERVER_PORT", Integer.toString(port));
    env.put("AXONIQ_UPDATE_CHECKER_DISABLED", "true");
    env.putAll(settings);
    builder.redirectErrorStream(true);
    builder.redirectOutput(workDir.resolve("engine.log").toFile());
    return new EngineProcess(builder.start(), port, workDir);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  void awaitHealthy() throws InterruptedException, IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the engine stopped during start-up (exit "
                + process.exitValue()
                + "); its log ends:\n"
                + logTail());
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "the engine did not become healthy within "
            + START_TIMEOUT
            + "; its log ends:\n"
            + logTail());
  }

  /**
   * CPU time the engine's JVM has used so far (user and system), in seconds; -1 where /proc is not
   * there. Unlike throughput it does not depend on what else the machine is running.
   */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 and 15 of stat (utime, stime), counted from the state field (3)
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks / (double) CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /** USER_HZ: 100 on every Linux this runs on. */
  private static final int CLOCK_TICKS_PER_SECOND = 100;

  /** The resident-set high-water mark of the engine's JVM so far, in bytes. */
  long readPeakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          peakRssBytes = Math.max(peakRssBytes, kib * 1024);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // no /proc (not Linux) or the process has ended: keep the last reading
    }
    return peakRssBytes;
  }

  /** Heap figures from the GC log: the largest heap in use before a collection, and after one. */
  HeapPeaks heapPeaks() {
    long before = -1;
    long after = -1;
    long committed = -1;
    int collections = 0;
    try {
      if (Files.exists(gcLog)) {
        for (String line : Files.readAllLines(gcLog)) {
          Matcher m = GC_HEAP.matcher(line);
          if (m.find()) {
            collections++;
            before = Math.max(before, bytes(m.group(1), m.group(2)));
            after = Math.max(after, bytes(m.group(3), m.group(4)));
            committed = Math.max(committed, bytes(m.group(5), m.group(6)));
          }
        }
      }
    } catch (IOException e) {
      // no log: report unknown
    }
    return new HeapPeaks(before, after, committed, collections);
  }

  /** Heap peaks in bytes, -1 when unknown. */
  record HeapPeaks(long usedBeforeGc, long liveAfterGc, long committed, int collections) {}

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  Path workDir() {
    return workDir;
  }

  /** Stops the engine as an operator would (SIGTERM, graceful), forcibly past a timeout. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    readPeakRss();
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static Map<String, String> settings(String dbUrl, String user, String password, String apiKey) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("LEDGER_BOOTSTRAP_API_KEY", apiKey);
    settings.put("LEDGER_DB_URL", dbUrl);
    settings.put("LEDGER_DB_USER", user);
    settings.put("LEDGER_DB_PASSWORD", password);
    // The benchmark is one API key driving the engine as hard as it can: the per-key limits (500
    // writes/s by default) would measure the limiter, not the engine.
    for (String limit :
        List.of("WRITE_PER_SECOND", "WRITE_BURST", "READ_PER_SECOND", "READ_BURST")) {
      settings.put("LEDGER_RATE_LIMITS_" + limit, "1000000");
    }
    return settings;
  }

  private static long bytes(String number, String unit) {
    long value = Long.parseLong(number);
    return switch (unit) {
      case "K" -> value * 1024;
      case "M" -> value * 1024 * 1024;
      default -> value * 1024 * 1024 * 1024;
    };
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
