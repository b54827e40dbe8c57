package dev.ledger.projections.coins;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads coin purchases with their transitions, and gifts. */
public class CoinQueries {
  private final JdbcTemplate jdbc;

  public CoinQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A coin purchase in the read model. Coins are whole coins; money in minor units. */
  public record PurchaseRow(
      String id,
      String referenceId,
      String userId,
      long coins,
      long priceMinor,
      String currency,
      String paymentIntentId,
      String status,
      long coinsCredited,
      long coinsSettled,
      long refundedMinor,
      long coinsTakenBack,
      long coinsShortfall,
      Instant createdAt,
      Instant expiresAt,
      Instant updatedAt,
      long lastPosition,
      List<Transition> transitions) {}

  public record Transition(String status, String detail, Instant at, long position) {}

  /** A gift in the read model. */
  public record GiftRow(
      String id,
      String senderId,
      String recipientId,
      long coins,
      long fee,
      long earnings,
      long feeBasisPoints,
      Instant sentAt,
      long position) {}

  public Optional<PurchaseRow> purchase(String tenant, String id) {
    List<Transition> transitions =
        jdbc.query(
            "SELECT * FROM coin_purchase_transition WHERE tenant_id = ? AND id = ? ORDER BY position",
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
            "SELECT * FROM coin_purchase WHERE tenant_id = ? AND id = ?",
            (rs, i) ->
                new PurchaseRow(
                    rs.getString("id"),
                    rs.getString("reference_id"),
                    rs.getString("user_id"),
                    rs.getLong("coins"),
                    rs.getLong("price_minor"),
                    rs.getString("currency"),
                    rs.getString("payment_intent_id"),
                    rs.getString("status"),
                    rs.getLong("coins_credited"),
                    rs.getLong("coins_settled"),
                    rs.getLong("refunded_minor"),
                    rs.getLong("coins_taken_back"),
                    rs.getLong("coins_shortfall"),
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

  public Optional<GiftRow> gift(String tenant, String id) {
    return jdbc
        .query(
            "SELECT * FROM gift WHERE tenant_id = ? AND id = ?",
            (rs, i) ->
                new GiftRow(
                    rs.getString("id"),
                    rs.getString("sender_id"),
                    rs.getString("recipient_id"),
                    rs.getLong("coins"),
                    rs.getLong("fee"),
                    rs.getLong("earnings"),
                    rs.getLong("fee_basis_points"),
                    instant(rs.getTimestamp("sent_at")),
                    rs.getLong("position")),
            tenant,
            id)
        .stream()
        .findFirst();
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
