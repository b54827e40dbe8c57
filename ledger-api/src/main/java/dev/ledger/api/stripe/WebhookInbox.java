package dev.ledger.api.stripe;

import dev.ledger.api.config.LedgerProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The table of verified webhooks ({@code stripe_webhook_event}) and every change of their status.
 */
@Component
public class WebhookInbox {
  /** Statuses of a stored webhook. */
  public enum Status {
    RECEIVED,
    RETRYING,
    PROCESSED,
    IGNORED,
    REJECTED,
    DEAD
  }

  /** A stored webhook. */
  public record StoredEvent(
      String eventId,
      String type,
      String apiVersion,
      byte[] payload,
      Status status,
      int deliveries,
      int attempts,
      Instant receivedAt,
      Instant processedAt,
      Instant nextAttemptAt,
      String lastError,
      String rejectionReason) {}

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final LedgerProperties.Stripe settings;

  public WebhookInbox(JdbcTemplate jdbc, Clock clock, LedgerProperties properties) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.settings = properties.stripe();
  }

  /** Stores a verified event; answers false when it was there already (a redelivery). */
  public boolean store(
      String eventId, String type, String apiVersion, boolean livemode, byte[] payload) {
    int inserted =
        jdbc.update(
            "INSERT INTO stripe_webhook_event (event_id, type, api_version, livemode, payload, status)"
                + " VALUES (?, ?, ?, ?, ?, 'RECEIVED') ON CONFLICT (event_id) DO NOTHING",
            eventId,
            type,
            apiVersion,
            livemode,
            payload);
    if (inserted == 0) {
      jdbc.update(
          "UPDATE stripe_webhook_event SET deliveries = deliveries + 1 WHERE event_id = ?",
          eventId);
    }
    return inserted == 1;
  }

  /**
   * Locks the next due event for this transaction, skipping ones other nodes are working on. Must
   * run inside a transaction.
   */
  public Optional<StoredEvent> lockNextDue() {
    return jdbc
        .query(
            "SELECT * FROM stripe_webhook_event WHERE status IN ('RECEIVED', 'RETRYING') AND next_attempt_at <= ?"
                + " ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED",
            MAPPER,
            Timestamp.from(clock.instant()))
        .stream()
        .findFirst();
  }

  public void finish(String eventId, Status status, String rejectionReason) {
    jdbc.update(
        "UPDATE stripe_webhook_event SET status = ?, processed_at = ?, rejection_reason = ?, attempts = attempts + 1,"
            + " last_error = CASE WHEN ? = 'PROCESSED' THEN NULL ELSE last_error END WHERE event_id = ?",
        status.name(),
        Timestamp.from(clock.instant()),
        truncate(rejectionReason),
        status.name(),
        eventId);
  }

  /**
   * Records a failed attempt: tried again after {@code base × 2^(attempts-1)} (at most {@code
   * max}), or parked as {@code DEAD} after the last attempt. Answers the new status.
   */
  public Status failed(String eventId, String error) {
    Integer attempts =
        jdbc.queryForObject(
            "SELECT attempts + 1 FROM stripe_webhook_event WHERE event_id = ?",
            Integer.class,
            eventId);
    if (attempts == null) {
      return Status.DEAD;
    }
    Status status = attempts >= settings.inboxAttemptsMax() ? Status.DEAD : Status.RETRYING;
    jdbc.update(
        "UPDATE stripe_webhook_event SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE event_id = ?",
        status.name(),
        attempts,
        Timestamp.from(clock.instant().plus(backoff(attempts))),
        truncate(error),
        eventId);
    return status;
  }

  /** Puts a dead or rejected event back in line, with its attempts reset. */
  public boolean retry(String eventId) {
    return jdbc.update(
            "UPDATE stripe_webhook_event SET status = 'RETRYING', attempts = 0, next_attempt_at = ?"
                + " WHERE event_id = ? AND status IN ('DEAD', 'REJECTED')",
            Timestamp.from(clock.instant()),
            eventId)
        == 1;
  }

  Duration backoff(int attempts) {
    Duration wait = settings.inboxBackoffBase().multipliedBy(1L << Math.min(attempts - 1, 30));
    return wait.compareTo(settings.inboxBackoffMax()) > 0 ? settings.inboxBackoffMax() : wait;
  }

  public Optional<StoredEvent> find(String eventId) {
    return jdbc
        .query("SELECT * FROM stripe_webhook_event WHERE event_id = ?", MAPPER, eventId)
        .stream()
        .findFirst();
  }

  /** Events by status (null: all), newest first, keyset-paged by (received_at, event_id). */
  public List<StoredEvent> list(Status status, int limit, String afterEventId) {
    StringBuilder sql = new StringBuilder("SELECT * FROM stripe_webhook_event e WHERE true");
    List<Object> args = new ArrayList<>();
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status.name());
    }
    if (afterEventId != null) {
      sql.append(
          " AND (received_at, event_id) < (SELECT received_at, event_id FROM stripe_webhook_event WHERE event_id = ?)");
      args.add(afterEventId);
    }
    sql.append(" ORDER BY received_at DESC, event_id DESC LIMIT ?");
    args.add(limit + 1);
    return jdbc.query(sql.toString(), MAPPER, args.toArray());
  }

  private static String truncate(String text) {
    return text == null || text.length() <= 1024 ? text : text.substring(0, 1024);
  }

  private static final RowMapper<StoredEvent> MAPPER =
      (ResultSet rs, int i) ->
          new StoredEvent(
              rs.getString("event_id"),
              rs.getString("type"),
              rs.getString("api_version"),
              rs.getBytes("payload"),
              Status.valueOf(rs.getString("status")),
              rs.getInt("deliveries"),
              rs.getInt("attempts"),
              instant(rs, "received_at"),
              instant(rs, "processed_at"),
              instant(rs, "next_attempt_at"),
              rs.getString("last_error"),
              rs.getString("rejection_reason"));

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }
}
