package dev.ledger.core.escrow;

import dev.ledger.core.escrow.EscrowCommands.CaptureEscrow;
import dev.ledger.core.escrow.EscrowCommands.CompleteEscrow;
import dev.ledger.core.escrow.EscrowCommands.CreateEscrow;
import dev.ledger.core.escrow.EscrowCommands.ExpireEscrowHold;
import dev.ledger.core.escrow.EscrowCommands.HoldEscrow;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowCanceled;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowCaptured;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowRefund;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowTransferFailed;
import dev.ledger.core.escrow.EscrowCommands.ReleaseEscrow;
import dev.ledger.core.escrow.EscrowCommands.ResolveEscrow;
import dev.ledger.core.escrow.EscrowCommands.RetryEscrow;
import dev.ledger.core.escrow.EscrowCommands.SendEscrowToManualReview;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.Postings;
import dev.ledger.core.transfer.TransferSpec;
import java.time.Clock;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * Escrows. The transitions that move money move the ledger in the same unit of work: the capture
 * puts the funds into the escrow account, the completion takes them out to the payee and the
 * platform's fee, a refund takes them back. Ledger transfer ids are derived from the escrow and the
 * step, so no step can post twice.
 *
 * <p>Rejections: {@code ID_CONFLICT} for a repeated id with other content, {@code NOT_FOUND} (as
 * {@code ESCROW_NOT_FOUND}) for an unknown escrow, {@code INVALID_STATE} for a capture, release,
 * retry or resolution the escrow's state does not allow.
 */
public class EscrowCommandHandler {
  static final String CAPTURE_CODE = "escrow_capture";
  static final String PAYOUT_CODE = "escrow_payout";
  static final String FEE_CODE = "escrow_fee";
  static final String REFUND_CODE = "escrow_refund";

  private final Repository<Escrow> escrows;
  private final Postings postings;
  private final Clock clock;

  public EscrowCommandHandler(Repository<Escrow> escrows, Postings postings, Clock clock) {
    this.escrows = escrows;
    this.postings = postings;
    this.clock = clock;
  }

  @CommandHandler
  public EscrowView handle(CreateEscrow command) throws Exception {
    var existing = Aggregates.find(escrows, command.escrowId().toString());
    if (existing.isPresent()) {
      if (!existing.get().invoke(e -> e.isDescribedBy(command))) {
        throw new LedgerRejection(
            Rejection.ID_CONFLICT,
            "escrow " + command.escrowId().id() + " exists with other content");
      }
      return view(existing.get(), false);
    }
    return view(escrows.newInstance(() -> Escrow.create(command, clock.instant())), true);
  }

  @CommandHandler
  public EscrowView handle(HoldEscrow command) {
    var escrow = load(command.escrowId());
    escrow.execute(
        e -> e.hold(command.amountAuthorized(), command.captureDeadline(), clock.instant()));
    return view(escrow, false);
  }

  @CommandHandler
  public EscrowView handle(CaptureEscrow command) {
    var escrow = load(command.escrowId());
    escrow.execute(e -> e.requestCapture(clock.instant()));
    return view(escrow, false);
  }

  @CommandHandler
  public EscrowView handle(RecordEscrowCaptured command) throws Exception {
    var escrow = load(command.escrowId());
    if (!escrow.invoke(Escrow::isCaptureNews) || command.amountCaptured() <= 0) {
      return view(escrow, false);
    }
    EscrowId id = command.escrowId();
    TenantId tenant = id.tenant();
    String asset = escrow.invoke(Escrow::currency);
    TransferId transfer = transferId(id, "capture");
    AccountId account = EscrowAccounts.escrow(id);
    postings.openIfMissing(EscrowAccounts.stripe(tenant, asset), asset, true);
    postings.openIfMissing(account, asset, false);
    postings.post(
        transfer,
        spec(
            EscrowAccounts.stripe(tenant, asset),
            account,
            command.amountCaptured(),
            asset,
            CAPTURE_CODE,
            id));
    escrow.execute(
        e ->
            e.captured(
                command.amountCaptured(), command.chargeId(), transfer.id(), clock.instant()));
    return view(escrow, false);
  }

  @CommandHandler
  public EscrowView handle(RecordEscrowTransferFailed command) {
    var escrow = load(command.escrowId());
    escrow.execute(e -> e.transferFailed(command.attempt(), command.error(), clock.instant()));
    return view(escrow, false);
  }

  @CommandHandler
  public EscrowView handle(SendEscrowToManualReview command) {
    var escrow = load(command.escrowId());
    escrow.execute(
        e ->
            e.sendToManualReview(
                command.step(), command.attempts(), command.lastError(), clock.instant()));
    return view(escrow, false);
  }

  @CommandHandler
  public EscrowView handle(RetryEscrow command) {
    var escrow = load(command.escrowId());
    escrow.execute(e -> e.retry(clock.instant()));
    return view(escrow, false);
  }

  @CommandHandler
  public EscrowView handle(CompleteEscrow command) throws Exception {
    var escrow = load(command.escrowId());
    if (escrow.invoke(Escrow::isAwaitingTransfer)) {
      complete(escrow, command.stripeTransferId(), null);
    }
    return view(escrow, false);
  }

  @CommandHandler
  public EscrowView handle(ResolveEscrow command) throws Exception {
    var escrow = load(command.escrowId());
    escrow.execute(Escrow::requireResolvable);
    complete(escrow, command.stripeTransferId(), command.note());
    return view(escrow, false);
  }

  @CommandHandler
  public EscrowView handle(ReleaseEscrow command) {
    var escrow = load(command.escrowId());
    escrow.execute(e -> e.requestRelease(clock.instant()));
    return view(escrow, false);
  }

  @CommandHandler
  public boolean handle(ExpireEscrowHold command) {
    return load(command.escrowId()).invoke(e -> e.expireHold(command.now()));
  }

  @CommandHandler
  public EscrowView handle(RecordEscrowCanceled command) {
    var escrow = load(command.escrowId());
    escrow.execute(e -> e.canceled(command.reason(), clock.instant()));
    return view(escrow, false);
  }

  /**
   * Records a refund. Before the payee was paid the refund leaves the escrow account; afterwards
   * the platform pays it (the payee's share is theirs: getting it back is a Stripe transfer
   * reversal, an operator's decision).
   */
  @CommandHandler
  public EscrowView handle(RecordEscrowRefund command) throws Exception {
    var escrow = load(command.escrowId());
    long now = escrow.invoke(e -> e.refundNews(command.refundedTotal()));
    if (now <= 0) {
      return view(escrow, false);
    }
    EscrowId id = command.escrowId();
    TenantId tenant = id.tenant();
    String asset = escrow.invoke(Escrow::currency);
    boolean fromEscrow = escrow.invoke(Escrow::refundsFromEscrow);
    AccountId payer =
        fromEscrow ? EscrowAccounts.escrow(id) : EscrowAccounts.refunds(tenant, asset);
    if (!fromEscrow) {
      postings.openIfMissing(payer, asset, true);
    }
    postings.openIfMissing(EscrowAccounts.stripe(tenant, asset), asset, true);
    TransferId transfer = transferId(id, "refund-" + command.refundedTotal());
    postings.post(
        transfer, spec(payer, EscrowAccounts.stripe(tenant, asset), now, asset, REFUND_CODE, id));
    escrow.execute(e -> e.refunded(now, fromEscrow, transfer.id(), clock.instant()));
    return view(escrow, false);
  }

  private void complete(Aggregate<Escrow> escrow, String stripeTransferId, String resolvedBy)
      throws Exception {
    EscrowId id = escrow.invoke(Escrow::escrowIdValue);
    TenantId tenant = id.tenant();
    String asset = escrow.invoke(Escrow::currency);
    long payee = escrow.invoke(Escrow::payeeAmount);
    long fee = escrow.invoke(Escrow::platformFee);
    AccountId account = EscrowAccounts.escrow(id);
    if (payee > 0) {
      AccountId payeeAccount =
          EscrowAccounts.payee(tenant, escrow.invoke(Escrow::payeeAccount), asset);
      postings.openIfMissing(payeeAccount, asset, false);
      postings.post(
          transferId(id, "payout"), spec(account, payeeAccount, payee, asset, PAYOUT_CODE, id));
    }
    if (fee > 0) {
      AccountId revenue = EscrowAccounts.revenue(tenant, asset);
      postings.openIfMissing(revenue, asset, false);
      postings.post(transferId(id, "fee"), spec(account, revenue, fee, asset, FEE_CODE, id));
    }
    escrow.execute(e -> e.complete(stripeTransferId, resolvedBy, clock.instant()));
  }

  /** The ledger transfer of one step of an escrow: one per escrow and step, ever. */
  public static TransferId transferId(EscrowId escrow, String step) {
    return TransferId.of(
        escrow.tenant().value(), ResourceId.engine("escrow", escrow.referenceId(), step));
  }

  private static TransferSpec spec(
      AccountId from, AccountId to, long amount, String asset, String code, EscrowId escrow) {
    return new TransferSpec(
        from, to, amount, asset, code, "escrow:" + escrow.id(), Map.of(), false, null);
  }

  private Aggregate<Escrow> load(EscrowId id) {
    return Aggregates.find(escrows, id.toString())
        .orElseThrow(() -> new LedgerRejection(Rejection.ESCROW_NOT_FOUND, "no escrow " + id.id()));
  }

  private static EscrowView view(Aggregate<Escrow> escrow, boolean created) {
    return escrow.invoke(
        e ->
            new EscrowView(
                e.escrowIdValue(),
                e.status(),
                e.paymentIntentId(),
                created,
                Aggregates.lastEvent(escrow)));
  }
}
