package dev.ledger.projections.investment;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads investments and their transitions. */
public class InvestmentQueries {
  private final JdbcTemplate jdbc;

  public InvestmentQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** An investment in the read model. Amounts in minor units. */
  public record InvestmentRow(
      String id,
      String referenceId,
      String userId,
      long amount,
      String currency,
      long pointsReward,
      long pointsAwarded,
      String paymentIntentId,
      String status,
      Instant createdAt,
      Instant expiresAt,
      Instant updatedAt,
      long lastPosition,
      List<Transition> transitions) {}

  public record Transition(String status, String detail, Instant at, long position) {}

  public Optional<InvestmentRow> investment(String tenant, String id) {
    List<Transition> transitions =
        jdbc.query(
            "SELECT * FROM investment_transition WHERE tenant_id = ? AND id = ? ORDER BY position",
            (rs, i) ->
                new Transition(
                    rs.getString("status"),
                    rs.getString("detail"),
                    instant(rs.getTimestamp("at")),
                    rs.getLong("position")),
            tenant,
            id);
    return jdbc
        .query(
            "SELECT * FROM investment WHERE tenant_id = ? AND id = ?",
            (rs, i) ->
                new InvestmentRow(
                    rs.getString("id"),
                    rs.getString("reference_id"),
                    rs.getString("user_id"),
                    rs.getLong("amount"),
                    rs.getString("currency"),
                    rs.getLong("points_reward"),
                    rs.getLong("points_awarded"),
                    rs.getString("payment_intent_id"),
                    rs.getString("status"),
                    instant(rs.getTimestamp("created_at")),
                    instant(rs.getTimestamp("expires_at")),
                    instant(rs.getTimestamp("updated_at")),
                    rs.getLong("last_position"),
                    transitions),
            tenant,
            id)
        .stream()
        .findFirst();
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
