package dev.ledger.projections.escrow;

import dev.ledger.projections.support.Cursors;
import dev.ledger.projections.support.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads escrows: one with its transitions, the holds past their deadline, and reconciliation. */
public class EscrowQueries {
  private final JdbcTemplate jdbc;

  public EscrowQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** An escrow in the read model. Amounts in minor units. */
  public record EscrowRow(
      String tenant,
      String id,
      String referenceId,
      String payerId,
      String payeeAccount,
      long amount,
      String currency,
      long platformFee,
      String paymentIntentId,
      String status,
      Instant captureDeadline,
      long capturedAmount,
      long refundedAmount,
      long payeeAmount,
      long feeAmount,
      String stripeTransferId,
      int transferFailures,
      String reviewStep,
      String lastError,
      Instant createdAt,
      Instant updatedAt,
      long lastPosition) {}

  public record Transition(String status, String detail, Instant at, long position) {}

  /** A hold past its capture deadline, for the sweep. */
  public record ExpiredHold(
      String tenant, String id, long amount, String currency, Instant captureDeadline) {}

  /**
   * One day of escrows (by the day they were created, UTC). {@code pendingAmount} is still on its
   * way (awaiting authorisation, held, capturing, captured, releasing); {@code failedAmount} waits
   * on a failed transfer or an operator (transfer failed, manual review).
   */
  public record Day(
      LocalDate day,
      long count,
      long completedAmount,
      long refundedAmount,
      long pendingAmount,
      long failedAmount,
      long canceledAmount,
      long manualReview,
      long payoutFailedAmount) {}

  public Optional<EscrowRow> escrow(String tenant, String id) {
    return jdbc
        .query(
            "SELECT * FROM escrow WHERE tenant_id = ? AND id = ?", EscrowQueries::row, tenant, id)
        .stream()
        .findFirst();
  }

  public List<Transition> transitions(String tenant, String id) {
    return jdbc.query(
        "SELECT * FROM escrow_transition WHERE tenant_id = ? AND id = ? ORDER BY position",
        (rs, i) ->
            new Transition(
                rs.getString("status"),
                rs.getString("detail"),
                instant(rs.getTimestamp("at")),
                rs.getLong("position")),
        tenant,
        id);
  }

  /** Held escrows whose deadline is before {@code now}, earliest deadline first. */
  public List<ExpiredHold> expiredHolds(Instant now, int limit) {
    return jdbc.query(
        "SELECT tenant_id, id, amount, currency, capture_deadline FROM escrow"
            + " WHERE status = 'HELD' AND capture_deadline < ? ORDER BY capture_deadline, tenant_id, id LIMIT ?",
        (rs, i) ->
            new ExpiredHold(
                rs.getString("tenant_id"),
                rs.getString("id"),
                rs.getLong("amount"),
                rs.getString("currency"),
                instant(rs.getTimestamp("capture_deadline"))),
        Timestamp.from(now),
        limit);
  }

  /** The tenants with escrows that pay a connected account. */
  public List<String> forConnectedAccount(String connectedAccount) {
    return jdbc.queryForList(
        "SELECT DISTINCT tenant_id FROM escrow WHERE payee_account = ? ORDER BY tenant_id",
        String.class,
        connectedAccount);
  }

  /** Per day from {@code from} to {@code to} (inclusive), for one currency or all (null). */
  public List<Day> daily(String tenant, LocalDate from, LocalDate to, String currency) {
    Timestamp start = Timestamp.from(from.atStartOfDay(ZoneOffset.UTC).toInstant());
    Timestamp end = Timestamp.from(to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    List<Day> days =
        jdbc.query(
            """
            SELECT (created_at AT TIME ZONE 'UTC')::date AS day,
                   count(*) AS count,
                   coalesce(sum(amount) FILTER (WHERE status = 'COMPLETED'), 0) AS completed,
                   coalesce(sum(refunded_amount), 0) AS refunded,
                   coalesce(sum(amount) FILTER (WHERE status IN
                     ('AWAITING_AUTHORIZATION','HELD','CAPTURING','CAPTURED','RELEASING')), 0) AS pending,
                   coalesce(sum(amount) FILTER (WHERE status IN ('TRANSFER_FAILED','MANUAL_REVIEW')), 0) AS failed,
                   coalesce(sum(amount) FILTER (WHERE status = 'CANCELED'), 0) AS canceled,
                   count(*) FILTER (WHERE status = 'MANUAL_REVIEW') AS manual_review
              FROM escrow
             WHERE tenant_id = ? AND created_at >= ? AND created_at < ? AND (?::text IS NULL OR currency = ?)
             GROUP BY 1 ORDER BY 1""",
            (rs, i) ->
                new Day(
                    rs.getObject("day", LocalDate.class),
                    rs.getLong("count"),
                    rs.getLong("completed"),
                    rs.getLong("refunded"),
                    rs.getLong("pending"),
                    rs.getLong("failed"),
                    rs.getLong("canceled"),
                    rs.getLong("manual_review"),
                    0),
            tenant,
            start,
            end,
            currency,
            currency);
    var payoutFailures = new java.util.HashMap<LocalDate, Long>();
    jdbc.query(
        """
        SELECT (at AT TIME ZONE 'UTC')::date AS day, coalesce(sum(amount), 0) AS failed
          FROM escrow_payout_failure
         WHERE tenant_id = ? AND at >= ? AND at < ? AND (?::text IS NULL OR currency = ?)
         GROUP BY 1""",
        rs -> {
          payoutFailures.put(rs.getObject("day", LocalDate.class), rs.getLong("failed"));
        },
        tenant,
        start,
        end,
        currency,
        currency);
    var byDay = new java.util.TreeMap<LocalDate, Day>();
    days.forEach(d -> byDay.put(d.day(), d));
    payoutFailures.forEach(
        (day, amount) -> {
          Day d = byDay.getOrDefault(day, new Day(day, 0, 0, 0, 0, 0, 0, 0, 0));
          byDay.put(
              day,
              new Day(
                  day,
                  d.count(),
                  d.completedAmount(),
                  d.refundedAmount(),
                  d.pendingAmount(),
                  d.failedAmount(),
                  d.canceledAmount(),
                  d.manualReview(),
                  amount));
        });
    return List.copyOf(byDay.values());
  }

  /**
   * Escrows in a non-final state whose last change is older than {@code changedBefore}, oldest
   * first, a page at a time.
   */
  public Page<EscrowRow> stuck(String tenant, Instant changedBefore, int limit, String cursor) {
    Timestamp afterTime = new Timestamp(0);
    String afterId = "";
    if (cursor != null) {
      String[] key = Cursors.decode(cursor).split("\\|", 2);
      if (key.length != 2) {
        throw new IllegalArgumentException("invalid cursor");
      }
      try {
        afterTime = Timestamp.from(Instant.parse(key[0]));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("invalid cursor");
      }
      afterId = key[1];
    }
    List<EscrowRow> rows =
        jdbc.query(
            """
            SELECT * FROM escrow
             WHERE tenant_id = ? AND status NOT IN ('COMPLETED','CANCELED','REFUNDED')
               AND updated_at < ? AND (updated_at, id) > (?, ?)
             ORDER BY updated_at, id LIMIT ?""",
            EscrowQueries::row,
            tenant,
            Timestamp.from(changedBefore),
            afterTime,
            afterId,
            limit + 1);
    return Page.of(rows, limit, r -> r.updatedAt() + "|" + r.id());
  }

  private static EscrowRow row(ResultSet rs, int i) throws SQLException {
    return new EscrowRow(
        rs.getString("tenant_id"),
        rs.getString("id"),
        rs.getString("reference_id"),
        rs.getString("payer_id"),
        rs.getString("payee_account"),
        rs.getLong("amount"),
        rs.getString("currency"),
        rs.getLong("platform_fee"),
        rs.getString("payment_intent_id"),
        rs.getString("status"),
        instant(rs.getTimestamp("capture_deadline")),
        rs.getLong("captured_amount"),
        rs.getLong("refunded_amount"),
        rs.getLong("payee_amount"),
        rs.getLong("fee_amount"),
        rs.getString("stripe_transfer_id"),
        rs.getInt("transfer_failures"),
        rs.getString("review_step"),
        rs.getString("last_error"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")),
        rs.getLong("last_position"));
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
