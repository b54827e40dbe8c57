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
 * @param escrow escrow retries, hold fallback, the expiry sweep and its circuit breaker
 * @param axonserver Axon Server as event store and message bus, when its servers are set
 * @param audit limits of the audit endpoints
 * @param reconciliation how reconciliation judges what is not final yet
 * @param logFormat {@code text} (lines for people) or {@code json} (one JSON object a line, for a
 *     log pipeline); applied before logging starts by {@link LogFormat}
 * @param metrics how often the metrics read from the database are refreshed
 * @param rateLimits requests per API key, and webhooks per node, before {@code 429 rate_limited}
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
    @DefaultValue Coins coins,
    String nodeId,
    @DefaultValue Processors processors,
    @DefaultValue Escrow escrow,
    @DefaultValue Axonserver axonserver,
    @DefaultValue Audit audit,
    @DefaultValue Reconciliation reconciliation,
    @DefaultValue("text") String logFormat,
    @DefaultValue Metrics metrics,
    @DefaultValue RateLimits rateLimits) {

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
    LogFormat.parse(logFormat);
  }

  /** Without the secrets: a settings object that reaches a log must not carry them there. */
  @Override
  public String toString() {
    return "LedgerProperties[db="
        + db
        + ", dataDir="
        + dataDir
        + ", bootstrapApiKey="
        + (bootstrapApiKey == null ? "unset" : "(set)")
        + ", nodeId="
        + nodeId
        + ", stripe="
        + stripe
        + ", logFormat="
        + logFormat
        + ", …]";
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

    @Override
    public String toString() {
      return "Db[url="
          + (url == null ? "embedded" : url.replaceAll("(?i)password=[^&]*", "password=(set)"))
          + ", user="
          + user
          + ", password="
          + (password == null ? "unset" : "(set)")
          + ", poolSize="
          + poolSize
          + "]";
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

    @Override
    public String toString() {
      return "Stripe[secretKey="
          + (secretKey == null ? "unset" : "(set)")
          + ", webhookSecret="
          + (webhookSecret == null ? "unset" : "(set)")
          + ", apiBase="
          + apiBase
          + ", …]";
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
   *     claimed, before another node takes it over; also how long a node counts as alive after its
   *     last heartbeat
   * @param balance whether nodes on one database share the processors' segments fairly
   * @param balanceInterval how often a node heartbeats and gives up segments beyond its share
   * @param replayBatchSize events applied to a replay's shadow tables per transaction
   * @param replayPollInterval how often each instance looks at the replays under way (to pause or
   *     resume its processors, and to take over a replay whose instance went quiet)
   * @param replayTakeoverAfter how long a replay's instance may stay quiet before another takes the
   *     replay over
   */
  public record Processors(
      @DefaultValue("10s") Duration claimTimeout,
      @DefaultValue("true") boolean balance,
      @DefaultValue("5s") Duration balanceInterval,
      @DefaultValue("500") int replayBatchSize,
      @DefaultValue("250ms") Duration replayPollInterval,
      @DefaultValue("30s") Duration replayTakeoverAfter) {
    public Processors {
      if (claimTimeout.toSeconds() < 1 || claimTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_PROCESSORS_CLAIM_TIMEOUT", "must be between 1 second and 10 minutes");
      }
      if (balanceInterval.toMillis() < 100 || balanceInterval.compareTo(claimTimeout) >= 0) {
        throw new LedgerConfigurationException(
            "LEDGER_PROCESSORS_BALANCE_INTERVAL",
            "must be at least 100ms and shorter than LEDGER_PROCESSORS_CLAIM_TIMEOUT");
      }
      if (replayBatchSize < 1 || replayBatchSize > 10_000) {
        throw new LedgerConfigurationException(
            "LEDGER_PROCESSORS_REPLAY_BATCH_SIZE", "must be between 1 and 10000");
      }
      if (replayPollInterval.toMillis() < 10
          || replayPollInterval.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_PROCESSORS_REPLAY_POLL_INTERVAL", "must be between 10ms and 10 seconds");
      }
      if (replayTakeoverAfter.compareTo(replayPollInterval.multipliedBy(10)) < 0
          || replayTakeoverAfter.compareTo(Duration.ofHours(1)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_PROCESSORS_REPLAY_TAKEOVER_AFTER",
            "must be between 10 times LEDGER_PROCESSORS_REPLAY_POLL_INTERVAL and 1 hour");
      }
    }
  }

  /**
   * The audit endpoints.
   *
   * @param scansMax exports and verifications running at once on this instance; each holds a
   *     database connection for as long as it reads the history
   * @param exportTimeout how long one export may take before it is cut off
   */
  public record Audit(@DefaultValue("2") int scansMax, @DefaultValue("1h") Duration exportTimeout) {
    public Audit {
      if (scansMax < 1 || scansMax > 16) {
        throw new LedgerConfigurationException(
            "LEDGER_AUDIT_SCANS_MAX", "must be between 1 and 16");
      }
      if (exportTimeout.toSeconds() < 60 || exportTimeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_AUDIT_EXPORT_TIMEOUT", "must be between 1 minute and 24 hours");
      }
    }
  }

  /**
   * Reconciliation.
   *
   * @param stuckAfter how long a payment movement may stay unreflected or not final (IN_PROGRESS)
   *     before it is listed as MISSING_IN_LEDGER or STUCK
   */
  public record Reconciliation(@DefaultValue("1h") Duration stuckAfter) {
    public Reconciliation {
      if (stuckAfter.toSeconds() < 1 || stuckAfter.compareTo(Duration.ofDays(30)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_RECONCILIATION_STUCK_AFTER", "must be between 1 second and 30 days");
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
   * Coins and gifts.
   *
   * @param giftFeeRate the platform's share of every gift, as a decimal fraction from 0 up to (not
   *     including) 1 with at most four decimals: {@code 0.30} is 30 %, {@code 0.0125} is 1.25 %
   * @param paymentTimeout how long a coin purchase waits for its payment before its PaymentIntent
   *     is canceled and it expires
   */
  public record Coins(
      @DefaultValue("0.30") String giftFeeRate, @DefaultValue("24h") Duration paymentTimeout) {
    public Coins {
      giftFeeBasisPoints(giftFeeRate); // fails fast when invalid
      if (paymentTimeout.toSeconds() < 1 || paymentTimeout.compareTo(Duration.ofDays(30)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_COINS_PAYMENT_TIMEOUT", "must be between 1 second and 30 days");
      }
    }

    /** The gift fee rate in basis points (1/10,000): {@code 0.30} is 3000. */
    public long giftFeeBasisPoints() {
      return giftFeeBasisPoints(giftFeeRate);
    }

    private static long giftFeeBasisPoints(String rate) {
      String problem =
          "must be a decimal fraction from 0 to below 1 with at most four decimals, such as 0.30";
      if (rate == null || !rate.strip().matches("0(\\.[0-9]{1,4})?|\\.[0-9]{1,4}")) {
        throw new LedgerConfigurationException("LEDGER_COINS_GIFT_FEE_RATE", problem);
      }
      return new java.math.BigDecimal(rate.strip())
          .movePointRight(4)
          .setScale(0, java.math.RoundingMode.UNNECESSARY)
          .longValueExact();
    }
  }

  /**
   * How commands run.
   *
   * @param conflictRetries how often a command that lost a race on the event store is retried: two
   *     nodes busy on one hot account each lose about every other race, so a bound of 8 left one
   *     command in a few hundred without an answer (seen with 500 concurrent awards on two nodes)
   * @param snapshotThreshold events of an account between two snapshots
   * @param aggregateCacheSize accounts kept in memory between commands (each checked against the
   *     event store before use, so it is safe with several nodes); 0 turns the cache off
   */
  public record Commands(
      @DefaultValue("20") int conflictRetries,
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

  /**
   * Escrows.
   *
   * @param retryBackoffBase the wait after a capture or transfer failed the first time; it doubles
   *     with each further failure
   * @param retryBackoffMax the longest wait between two attempts
   * @param attemptsMax attempts of a capture or transfer before the escrow goes to manual review
   * @param holdFallback how long a hold lasts when Stripe reports no {@code capture_before}
   * @param sweepInterval how often holds past their deadline are released
   * @param sweepMaxReleases the circuit breaker: releases per sweep at most
   * @param sweepMaxAmount the circuit breaker: amount released per sweep at most, per currency, in
   *     minor units
   * @param stuckAfter how long an escrow may stay in a non-final state before reconciliation lists
   *     it as stuck (the default of {@code olderThan})
   */
  public record Escrow(
      @DefaultValue("30s") Duration retryBackoffBase,
      @DefaultValue("1h") Duration retryBackoffMax,
      @DefaultValue("5") int attemptsMax,
      @DefaultValue("6d") Duration holdFallback,
      @DefaultValue("1m") Duration sweepInterval,
      @DefaultValue("50") int sweepMaxReleases,
      @DefaultValue("1000000") long sweepMaxAmount,
      @DefaultValue("24h") Duration stuckAfter) {
    public Escrow {
      if (retryBackoffBase.toMillis() < 10 || retryBackoffMax.compareTo(retryBackoffBase) < 0) {
        throw new LedgerConfigurationException(
            "LEDGER_ESCROW_RETRY_BACKOFF_BASE",
            "must be at least 10ms and at most LEDGER_ESCROW_RETRY_BACKOFF_MAX");
      }
      if (retryBackoffMax.compareTo(Duration.ofDays(1)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_ESCROW_RETRY_BACKOFF_MAX", "must be at most 1 day");
      }
      if (attemptsMax < 1 || attemptsMax > 50) {
        throw new LedgerConfigurationException(
            "LEDGER_ESCROW_ATTEMPTS_MAX", "must be between 1 and 50");
      }
      if (holdFallback.toMinutes() < 1 || holdFallback.compareTo(Duration.ofDays(30)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_ESCROW_HOLD_FALLBACK", "must be between 1 minute and 30 days");
      }
      if (sweepInterval.toMillis() < 100 || sweepInterval.compareTo(Duration.ofDays(1)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_ESCROW_SWEEP_INTERVAL", "must be between 100ms and 1 day");
      }
      if (sweepMaxReleases < 1 || sweepMaxReleases > 10_000) {
        throw new LedgerConfigurationException(
            "LEDGER_ESCROW_SWEEP_MAX_RELEASES", "must be between 1 and 10000");
      }
      if (sweepMaxAmount < 1) {
        throw new LedgerConfigurationException(
            "LEDGER_ESCROW_SWEEP_MAX_AMOUNT", "must be positive");
      }
      if (stuckAfter.toMinutes() < 1) {
        throw new LedgerConfigurationException(
            "LEDGER_ESCROW_STUCK_AFTER", "must be at least 1 minute");
      }
    }

    public dev.ledger.core.escrow.EscrowPolicy policy() {
      return new dev.ledger.core.escrow.EscrowPolicy(
          retryBackoffBase, retryBackoffMax, attemptsMax, holdFallback);
    }
  }

  /**
   * Axon Server.
   *
   * @param servers {@code host:port} of the cluster's nodes, comma-separated; unset: the engine
   *     keeps its PostgreSQL event store and local buses
   * @param connectTimeout how long start-up waits for a server to answer before it fails; zero: do
   *     not wait
   */
  public record Axonserver(String servers, @DefaultValue("10s") Duration connectTimeout) {
    private static final java.util.regex.Pattern SERVER =
        java.util.regex.Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    public Axonserver {
      servers = servers == null || servers.isBlank() ? null : servers.trim();
      if (servers != null) {
        for (String server : servers.split(",")) {
          if (!SERVER.matcher(server.trim()).matches()) {
            throw new LedgerConfigurationException(
                "LEDGER_AXONSERVER_SERVERS",
                "must be a comma-separated list of host:port, not '" + server.trim() + "'");
          }
        }
      }
      if (connectTimeout.toSeconds() < 1 || connectTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_AXONSERVER_CONNECT_TIMEOUT", "must be between 1 second and 5 minutes");
      }
    }
  }

  /**
   * Metrics that come from the database (processor positions, dead letters, the webhook inbox,
   * sagas). One task reads them all at this interval and the gauges answer from what it read, so a
   * scrape never queries the database.
   *
   * @param refreshInterval how often those values are read
   */
  public record Metrics(@DefaultValue("10s") Duration refreshInterval) {
    public Metrics {
      if (refreshInterval.toMillis() < 100
          || refreshInterval.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new LedgerConfigurationException(
            "LEDGER_METRICS_REFRESH_INTERVAL", "must be between 100ms and 10 minutes");
      }
    }
  }

  /**
   * Token buckets, per API key and node: {@code write} counts POST, PUT, PATCH and DELETE requests,
   * {@code read} the others; the Stripe webhook has one bucket per node for every sender. A bucket
   * holds up to its burst and refills at its rate per second.
   *
   * @param writePerSecond write requests per second and key
   * @param writeBurst write requests a key may make at once after a quiet spell
   * @param readPerSecond read requests per second and key
   * @param readBurst read requests a key may make at once
   * @param webhookPerSecond Stripe webhooks per second, all senders together
   * @param webhookBurst Stripe webhooks at once
   */
  public record RateLimits(
      @DefaultValue("500") long writePerSecond,
      @DefaultValue("1000") long writeBurst,
      @DefaultValue("1000") long readPerSecond,
      @DefaultValue("2000") long readBurst,
      @DefaultValue("100") long webhookPerSecond,
      @DefaultValue("500") long webhookBurst) {
    /** The largest rate or burst a setting accepts. */
    public static final long MAX = 1_000_000;

    public RateLimits {
      check("LEDGER_RATE_LIMITS_WRITE_PER_SECOND", writePerSecond);
      check("LEDGER_RATE_LIMITS_WRITE_BURST", writeBurst);
      check("LEDGER_RATE_LIMITS_READ_PER_SECOND", readPerSecond);
      check("LEDGER_RATE_LIMITS_READ_BURST", readBurst);
      check("LEDGER_RATE_LIMITS_WEBHOOK_PER_SECOND", webhookPerSecond);
      check("LEDGER_RATE_LIMITS_WEBHOOK_BURST", webhookBurst);
    }

    private static void check(String setting, long value) {
      if (value < 1 || value > MAX) {
        throw new LedgerConfigurationException(setting, "must be between 1 and " + MAX);
      }
    }
  }
}
