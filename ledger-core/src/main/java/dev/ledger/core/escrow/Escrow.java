package dev.ledger.core.escrow;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.escrow.EscrowCommands.CreateEscrow;
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
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import java.time.Instant;
import java.util.Set;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * An escrow: a payer's card authorisation held for a payee, captured and paid out, or released.
 * Every transition is decided here, one at a time (Axon locks the aggregate, and the event store's
 * key on the sequence number makes a second node's concurrent decision fail and retry), so a
 * capture asked twice, on one node or two, is accepted once. {@link EscrowCommandHandler} moves the
 * ledger in the same unit of work as the transitions that move money.
 *
 * <p>Reports from Stripe (held, captured, canceled) that arrive late or twice are ignored rather
 * than rejected: they are news, not requests.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class Escrow {
  private static final Set<EscrowStatus> RELEASABLE =
      Set.of(EscrowStatus.AWAITING_AUTHORIZATION, EscrowStatus.HELD);

  @AggregateIdentifier private String id;
  private EscrowId escrowId;
  private String payerId;
  private String payeeAccount;
  private long amount;
  private String currency;
  private long platformFee;
  private String paymentIntentId;
  private EscrowStatus status;
  private Instant captureDeadline;
  private long captured;
  private long refundedTotal;
  private EscrowStep reviewStep;
  private int retries;

  protected Escrow() {
    // for Axon
  }

  private Escrow(CreateEscrow command, Instant now) {
    apply(
        new EscrowCreated(
            command.escrowId(),
            command.escrowId().referenceId(),
            command.payerId(),
            command.payeeAccount(),
            command.amount(),
            command.currency(),
            command.platformFee(),
            command.paymentIntentId(),
            now));
  }

  static Escrow create(CreateEscrow command, Instant now) {
    return new Escrow(command, now);
  }

  boolean isDescribedBy(CreateEscrow command) {
    return payerId.equals(command.payerId())
        && payeeAccount.equals(command.payeeAccount())
        && amount == command.amount()
        && currency.equals(command.currency())
        && platformFee == command.platformFee();
  }

  void hold(long amountAuthorized, Instant deadline, Instant now) {
    if (status == EscrowStatus.AWAITING_AUTHORIZATION) {
      apply(new EscrowHeld(escrowId, amountAuthorized, deadline, now));
    }
  }

  /** Only a held escrow whose hold has not run out can be captured; anything else is a 409. */
  void requestCapture(Instant now) {
    if (status != EscrowStatus.HELD) {
      throw invalid("cannot capture an escrow that is " + status);
    }
    if (captureDeadline != null && !now.isBefore(captureDeadline)) {
      throw invalid("the hold expired at " + captureDeadline);
    }
    apply(new EscrowCaptureRequested(escrowId, paymentIntentId, now));
  }

  /** Whether this report of a capture is news (the caller then moves the funds in the ledger). */
  boolean isCaptureNews() {
    return status == EscrowStatus.AWAITING_AUTHORIZATION
        || status == EscrowStatus.HELD
        || status == EscrowStatus.CAPTURING
        || status == EscrowStatus.RELEASING
        || (status == EscrowStatus.MANUAL_REVIEW && reviewStep == EscrowStep.CAPTURE);
  }

  void captured(long amountCaptured, String chargeId, String ledgerTransferId, Instant now) {
    apply(new EscrowCaptured(escrowId, amountCaptured, chargeId, ledgerTransferId, now));
  }

  void transferFailed(int attempt, String error, Instant now) {
    if (status == EscrowStatus.CAPTURED || status == EscrowStatus.TRANSFER_FAILED) {
      apply(new EscrowTransferFailed(escrowId, attempt, error, now));
    }
  }

  void sendToManualReview(EscrowStep step, int attempts, String lastError, Instant now) {
    boolean inStep =
        switch (step) {
          case CAPTURE -> status == EscrowStatus.CAPTURING;
          case TRANSFER ->
              status == EscrowStatus.CAPTURED || status == EscrowStatus.TRANSFER_FAILED;
        };
    if (inStep) {
      apply(new EscrowSentToManualReview(escrowId, step, attempts, lastError, now));
    }
  }

  void retry(Instant now) {
    if (status != EscrowStatus.MANUAL_REVIEW) {
      throw invalid("only an escrow in manual review can be retried; this one is " + status);
    }
    apply(new EscrowRetryRequested(escrowId, reviewStep, retries + 1, now));
  }

  /** Whether the transfer to the payee can be recorded now (the caller then moves the ledger). */
  boolean isAwaitingTransfer() {
    return status == EscrowStatus.CAPTURED
        || status == EscrowStatus.TRANSFER_FAILED
        || (status == EscrowStatus.MANUAL_REVIEW && reviewStep == EscrowStep.TRANSFER);
  }

  void requireResolvable() {
    if (status != EscrowStatus.MANUAL_REVIEW || reviewStep != EscrowStep.TRANSFER) {
      throw invalid(
          "only an escrow in manual review of its transfer can be resolved; this one is "
              + status
              + (reviewStep == null ? "" : " (" + reviewStep + ")"));
    }
  }

  void complete(String stripeTransferId, String resolvedBy, Instant now) {
    apply(
        new EscrowCompleted(
            escrowId, stripeTransferId, payeeAmount(), feeOnCaptured(), resolvedBy, now));
  }

  void requestRelease(Instant now) {
    boolean captureFailed =
        status == EscrowStatus.MANUAL_REVIEW && reviewStep == EscrowStep.CAPTURE;
    if (!RELEASABLE.contains(status) && !captureFailed) {
      throw invalid("cannot release an escrow that is " + status);
    }
    apply(new EscrowReleaseRequested(escrowId, paymentIntentId, "requested", now));
  }

  /**
   * Releases a hold past its deadline; anything else is left alone (the sweep read a stale view).
   */
  boolean expireHold(Instant now) {
    if (status != EscrowStatus.HELD || captureDeadline == null || now.isBefore(captureDeadline)) {
      return false;
    }
    apply(new EscrowReleaseRequested(escrowId, paymentIntentId, "expired", now));
    return true;
  }

  void canceled(String reason, Instant now) {
    boolean captureFailed =
        status == EscrowStatus.MANUAL_REVIEW && reviewStep == EscrowStep.CAPTURE;
    if (RELEASABLE.contains(status)
        || status == EscrowStatus.RELEASING
        || status == EscrowStatus.CAPTURING
        || captureFailed) {
      apply(new EscrowCanceled(escrowId, reason, now));
    }
  }

  /** What a refund report adds to what is known, or 0 when it is old news. */
  long refundNews(long reportedTotal) {
    if (captured == 0 || reportedTotal <= refundedTotal) {
      return 0;
    }
    return Math.min(reportedTotal, captured) - refundedTotal;
  }

  /** Whether a refund now is paid out of the escrow account (the payee has not been paid yet). */
  boolean refundsFromEscrow() {
    return status != EscrowStatus.COMPLETED && status != EscrowStatus.REFUNDED;
  }

  void refunded(long refundedNow, boolean fromEscrow, String ledgerTransferId, Instant now) {
    long total = refundedTotal + refundedNow;
    apply(
        new EscrowRefunded(
            escrowId, total, refundedNow, fromEscrow, total >= captured, ledgerTransferId, now));
  }

  /** What the payee receives: what is left of the captured funds after refunds, less the fee. */
  long payeeAmount() {
    return remaining() - feeOnCaptured();
  }

  private long feeOnCaptured() {
    return Math.min(platformFee, remaining());
  }

  private long remaining() {
    return Math.max(0, captured - refundedTotal);
  }

  EscrowId escrowIdValue() {
    return escrowId;
  }

  EscrowStatus status() {
    return status;
  }

  String currency() {
    return currency;
  }

  String payeeAccount() {
    return payeeAccount;
  }

  String paymentIntentId() {
    return paymentIntentId;
  }

  long captured() {
    return captured;
  }

  long platformFee() {
    return feeOnCaptured();
  }

  private LedgerRejection invalid(String message) {
    return new LedgerRejection(Rejection.INVALID_STATE, "escrow " + escrowId.id() + ": " + message);
  }

  @EventSourcingHandler
  void on(EscrowCreated event) {
    id = event.escrowId().toString();
    escrowId = event.escrowId();
    payerId = event.payerId();
    payeeAccount = event.payeeAccount();
    amount = event.amount();
    currency = event.currency();
    platformFee = event.platformFee();
    paymentIntentId = event.paymentIntentId();
    status = EscrowStatus.AWAITING_AUTHORIZATION;
  }

  @EventSourcingHandler
  void on(EscrowHeld event) {
    status = EscrowStatus.HELD;
    captureDeadline = event.captureDeadline();
  }

  @EventSourcingHandler
  void on(EscrowCaptureRequested event) {
    status = EscrowStatus.CAPTURING;
  }

  @EventSourcingHandler
  void on(EscrowCaptured event) {
    status = EscrowStatus.CAPTURED;
    captured = event.amountCaptured();
    reviewStep = null;
  }

  @EventSourcingHandler
  void on(EscrowTransferFailed event) {
    status = EscrowStatus.TRANSFER_FAILED;
  }

  @EventSourcingHandler
  void on(EscrowSentToManualReview event) {
    status = EscrowStatus.MANUAL_REVIEW;
    reviewStep = event.step();
  }

  @EventSourcingHandler
  void on(EscrowRetryRequested event) {
    retries = event.retry();
    status = event.step() == EscrowStep.CAPTURE ? EscrowStatus.CAPTURING : EscrowStatus.CAPTURED;
    reviewStep = null;
  }

  @EventSourcingHandler
  void on(EscrowCompleted event) {
    status = EscrowStatus.COMPLETED;
    reviewStep = null;
  }

  @EventSourcingHandler
  void on(EscrowReleaseRequested event) {
    status = EscrowStatus.RELEASING;
    reviewStep = null;
  }

  @EventSourcingHandler
  void on(EscrowCanceled event) {
    status = EscrowStatus.CANCELED;
    reviewStep = null;
  }

  /**
   * A full refund ends the escrow; a partial one before the transfer leaves an amount the saga
   * cannot split on its own, so an operator decides; after completion it is only recorded.
   */
  @EventSourcingHandler
  void on(EscrowRefunded event) {
    refundedTotal = event.refundedTotal();
    if (event.fullyRefunded()) {
      status = EscrowStatus.REFUNDED;
      reviewStep = null;
    } else if (event.fromEscrow()) {
      status = EscrowStatus.MANUAL_REVIEW;
      reviewStep = EscrowStep.TRANSFER;
    }
  }
}
