package dev.ledger.core.transfer;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferEvents.PendingTransferExpired;
import dev.ledger.core.transfer.TransferEvents.PendingTransferPosted;
import dev.ledger.core.transfer.TransferEvents.PendingTransferVoided;
import dev.ledger.core.transfer.TransferEvents.TransferPending;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import java.time.Instant;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * A transfer's identity and life cycle. Its existence is what makes a transfer id take effect at
 * most once: a second creation with the same id fails on the event store's unique key. The balances
 * themselves live in the two {@code Account}s, changed in the same unit of work.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class Transfer {
  @AggregateIdentifier private String id;
  private TransferId transferId;
  private TransferSpec spec;
  private TransferStatus status;
  private long postedAmount;
  private Instant createdAt;
  private Instant expiresAt;
  private Instant closedAt;

  protected Transfer() {
    // for Axon
  }

  private Transfer(TransferId transferId, TransferSpec spec, Instant now) {
    if (spec.pending()) {
      Instant expiresAt =
          spec.timeoutSeconds() == null ? null : now.plusSeconds(spec.timeoutSeconds());
      apply(new TransferPending(transferId, spec, now, expiresAt));
    } else {
      apply(new TransferPosted(transferId, spec, now));
    }
  }

  static Transfer create(TransferId transferId, TransferSpec spec, Instant now) {
    return new Transfer(transferId, spec, now);
  }

  void post(long amount, Instant now) {
    requirePending(now);
    if (amount > spec.amount()) {
      throw new LedgerRejection(
          Rejection.AMOUNT_EXCEEDS_PENDING,
          "at most " + spec.amount() + " can be posted from this transfer");
    }
    apply(new PendingTransferPosted(transferId, amount, now));
  }

  void voidPending(Instant now) {
    requirePending(now);
    apply(new PendingTransferVoided(transferId, now));
  }

  /** Expires the transfer if it is still pending; answers whether it did. */
  boolean expire(Instant now) {
    if (status != TransferStatus.PENDING || expiresAt == null) {
      return false;
    }
    apply(new PendingTransferExpired(transferId, now));
    return true;
  }

  private void requirePending(Instant now) {
    if (status != TransferStatus.PENDING) {
      throw new LedgerRejection(
          Rejection.INVALID_STATE, "transfer " + transferId.id() + " is " + status);
    }
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      throw new LedgerRejection(
          Rejection.INVALID_STATE, "transfer " + transferId.id() + " has expired");
    }
  }

  TransferView view() {
    return new TransferView(transferId, spec, status, postedAmount, createdAt, expiresAt, closedAt);
  }

  TransferSpec spec() {
    return spec;
  }

  @EventSourcingHandler
  void on(TransferPosted event) {
    id = event.transferId().toString();
    transferId = event.transferId();
    spec = event.spec();
    status = TransferStatus.POSTED;
    postedAmount = spec.amount();
    createdAt = event.postedAt();
    closedAt = event.postedAt();
  }

  @EventSourcingHandler
  void on(TransferPending event) {
    id = event.transferId().toString();
    transferId = event.transferId();
    spec = event.spec();
    status = TransferStatus.PENDING;
    createdAt = event.createdAt();
    expiresAt = event.expiresAt();
  }

  @EventSourcingHandler
  void on(PendingTransferPosted event) {
    status = TransferStatus.POSTED;
    postedAmount = event.amount();
    closedAt = event.postedAt();
  }

  @EventSourcingHandler
  void on(PendingTransferVoided event) {
    status = TransferStatus.VOIDED;
    closedAt = event.voidedAt();
  }

  @EventSourcingHandler
  void on(PendingTransferExpired event) {
    status = TransferStatus.EXPIRED;
    closedAt = event.expiredAt();
  }
}
