package dev.ledger.core.transfer;

import dev.ledger.core.shared.JournalEntryId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferCommands.Posting;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Events of transfers and journal entries. Amounts are in the asset's minor unit. */
public final class TransferEvents {
  private TransferEvents() {}

  public sealed interface TransferEvent
      permits TransferPosted,
          TransferPending,
          PendingTransferPosted,
          PendingTransferVoided,
          PendingTransferExpired {
    TransferId transferId();
  }

  /** A transfer moved {@code spec.amount} at once. */
  public record TransferPosted(TransferId transferId, TransferSpec spec, Instant postedAt)
      implements TransferEvent {}

  /**
   * A transfer holds {@code spec.amount} until it is posted, voided or, at {@code expiresAt} (null:
   * never), expired.
   */
  public record TransferPending(
      TransferId transferId, TransferSpec spec, Instant createdAt, Instant expiresAt)
      implements TransferEvent {}

  /** A pending transfer moved {@code amount} (at most what it held) and released the rest. */
  public record PendingTransferPosted(TransferId transferId, long amount, Instant postedAt)
      implements TransferEvent {}

  public record PendingTransferVoided(TransferId transferId, Instant voidedAt)
      implements TransferEvent {}

  /** The engine voided a pending transfer whose timeout had passed. */
  public record PendingTransferExpired(TransferId transferId, Instant expiredAt)
      implements TransferEvent {}

  /** A journal entry's postings all applied, in this order. */
  public record JournalEntryPosted(
      JournalEntryId entryId,
      List<Posting> postings,
      String code,
      String reference,
      Map<String, String> metadata,
      Instant postedAt) {}
}
