package dev.ledger.api.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL that runs inside the engine when no external database is configured. Its data
 * lives under {@code LEDGER_DATA_DIR/postgres} and survives restarts. As root, zonky runs the
 * server in a user namespace ({@code unshare -U}), since PostgreSQL refuses to run as root.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;
  private final Path directory;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path directory) {
    this.postgres = postgres;
    this.directory = directory;
  }

  /** Starts (initialising on first use) the database under {@code dataDir}, or explains why not. */
  public static EmbeddedPostgresServer start(Path dataDir) {
    Path directory = dataDir.toAbsolutePath().normalize().resolve("postgres");
    try {
      Files.createDirectories(directory);
    } catch (IOException | RuntimeException e) {
      throw new LedgerConfigurationException(
          "LEDGER_DATA_DIR",
          "(" + dataDir + ") cannot be created or written: " + e.getMessage(),
          e);
    }
    if (!Files.isWritable(directory)) {
      throw new LedgerConfigurationException(
          "LEDGER_DATA_DIR", "(" + dataDir + ") is not writable");
    }
    long started = System.nanoTime();
    try {
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(directory)
              .setCleanDataDirectory(false)
              // stopped by the Spring context, after everything that uses it; a JVM hook of its
              // own would stop it while Axon's processors are still writing
              .setRegisterShutdownHook(false)
              .setPort(freePort())
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "200")
              .setServerConfig("shared_buffers", "256MB")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("fsync", "on")
              .start();
      log.info(
          "Embedded PostgreSQL started in {} ms on port {}, data in {}",
          (System.nanoTime() - started) / 1_000_000,
          postgres.getPort(),
          directory);
      return new EmbeddedPostgresServer(postgres, directory);
    } catch (IOException | RuntimeException e) {
      throw new LedgerConfigurationException(
          "LEDGER_DATA_DIR",
          "("
              + directory
              + "): the embedded PostgreSQL could not start: "
              + e.getMessage()
              + ". Is another engine using this directory? Otherwise set LEDGER_DB_URL to use an external PostgreSQL.",
          e);
    }
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
