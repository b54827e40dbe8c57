package dev.ledger.projections.investment;

import dev.ledger.core.investment.InvestmentEvents.InvestmentActivated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentCreated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentExpired;
import dev.ledger.core.investment.InvestmentEvents.InvestmentFailed;
import dev.ledger.core.investment.InvestmentEvents.InvestmentPaymentMismatched;
import dev.ledger.core.investment.InvestmentEvents.InvestmentRefunded;
import dev.ledger.core.investment.InvestmentId;
import java.sql.Timestamp;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/** Investments with their status and every transition, for {@code GET /v1/investments/{id}}. */
@ProcessingGroup(InvestmentProjection.NAME)
public class InvestmentProjection {
  public static final String NAME = "investments";

  private final JdbcTemplate jdbc;

  public InvestmentProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @EventHandler
  void on(InvestmentCreated event, TrackingToken token) {
    long position = position(token);
    jdbc.update(
        """
        INSERT INTO investment (tenant_id, id, reference_id, user_id, amount, currency, points_reward,
                                payment_intent_id, status, created_at, expires_at, updated_at, last_position)
        VALUES (?, ?, ?::uuid, ?, ?, ?, ?, ?, 'PENDING_PAYMENT', ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        event.investmentId().tenant().value(),
        event.investmentId().id(),
        event.referenceId(),
        event.userId(),
        event.amount(),
        event.currency(),
        event.pointsReward(),
        event.paymentIntentId(),
        Timestamp.from(event.createdAt()),
        Timestamp.from(event.expiresAt()),
        Timestamp.from(event.createdAt()),
        position);
    transition(event.investmentId(), position, "PENDING_PAYMENT", null, event.createdAt());
  }

  @EventHandler
  void on(InvestmentActivated event, TrackingToken token) {
    long position = position(token);
    jdbc.update(
        "UPDATE investment SET status = 'ACTIVE', points_awarded = ?, updated_at = ?, last_position = ?"
            + " WHERE tenant_id = ? AND id = ?",
        event.pointsAwarded(),
        Timestamp.from(event.activatedAt()),
        position,
        event.investmentId().tenant().value(),
        event.investmentId().id());
    transition(
        event.investmentId(),
        position,
        "ACTIVE",
        "payment " + event.paymentIntentId(),
        event.activatedAt());
  }

  @EventHandler
  void on(InvestmentPaymentMismatched event, TrackingToken token) {
    status(
        event.investmentId(),
        "FAILED",
        "payment mismatched: expected "
            + event.expectedAmount()
            + " "
            + event.expectedCurrency()
            + ", received "
            + event.receivedAmount()
            + " "
            + event.receivedCurrency(),
        event.at(),
        token);
  }

  @EventHandler
  void on(InvestmentFailed event, TrackingToken token) {
    status(event.investmentId(), "FAILED", event.reason(), event.failedAt(), token);
  }

  @EventHandler
  void on(InvestmentExpired event, TrackingToken token) {
    status(event.investmentId(), "EXPIRED", null, event.expiredAt(), token);
  }

  @EventHandler
  void on(InvestmentRefunded event, TrackingToken token) {
    status(
        event.investmentId(),
        "REFUNDED",
        "refunded "
            + event.refundedTotal()
            + "; points reversed "
            + event.pointsReversed()
            + ", shortfall "
            + event.pointsShortfall(),
        event.refundedAt(),
        token);
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM investment_transition");
    jdbc.update("DELETE FROM investment");
  }

  private void status(
      InvestmentId id, String status, String detail, Instant at, TrackingToken token) {
    long position = position(token);
    jdbc.update(
        "UPDATE investment SET status = ?, updated_at = ?, last_position = ? WHERE tenant_id = ? AND id = ?",
        status,
        Timestamp.from(at),
        position,
        id.tenant().value(),
        id.id());
    transition(id, position, status, detail, at);
  }

  private void transition(
      InvestmentId id, long position, String status, String detail, Instant at) {
    jdbc.update(
        "INSERT INTO investment_transition (tenant_id, id, position, status, detail, at) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        id.tenant().value(),
        id.id(),
        position,
        status,
        detail == null ? null : detail.length() > 512 ? detail.substring(0, 512) : detail,
        Timestamp.from(at));
  }

  private static long position(TrackingToken token) {
    return token
        .position()
        .orElseThrow(() -> new IllegalStateException("event without a position"));
  }
}
