package dev.ledger.projections.escrow;

import dev.ledger.core.escrow.EscrowEvents.EscrowCanceled;
import dev.ledger.core.escrow.EscrowEvents.EscrowCaptureRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowCaptured;
import dev.ledger.core.escrow.EscrowEvents.EscrowCompleted;
import dev.ledger.core.escrow.EscrowEvents.EscrowCreated;
import dev.ledger.core.escrow.EscrowEvents.EscrowHeld;
import dev.ledger.core.escrow.EscrowEvents.EscrowRefunded;
import dev.ledger.core.escrow.EscrowEvents.EscrowReleaseRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowRetryRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowSentToManualReview;
import dev.ledger.core.escrow.EscrowEvents.EscrowTransferFailed;
import dev.ledger.core.escrow.EscrowId;
import dev.ledger.core.escrow.PayoutFailures.PayoutFailed;
import java.sql.Timestamp;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Escrows with their status, amounts and every transition, for {@code GET /v1/escrows/{id}}, the
 * expiry sweep and the escrow reconciliation; and the payees' failed payouts.
 */
@ProcessingGroup(EscrowProjection.NAME)
public class EscrowProjection {
  public static final String NAME = "escrows";
  private static final int DETAIL_MAX = 1024;

  private final JdbcTemplate jdbc;

  public EscrowProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @EventHandler
  void on(EscrowCreated event, TrackingToken token) {
    long position = position(token);
    jdbc.update(
        """
        INSERT INTO escrow (tenant_id, id, reference_id, payer_id, payee_account, amount, currency,
                            platform_fee, payment_intent_id, status, created_at, updated_at, last_position)
        VALUES (?, ?, ?::uuid, ?, ?, ?, ?, ?, ?, 'AWAITING_AUTHORIZATION', ?, ?, ?) ON CONFLICT DO NOTHING""",
        event.escrowId().tenant().value(),
        event.escrowId().id(),
        event.referenceId(),
        event.payerId(),
        event.payeeAccount(),
        event.amount(),
        event.currency(),
        event.platformFee(),
        event.paymentIntentId(),
        Timestamp.from(event.at()),
        Timestamp.from(event.at()),
        position);
    transition(event.escrowId(), position, "AWAITING_AUTHORIZATION", null, event.at());
  }

  @EventHandler
  void on(EscrowHeld event, TrackingToken token) {
    update(
        event.escrowId(),
        "HELD",
        "capture_deadline = ?",
        "authorised " + event.amountAuthorized() + ", capture before " + event.captureDeadline(),
        event.at(),
        token,
        Timestamp.from(event.captureDeadline()));
  }

  @EventHandler
  void on(EscrowCaptureRequested event, TrackingToken token) {
    update(event.escrowId(), "CAPTURING", null, null, event.at(), token);
  }

  @EventHandler
  void on(EscrowCaptured event, TrackingToken token) {
    update(
        event.escrowId(),
        "CAPTURED",
        "captured_amount = ?, review_step = NULL, last_error = NULL",
        "captured "
            + event.amountCaptured()
            + (event.chargeId() == null ? "" : " (" + event.chargeId() + ")"),
        event.at(),
        token,
        event.amountCaptured());
  }

  @EventHandler
  void on(EscrowTransferFailed event, TrackingToken token) {
    update(
        event.escrowId(),
        "TRANSFER_FAILED",
        "transfer_failures = ?, last_error = ?",
        "attempt " + event.attempt() + ": " + event.error(),
        event.at(),
        token,
        event.attempt(),
        truncate(event.error()));
  }

  @EventHandler
  void on(EscrowSentToManualReview event, TrackingToken token) {
    update(
        event.escrowId(),
        "MANUAL_REVIEW",
        "review_step = ?, last_error = ?",
        event.step() + " failed after " + event.attempts() + " attempt(s): " + event.lastError(),
        event.at(),
        token,
        event.step().name(),
        truncate(event.lastError()));
  }

  @EventHandler
  void on(EscrowRetryRequested event, TrackingToken token) {
    update(
        event.escrowId(),
        event.step().name().equals("CAPTURE") ? "CAPTURING" : "CAPTURED",
        "review_step = NULL, transfer_failures = 0",
        "retry " + event.retry() + " of " + event.step() + " requested",
        event.at(),
        token);
  }

  @EventHandler
  void on(EscrowCompleted event, TrackingToken token) {
    update(
        event.escrowId(),
        "COMPLETED",
        "payee_amount = ?, fee_amount = ?, stripe_transfer_id = ?, review_step = NULL",
        (event.stripeTransferId() == null
                ? "nothing to transfer"
                : "transfer " + event.stripeTransferId())
            + (event.resolvedBy() == null
                ? ""
                : "; resolved by an operator: " + event.resolvedBy()),
        event.at(),
        token,
        event.payeeAmount(),
        event.platformFee(),
        event.stripeTransferId());
  }

  @EventHandler
  void on(EscrowReleaseRequested event, TrackingToken token) {
    update(event.escrowId(), "RELEASING", "review_step = NULL", event.reason(), event.at(), token);
  }

  @EventHandler
  void on(EscrowCanceled event, TrackingToken token) {
    update(event.escrowId(), "CANCELED", "review_step = NULL", event.reason(), event.at(), token);
  }

  @EventHandler
  void on(EscrowRefunded event, TrackingToken token) {
    String status;
    String set = "refunded_amount = ?";
    if (event.fullyRefunded()) {
      status = "REFUNDED";
      set += ", review_step = NULL";
    } else if (event.fromEscrow()) {
      status = "MANUAL_REVIEW";
      set += ", review_step = 'TRANSFER', last_error = 'partially refunded before the transfer'";
    } else {
      status = null; // a partial refund of a completed escrow: it stays completed
    }
    String detail =
        "refunded "
            + event.refundedNow()
            + " ("
            + event.refundedTotal()
            + " in all)"
            + (event.fromEscrow() ? " from the escrow" : " by the platform");
    update(event.escrowId(), status, set, detail, event.at(), token, event.refundedTotal());
  }

  @EventHandler
  void on(PayoutFailed event, TrackingToken token) {
    jdbc.update(
        """
        INSERT INTO escrow_payout_failure (tenant_id, payout_id, connected_account, amount, currency,
                                           failure_code, failure_message, at, position)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        event.tenant().value(),
        event.payoutId(),
        event.connectedAccount(),
        event.amount(),
        event.currency(),
        event.failureCode(),
        truncate(event.failureMessage()),
        Timestamp.from(event.at()),
        position(token));
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM escrow_payout_failure");
    jdbc.update("DELETE FROM escrow_transition");
    jdbc.update("DELETE FROM escrow");
  }

  /**
   * Sets the status (unless null) and {@code set} (extra assignments with {@code args}), and
   * records the transition.
   */
  private void update(
      EscrowId id,
      String status,
      String set,
      String detail,
      Instant at,
      TrackingToken token,
      Object... args) {
    long position = position(token);
    StringBuilder sql = new StringBuilder("UPDATE escrow SET updated_at = ?, last_position = ?");
    if (status != null) {
      sql.append(", status = ?");
    }
    if (set != null) {
      sql.append(", ").append(set);
    }
    sql.append(" WHERE tenant_id = ? AND id = ?");
    java.util.List<Object> values = new java.util.ArrayList<>();
    values.add(Timestamp.from(at));
    values.add(position);
    if (status != null) {
      values.add(status);
    }
    values.addAll(java.util.Arrays.asList(args));
    values.add(id.tenant().value());
    values.add(id.id());
    jdbc.update(sql.toString(), values.toArray());
    transition(id, position, status == null ? "REFUNDED_PARTIALLY" : status, detail, at);
  }

  private void transition(EscrowId id, long position, String status, String detail, Instant at) {
    jdbc.update(
        "INSERT INTO escrow_transition (tenant_id, id, position, status, detail, at) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING",
        id.tenant().value(),
        id.id(),
        position,
        status,
        truncate(detail),
        Timestamp.from(at));
  }

  private static String truncate(String text) {
    return text == null || text.length() <= DETAIL_MAX ? text : text.substring(0, DETAIL_MAX);
  }

  private static long position(TrackingToken token) {
    return token
        .position()
        .orElseThrow(() -> new IllegalStateException("event without a position"));
  }
}
