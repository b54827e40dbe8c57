package dev.ledger.api.stripe;

import dev.ledger.api.ledger.EventHistory;
import dev.ledger.core.investment.InvestmentId;
import dev.ledger.core.payment.PaymentOrder;
import dev.ledger.core.shared.TenantId;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Checks what a PaymentIntent's metadata says it pays for: {@code order_type} one of the kinds the
 * engine handles, {@code reference_id} a UUID, {@code tenant} an existing tenant, and the resource
 * itself recorded in the event store (which is consistent at once, unlike a projection).
 */
@Component
public class PaymentReferences {
  /** The order types the engine handles today. */
  public static final Set<String> ORDER_TYPES =
      Set.of("investment", "order", "escrow", "coin_purchase");

  private final JdbcTemplate jdbc;
  private final EventHistory history;

  public PaymentReferences(JdbcTemplate jdbc, EventHistory history) {
    this.jdbc = jdbc;
    this.history = history;
  }

  /**
   * The outcome of a check: an order, or why the metadata is refused, or that the resource is not
   * there (yet).
   */
  public record Check(PaymentOrder order, String rejection, boolean resourceMissing) {}

  public Check check(Map<String, String> metadata) {
    String orderType = metadata.get("order_type");
    String referenceId = metadata.get("reference_id");
    String tenant = metadata.get("tenant");
    if (orderType == null || !ORDER_TYPES.contains(orderType)) {
      return rejected(
          "metadata.order_type "
              + (orderType == null
                  ? "is missing"
                  : "'" + orderType + "' is not a known order type"));
    }
    if (referenceId == null || !isUuid(referenceId)) {
      return rejected(
          "metadata.reference_id " + (referenceId == null ? "is missing" : "is not a UUID"));
    }
    if (tenant == null || !TenantId.isValid(tenant) || !tenantExists(tenant)) {
      return rejected(
          "metadata.tenant "
              + (tenant == null ? "is missing" : "'" + tenant + "' is not a tenant"));
    }
    PaymentOrder order = new PaymentOrder(tenant, orderType, referenceId.toLowerCase());
    return new Check(order, null, !resourceExists(order));
  }

  private Check rejected(String reason) {
    return new Check(null, reason, false);
  }

  private boolean resourceExists(PaymentOrder order) {
    String aggregate =
        switch (order.orderType()) {
          case "investment" -> InvestmentId.aggregateId(order.tenant(), order.referenceId());
          case "order" ->
              dev.ledger.core.checkout.OrderId.aggregateId(order.tenant(), order.referenceId());
          case "escrow" ->
              dev.ledger.core.escrow.EscrowId.aggregateId(order.tenant(), order.referenceId());
          case "coin_purchase" ->
              dev.ledger.core.coins.CoinPurchaseId.aggregateId(order.tenant(), order.referenceId());
          default -> null;
        };
    return aggregate != null && history.exists(aggregate);
  }

  private boolean tenantExists(String tenant) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "SELECT EXISTS (SELECT 1 FROM tenant WHERE id = ?)", Boolean.class, tenant));
  }

  private static boolean isUuid(String value) {
    try {
      return UUID.fromString(value).toString().equalsIgnoreCase(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
