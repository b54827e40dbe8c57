package dev.ledger.core.escrow;

import java.time.Instant;

/** What clients, operators, the webhook adapter and the escrow saga ask of an escrow. */
public final class EscrowCommands {
  private EscrowCommands() {}

  /**
   * Records a new escrow whose manual-capture PaymentIntent exists at Stripe already.
   *
   * @param payeeAccount the payee's Stripe connected account ({@code acct_…})
   * @param amount in the currency's minor unit
   * @param platformFee kept by the platform out of {@code amount} when the escrow completes
   */
  public record CreateEscrow(
      EscrowId escrowId,
      String payerId,
      String payeeAccount,
      long amount,
      String currency,
      long platformFee,
      String paymentIntentId) {}

  /** Stripe authorised the payment: the funds are held until {@code captureDeadline}. */
  public record HoldEscrow(EscrowId escrowId, long amountAuthorized, Instant captureDeadline) {}

  /** A client asks to capture the held funds. Only a {@code HELD} escrow can be captured. */
  public record CaptureEscrow(EscrowId escrowId) {}

  /** The funds were captured at Stripe; {@code chargeId} is the charge they arrived with. */
  public record RecordEscrowCaptured(EscrowId escrowId, long amountCaptured, String chargeId) {}

  /** Moving the funds to the payee failed (the {@code attempt}-th time, 1-based). */
  public record RecordEscrowTransferFailed(EscrowId escrowId, int attempt, String error) {}

  /** The funds reached the payee's connected account with Stripe transfer {@code transferId}. */
  public record CompleteEscrow(EscrowId escrowId, String stripeTransferId) {}

  /** A step failed past its retries (or for good): an operator has to look. */
  public record SendEscrowToManualReview(
      EscrowId escrowId, EscrowStep step, int attempts, String lastError) {}

  /** An operator asks the escrow in manual review to try its failed step again. */
  public record RetryEscrow(EscrowId escrowId) {}

  /**
   * An operator settled the transfer by hand (say, from the Stripe dashboard) and records it.
   *
   * @param note why, for the audit trail
   */
  public record ResolveEscrow(EscrowId escrowId, String stripeTransferId, String note) {}

  /** A client asks to release the hold: the authorisation is canceled and nothing is charged. */
  public record ReleaseEscrow(EscrowId escrowId) {}

  /** The sweep releases a hold whose capture deadline has passed ({@code now} is the sweep's). */
  public record ExpireEscrowHold(EscrowId escrowId, Instant now) {}

  /** The PaymentIntent was canceled at Stripe: nothing will be captured. */
  public record RecordEscrowCanceled(EscrowId escrowId, String reason) {}

  /** Stripe reports {@code refundedTotal} refunded of the escrow's payment, in all so far. */
  public record RecordEscrowRefund(EscrowId escrowId, long refundedTotal) {}
}
