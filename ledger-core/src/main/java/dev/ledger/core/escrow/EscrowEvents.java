package dev.ledger.core.escrow;

import java.time.Instant;

/** The facts of an escrow's life. Amounts are in the currency's minor unit. */
public final class EscrowEvents {
  private EscrowEvents() {}

  public sealed interface EscrowEvent
      permits EscrowCreated,
          EscrowHeld,
          EscrowCaptureRequested,
          EscrowCaptured,
          EscrowTransferFailed,
          EscrowSentToManualReview,
          EscrowRetryRequested,
          EscrowCompleted,
          EscrowReleaseRequested,
          EscrowCanceled,
          EscrowRefunded {
    EscrowId escrowId();

    Instant at();
  }

  public record EscrowCreated(
      EscrowId escrowId,
      String referenceId,
      String payerId,
      String payeeAccount,
      long amount,
      String currency,
      long platformFee,
      String paymentIntentId,
      Instant at)
      implements EscrowEvent {}

  /** Authorised; capture possible until {@code captureDeadline}. */
  public record EscrowHeld(
      EscrowId escrowId, long amountAuthorized, Instant captureDeadline, Instant at)
      implements EscrowEvent {}

  /** Capture accepted: exactly one such event per capture, however many clients asked. */
  public record EscrowCaptureRequested(EscrowId escrowId, String paymentIntentId, Instant at)
      implements EscrowEvent {}

  /**
   * The funds were captured; the ledger moved them from {@code platform:stripe:{ASSET}} into the
   * escrow account in the same unit of work ({@code ledgerTransferId}).
   */
  public record EscrowCaptured(
      EscrowId escrowId, long amountCaptured, String chargeId, String ledgerTransferId, Instant at)
      implements EscrowEvent {}

  public record EscrowTransferFailed(EscrowId escrowId, int attempt, String error, Instant at)
      implements EscrowEvent {}

  public record EscrowSentToManualReview(
      EscrowId escrowId, EscrowStep step, int attempts, String lastError, Instant at)
      implements EscrowEvent {}

  /**
   * An operator asked for another try of {@code step}; {@code retry} counts such requests (1, 2, …)
   * and names the new Stripe idempotency key of the step.
   */
  public record EscrowRetryRequested(EscrowId escrowId, EscrowStep step, int retry, Instant at)
      implements EscrowEvent {}

  /**
   * The payee has its share; the ledger moved {@code payeeAmount} to {@code payee:{acct}:{ASSET}}
   * and {@code platformFee} to {@code platform:revenue:{ASSET}}, leaving the escrow account at
   * zero.
   *
   * @param resolvedBy null when the saga completed it, else the operator's note
   */
  public record EscrowCompleted(
      EscrowId escrowId,
      String stripeTransferId,
      long payeeAmount,
      long platformFee,
      String resolvedBy,
      Instant at)
      implements EscrowEvent {}

  /**
   * @param reason {@code requested} (by the client) or {@code expired} (by the sweep)
   */
  public record EscrowReleaseRequested(
      EscrowId escrowId, String paymentIntentId, String reason, Instant at)
      implements EscrowEvent {}

  public record EscrowCanceled(EscrowId escrowId, String reason, Instant at)
      implements EscrowEvent {}

  /**
   * More of the payment was refunded. Before the transfer the refund leaves the escrow account;
   * after it, the platform pays it ({@code platform:escrow-refunds:{ASSET}}).
   *
   * @param fromEscrow whether the escrow account paid it
   * @param fullyRefunded whether everything captured is refunded now
   */
  public record EscrowRefunded(
      EscrowId escrowId,
      long refundedTotal,
      long refundedNow,
      boolean fromEscrow,
      boolean fullyRefunded,
      String ledgerTransferId,
      Instant at)
      implements EscrowEvent {}
}
