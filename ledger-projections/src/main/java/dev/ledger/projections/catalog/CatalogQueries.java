package dev.ledger.projections.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ledger.core.checkout.CheckoutEvents.OrderLine;
import dev.ledger.projections.support.Json;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads products and orders. */
public class CatalogQueries {
  private static final TypeReference<List<OrderLine>> LINES = new TypeReference<>() {};

  private final JdbcTemplate jdbc;

  public CatalogQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A product in the read model; prices in points or minor units. */
  public record ProductRow(
      String sku,
      String name,
      Long pricePoints,
      Long priceMinor,
      String currency,
      long onHand,
      long reserved,
      long lastPosition) {
    public long available() {
      return onHand - reserved;
    }
  }

  /** An order in the read model. */
  public record OrderRow(
      String id,
      String userId,
      String payWith,
      long total,
      String currency,
      String status,
      String paymentIntentId,
      List<OrderLine> lines,
      String detail,
      Instant placedAt,
      Instant expiresAt,
      Instant updatedAt,
      long lastPosition) {}

  public Optional<ProductRow> product(String tenant, String sku) {
    return jdbc
        .query(
            "SELECT * FROM product WHERE tenant_id = ? AND sku = ?",
            (rs, i) ->
                new ProductRow(
                    rs.getString("sku"),
                    rs.getString("name"),
                    (Long) rs.getObject("price_points"),
                    (Long) rs.getObject("price_minor"),
                    rs.getString("currency"),
                    rs.getLong("on_hand"),
                    rs.getLong("reserved"),
                    rs.getLong("last_position")),
            tenant,
            sku)
        .stream()
        .findFirst();
  }

  public Optional<OrderRow> order(String tenant, String id) {
    return jdbc
        .query(
            "SELECT * FROM shop_order WHERE tenant_id = ? AND id = ?",
            (rs, i) ->
                new OrderRow(
                    rs.getString("id"),
                    rs.getString("user_id"),
                    rs.getString("pay_with"),
                    rs.getLong("total"),
                    rs.getString("currency"),
                    rs.getString("status"),
                    rs.getString("payment_intent_id"),
                    Json.read(rs.getString("lines"), LINES),
                    rs.getString("detail"),
                    instant(rs.getTimestamp("placed_at")),
                    instant(rs.getTimestamp("expires_at")),
                    instant(rs.getTimestamp("updated_at")),
                    rs.getLong("last_position")),
            tenant,
            id)
        .stream()
        .findFirst();
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
