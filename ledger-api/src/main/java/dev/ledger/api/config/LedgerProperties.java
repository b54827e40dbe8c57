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
 * @param nodeId this engine instance's name in processor claims; unique by default
 */
@ConfigurationProperties("ledger")
public record LedgerProperties(
    Db db,
    @DefaultValue("./data") Path dataDir,
    String bootstrapApiKey,
    Map<String, Integer> assets,
    @DefaultValue Http http,
    @DefaultValue Commands commands,
    @DefaultValue Stripe stripe,
    @DefaultValue Investments investments,
    @DefaultValue Orders orders,
    String nodeId,
    @DefaultValue Processors processors) {

  public static final Map<String, Integer> BUILT_IN_ASSETS =
      Map.of("POINTS", 0, "COINS", 0, "USD", 2, "EUR", 2, "GBP", 2);

  public LedgerProperties {
    db = db == null ? new Db(null, null, null, 20) : db;
    if (nodeId == null || nodeId.isBlank()) {
      // unique per engine instance, also for several engines in one JVM
      nodeId =
          java.lang.management.ManagementFactory.getRuntimeMXBean().getName()
              + "/"
              + java.util.UUID.randomUUID().toString().substring(0, 8);
    } else if (nodeId.length() > 200) {
      throw new LedgerConfigurationException("LEDGER_NODE_ID", "must be at most 200 characters");
    }
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
          (key, scale) -> {
            // environment variables arrive lower-cased (LEDGER_ASSETS_BTC → ledger.assets.btc)
            String code = key.toUpperCase(java.util.Locale.ROOT);
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
   * Stripe, both ways. Without a secret key every command that needs Stripe answers {@code 503
   * unavailable}; without a webhook secret every webhook is refused.
   *
   * @param apiBase where the Stripe API is (tests point it at a local fake)
   * @param maxNetworkRetries stripe-java's own retries of a failed call, with the same idempotency
   *     key
   * @param webhookToleranceSeconds how old, or how far in the future, a signed webhook may be
   * @param webhookBodySizeMaxBytes the largest webhook accepted
   * @param inboxAttemptsMax processing attempts of a stored webhook before it is parked as a dead
   *     letter
   * @param inboxBackoffBase the wait after the first failed attempt; it doubles with each further
   *     one
   * @param inboxBackoffMax the longest wait between two attempts
   * @param inboxBatchSize webhooks taken per poll
   * @param inboxPollInterval how often the inbox is polled for work
   * @param referenceGrace how long a webhook whose resource does not exist (yet) is retried before
   *     it is rejected as unknown
   */
  public record Stripe(
      String secretKey,
      String webhookSecret,
      @DefaultValue("https://api.stripe.com") String apiBase,
      @DefaultValue("2") int maxNetworkRetries,
      @DefaultValue("300") long webhookToleranceSeconds,
      @DefaultValue("65536") int webhookBodySizeMaxBytes,
      @DefaultValue("8") int inboxAttemptsMax,
      @DefaultValue("1s") Duration inboxBackoffBase,
      @DefaultValue("10m") Duration inboxBackoffMax,
      @DefaultValue("20") int inboxBatchSize,
      @DefaultValue("250ms") Duration inboxPollInterval,
      @DefaultValue("2m") Duration referenceGrace) {
    public Stripe {
      secretKey = secretKey == null || secretKey.isBlank() ? null : secretKey;
      webhookSecret = webhookSecret == null || webhookSecret.isBlank() ? null : webhookSecret;
      if (!apiBase.startsWith("https://") && !apiBase.startsWith("http://")) {
        throw new LedgerConfigurationException("LEDGER_STRIPE_API_BASE", "must be an http(s) URL");
      }
      if (maxNetworkRetries < 0 || maxNetworkRetries > 10) {
        throw new LedgerConfigurationException(
            "LEDGER_STRIPE_MAX_NETWORK_RETRIES", "must be between 0 and 10");
      }
      if (webhookToleranceSeconds < 1 || webhookToleranceSeconds > 3600) {
        throw new LedgerConfigurationException(
            "LEDGER_STRIPE_WEBHOOK_TOLERANCE_SECONDS", "must be between 1 and 3600");
      }
      if (webhookBodySizeMaxBytes < 1024 || webhookBodySizeMaxBytes > 1_048_576) {
        throw new LedgerConfigurationException(
            "LEDGER_STRIPE_WEBHOOK_BODY_SIZE_MAX_BYTES", "must be between 1024 and 1048576");
      }
      if (inboxAttemptsMax < 1 || inboxAttemptsMax > 100) {
        throw new LedgerConfigurationException(
            "LEDGER_STRIPE_INBOX_ATTEMPTS_MAX", "must be between 1 and 100");
      }
      if (inboxBackoffBase.isNegative()
          || inboxBackoffBase.isZero()
          || inboxBackoffMax.compareTo(inboxBackoffBase) < 0) {
        throw new LedgerConfigurationException(
            "LEDGER_STRIPE_INBOX_BACKOFF_BASE",
            "must be positive and at most LEDGER_STRIPE_INBOX_BACKOFF_MAX");
      }
      if (inboxBatchSize < 1 || inboxBatchSize > 500) {
        throw new LedgerConfigurationException(
            "LEDGER_STRIPE_INBOX_BATCH_SIZE", "must be between 1 and 500");
      }
      if (inboxPollInterval.toMillis() < 10) {
        throw new LedgerConfigurationException(
            "LEDGER_STRIPE_INBOX_POLL_INTERVAL", "must be at least 10ms");
      }
      if (referenceGrace.isNegative()) {
        throw new LedgerConfigurationException(
            "LEDGER_STRIPE_REFERENCE_GRACE", "must not be negative");
      }
    }
  }

  /**
   * Investments.
   *
   * @param paymentTimeout how long an investment waits for its payment before it expires
   */
  public record Investments(@DefaultValue("24h") Duration paymentTimeout) {
    public Investments {
      if (paymentTimeout.toSeconds() < 1 || paymentTimeout.compareTo(Duration.ofDays(30)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_INVESTMENTS_PAYMENT_TIMEOUT", "must be between 1 second and 30 days");
      }
    }
  }

  /**
   * Event processors.
   *
   * @param claimTimeout how long a segment claimed by a node that stopped updating it stays
   *     claimed, before another node takes it over
   */
  public record Processors(@DefaultValue("10s") Duration claimTimeout) {
    public Processors {
      if (claimTimeout.toSeconds() < 1 || claimTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_PROCESSORS_CLAIM_TIMEOUT", "must be between 1 second and 10 minutes");
      }
    }
  }

  /**
   * Card orders.
   *
   * @param paymentTimeout how long a card order holds its stock waiting for payment
   */
  public record Orders(@DefaultValue("30m") Duration paymentTimeout) {
    public Orders {
      if (paymentTimeout.toSeconds() < 1 || paymentTimeout.compareTo(Duration.ofDays(7)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_ORDERS_PAYMENT_TIMEOUT", "must be between 1 second and 7 days");
      }
    }
  }

  /**
   * How commands run.
   *
   * @param conflictRetries how often a command that lost a race on the event store is retried
   * @param snapshotThreshold events of an account between two snapshots
   * @param aggregateCacheSize accounts kept in memory between commands (each checked against the
   *     event store before use, so it is safe with several nodes); 0 turns the cache off
   */
  public record Commands(
      @DefaultValue("8") int conflictRetries,
      @DefaultValue("100") int snapshotThreshold,
      @DefaultValue("10000") int aggregateCacheSize) {
    public Commands {
      if (aggregateCacheSize < 0 || aggregateCacheSize > 1_000_000) {
        throw new LedgerConfigurationException(
            "LEDGER_COMMANDS_AGGREGATE_CACHE_SIZE", "must be between 0 and 1000000");
      }
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
