package dev.ledger.api.web;

import dev.ledger.api.config.LedgerProperties;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Stored responses for {@code Idempotency-Key}. A key is claimed with an insert (the primary key
 * decides between concurrent requests, on any node), then completed with the response, or released
 * if the request failed on our side so that the client may retry.
 */
@Component
public class IdempotencyStore {
  /** A claim this old whose request never finished (its node died) may be taken over. */
  static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);

  private final JdbcTemplate jdbc;
  private final Duration retention;
  private final Clock clock;

  public IdempotencyStore(JdbcTemplate jdbc, LedgerProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.retention = properties.http().idempotencyKeyRetention();
    this.clock = clock;
  }

  /** What is stored under a key. */
  public record Record(
      String requestHash,
      boolean done,
      Integer status,
      String contentType,
      byte[] body,
      Instant createdAt) {}

  /** Claims the key for a new request; empty means it was free and is now ours. */
  public Optional<Record> claim(String tenant, String key, String requestHash) {
    for (int attempt = 0; attempt < 3; attempt++) {
      int inserted =
          jdbc.update(
              "INSERT INTO idempotency_record (tenant_id, idempotency_key, request_hash, state) VALUES (?, ?, ?, 'IN_PROGRESS')"
                  + " ON CONFLICT DO NOTHING",
              tenant,
              key,
              requestHash);
      if (inserted == 1) {
        return Optional.empty();
      }
      Optional<Record> existing = find(tenant, key);
      if (existing.isEmpty()) {
        continue; // released meanwhile: try again
      }
      Record record = existing.get();
      Instant now = clock.instant();
      boolean expired = record.createdAt().plus(retention).isBefore(now);
      boolean abandoned = !record.done() && record.createdAt().plus(ABANDONED_AFTER).isBefore(now);
      if (expired || abandoned) {
        jdbc.update(
            "DELETE FROM idempotency_record WHERE tenant_id = ? AND idempotency_key = ? AND created_at = ?",
            tenant,
            key,
            Timestamp.from(record.createdAt()));
        continue;
      }
      return existing;
    }
    throw new ApiException(
        org.springframework.http.HttpStatus.CONFLICT,
        "request_in_progress",
        "a request with this Idempotency-Key is running");
  }

  public void complete(String tenant, String key, int status, String contentType, byte[] body) {
    jdbc.update(
        "UPDATE idempotency_record SET state = 'DONE', status = ?, content_type = ?, response_body = ?"
            + " WHERE tenant_id = ? AND idempotency_key = ?",
        status,
        contentType,
        body,
        tenant,
        key);
  }

  public void release(String tenant, String key) {
    jdbc.update(
        "DELETE FROM idempotency_record WHERE tenant_id = ? AND idempotency_key = ? AND state = 'IN_PROGRESS'",
        tenant,
        key);
  }

  /** Forgets keys past their retention, in bounded batches. */
  @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
  public void purgeExpired() {
    Timestamp cutoff = Timestamp.from(clock.instant().minus(retention));
    while (jdbc.update(
            "DELETE FROM idempotency_record WHERE ctid IN (SELECT ctid FROM idempotency_record WHERE created_at < ? LIMIT 1000)",
            cutoff)
        == 1000) {
      // keep going until a batch comes back short
    }
  }

  private Optional<Record> find(String tenant, String key) {
    return jdbc
        .query(
            "SELECT * FROM idempotency_record WHERE tenant_id = ? AND idempotency_key = ?",
            (rs, i) ->
                new Record(
                    rs.getString("request_hash"),
                    "DONE".equals(rs.getString("state")),
                    (Integer) rs.getObject("status"),
                    rs.getString("content_type"),
                    rs.getBytes("response_body"),
                    rs.getTimestamp("created_at").toInstant()),
            tenant,
            key)
        .stream()
        .findFirst();
  }
}
