package dev.ledger.api.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every setting of the engine, bound from {@code ledger.*} (environment {@code LEDGER_*}). Each has
 * a safe default; an invalid value stops start-up with a message naming the setting.
 *
 * @param db an external PostgreSQL; without a URL the engine starts an embedded one
 * @param dataDir where the embedded PostgreSQL keeps its data
 * @param bootstrapApiKey the secret of an all-scopes key for tenant {@code default}, or null
 * @param assets assets beyond the built-in ones, code to scale (minor-unit digits)
 */
@ConfigurationProperties("ledger")
public record LedgerProperties(
    Db db,
    @DefaultValue("./data") Path dataDir,
    String bootstrapApiKey,
    Map<String, Integer> assets,
    @DefaultValue Http http,
    @DefaultValue Commands commands) {

  public static final Map<String, Integer> BUILT_IN_ASSETS =
      Map.of("POINTS", 0, "COINS", 0, "USD", 2, "EUR", 2, "GBP", 2);

  public LedgerProperties {
    db = db == null ? new Db(null, null, null, 20) : db;
    if (bootstrapApiKey != null && !bootstrapApiKey.isEmpty() && bootstrapApiKey.length() < 16) {
      throw new LedgerConfigurationException(
          "LEDGER_BOOTSTRAP_API_KEY", "must be at least 16 characters");
    }
    if (bootstrapApiKey != null && bootstrapApiKey.isEmpty()) {
      bootstrapApiKey = null;
    }
    Map<String, Integer> all = new LinkedHashMap<>(BUILT_IN_ASSETS);
    if (assets != null) {
      assets.forEach(
          (code, scale) -> {
            if (!dev.ledger.core.shared.AssetCode.isValid(code)) {
              throw new LedgerConfigurationException(
                  "LEDGER_ASSETS_" + code, "is not an asset code [A-Z][A-Z0-9_]{0,15}");
            }
            if (scale == null || scale < 0 || scale > 18) {
              throw new LedgerConfigurationException(
                  "LEDGER_ASSETS_" + code, "must be a scale from 0 to 18");
            }
            all.put(code, scale);
          });
    }
    assets = Map.copyOf(all);
  }

  /** The external database; {@code url} null means embedded. */
  public record Db(String url, String user, String password, @DefaultValue("20") int poolSize) {
    public Db {
      if (url != null && url.isBlank()) {
        url = null;
      }
      if (url != null && !url.startsWith("jdbc:postgresql:")) {
        throw new LedgerConfigurationException(
            "LEDGER_DB_URL", "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
      }
      if (poolSize < 2 || poolSize > 500) {
        throw new LedgerConfigurationException("LEDGER_DB_POOL_SIZE", "must be between 2 and 500");
      }
    }
  }

  /**
   * Limits of the HTTP API.
   *
   * @param bodySizeMaxBytes the largest request body accepted
   * @param pageSizeDefault list size when {@code limit} is not given
   * @param pageSizeMax the largest {@code limit}
   * @param batchSizeMax transfers in one batch request
   * @param minPositionWait how long a read waits for a projection to reach {@code minPosition}
   * @param idempotencyKeyRetention how long stored responses to an Idempotency-Key are kept
   */
  public record Http(
      @DefaultValue("2097152") int bodySizeMaxBytes,
      @DefaultValue("50") int pageSizeDefault,
      @DefaultValue("500") int pageSizeMax,
      @DefaultValue("1000") int batchSizeMax,
      @DefaultValue("5s") Duration minPositionWait,
      @DefaultValue("24h") Duration idempotencyKeyRetention) {
    public Http {
      if (bodySizeMaxBytes < 1024) {
        throw new LedgerConfigurationException(
            "LEDGER_HTTP_BODY_SIZE_MAX_BYTES", "must be at least 1024");
      }
      if (pageSizeMax < 1 || pageSizeDefault < 1 || pageSizeDefault > pageSizeMax) {
        throw new LedgerConfigurationException(
            "LEDGER_HTTP_PAGE_SIZE_DEFAULT", "must be between 1 and LEDGER_HTTP_PAGE_SIZE_MAX");
      }
      if (batchSizeMax < 1 || batchSizeMax > 10_000) {
        throw new LedgerConfigurationException(
            "LEDGER_HTTP_BATCH_SIZE_MAX", "must be between 1 and 10000");
      }
      if (minPositionWait.isNegative() || minPositionWait.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_HTTP_MIN_POSITION_WAIT", "must be between 0 and 1 minute");
      }
      if (idempotencyKeyRetention.compareTo(Duration.ofHours(24)) < 0) {
        throw new LedgerConfigurationException(
            "LEDGER_HTTP_IDEMPOTENCY_KEY_RETENTION", "must be at least 24 hours");
      }
    }
  }

  /**
   * How commands run.
   *
   * @param conflictRetries how often a command that lost a race on the event store is retried
   * @param snapshotThreshold events of an account between two snapshots
   */
  public record Commands(
      @DefaultValue("8") int conflictRetries, @DefaultValue("100") int snapshotThreshold) {
    public Commands {
      if (conflictRetries < 0 || conflictRetries > 50) {
        throw new LedgerConfigurationException(
            "LEDGER_COMMANDS_CONFLICT_RETRIES", "must be between 0 and 50");
      }
      if (snapshotThreshold < 10) {
        throw new LedgerConfigurationException(
            "LEDGER_COMMANDS_SNAPSHOT_THRESHOLD", "must be at least 10");
      }
    }
  }
}
