package dev.ledger.api.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ledger.api.config.LedgerProperties;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Token buckets (Bucket4j): one for the writes and one for the reads of each API key, and one for
 * the Stripe webhook, whoever sends it. A request that finds its bucket empty is {@code 429
 * rate_limited} with {@code Retry-After} (whole seconds until a token is back) and goes no further:
 * it runs after authentication, so it knows the key, and before the body is read or an idempotency
 * key is claimed, so it has no effect at all. Buckets live in this node's memory: with N nodes
 * behind a balancer a key may make up to N times its rate. At most {@link #KEYS_MAX} keys have
 * buckets; a key idle for {@link #IDLE} loses its bucket, which by then would be full anyway.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 15)
public class RateLimitFilter extends OncePerRequestFilter {
  /** Keys whose buckets are kept; the least recently used go first beyond it. */
  static final int KEYS_MAX = 100_000;

  /** How long a bucket of an idle key is kept (longer than the slowest refill from empty). */
  static final Duration IDLE = Duration.ofMinutes(10);

  /** The methods that draw on a key's write bucket; every other method draws on its reads. */
  static final java.util.Set<String> WRITES = java.util.Set.of("POST", "PUT", "PATCH", "DELETE");

  /** What a bucket limits, the tag of {@code ledger.rate.limited}. */
  enum Limit {
    WRITE,
    READ,
    WEBHOOK
  }

  private final LedgerProperties.RateLimits limits;
  private final Cache<String, Bucket> keyBuckets =
      Caffeine.newBuilder().maximumSize(KEYS_MAX).expireAfterAccess(IDLE).build();
  private final Bucket webhookBucket;
  private final Map<Limit, Counter> limited;

  public RateLimitFilter(LedgerProperties properties, MeterRegistry meters) {
    this.limits = properties.rateLimits();
    this.webhookBucket = bucket(limits.webhookPerSecond(), limits.webhookBurst());
    this.limited = new java.util.EnumMap<>(Limit.class);
    for (Limit limit : Limit.values()) {
      limited.put(
          limit,
          Counter.builder("ledger.rate.limited")
              .description("requests refused with 429 rate_limited")
              .tag("limit", limit.name().toLowerCase(java.util.Locale.ROOT))
              .register(meters));
    }
  }

  private static Bucket bucket(long perSecond, long burst) {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .build();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !Paths.isWebhook(request) && request.getAttribute(RequestContext.ATTRIBUTE) == null;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Limit limit;
    Bucket bucket;
    if (Paths.isWebhook(request)) {
      limit = Limit.WEBHOOK;
      bucket = webhookBucket;
    } else {
      limit = WRITES.contains(request.getMethod()) ? Limit.WRITE : Limit.READ;
      String keyId = RequestContext.of(request).keyId();
      bucket =
          keyBuckets.get(
              keyId + "|" + limit,
              k ->
                  limit == Limit.READ
                      ? bucket(limits.readPerSecond(), limits.readBurst())
                      : bucket(limits.writePerSecond(), limits.writeBurst()));
    }
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      chain.doFilter(request, response);
      return;
    }
    limited.get(limit).increment();
    long seconds =
        Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    response.setHeader("Retry-After", Long.toString(seconds));
    Problems.write(
        response,
        request,
        new ApiException(
            HttpStatus.TOO_MANY_REQUESTS,
            "rate_limited",
            limit == Limit.WEBHOOK
                ? "too many webhooks; retry after " + seconds + " s"
                : "this API key made too many "
                    + limit.name().toLowerCase(java.util.Locale.ROOT)
                    + " requests; retry after "
                    + seconds
                    + " s"));
  }
}
