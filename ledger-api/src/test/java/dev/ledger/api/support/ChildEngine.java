package dev.ledger.api.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole engine in a JVM of its own, for tests that must kill a node as a crash would ({@link
 * #kill()}: no shutdown hook runs, no claim is released, the connections just drop).
 */
public final class ChildEngine implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private ChildEngine(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts an engine with these settings and waits until it answers its health check. */
  public static ChildEngine start(Map<String, String> settings, String heap) {
    int port = freePort();
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(classPath);
    command.add("dev.ledger.api.LedgerApplication");
    command.add("--server.port=" + port);
    command.add("--ledger.bootstrap-api-key=" + ApiTest.ADMIN_SECRET);
    settings.forEach((key, value) -> command.add("--" + key + "=" + value));
    try {
      Path log = File.createTempFile("child-engine-", ".log").toPath();
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      ChildEngine engine = new ChildEngine(process, port, log);
      engine.awaitHealthy(Duration.ofSeconds(90));
      return engine;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a child engine", e);
    }
  }

  public int port() {
    return port;
  }

  public Http admin() {
    return new Http(port, ApiTest.ADMIN_SECRET);
  }

  public Path log() {
    return log;
  }

  /** Kills the process at once, as a crash or {@code kill -9} would. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the process as {@code SIGTERM} would (its graceful shutdown), at most 60 s. */
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private void awaitHealthy(Duration timeout) {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the child engine exited; see " + log);
      }
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("the child engine did not become healthy; see " + log);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
