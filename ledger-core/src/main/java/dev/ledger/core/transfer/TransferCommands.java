package dev.ledger.core.transfer;

import dev.ledger.core.shared.JournalEntryId;
import dev.ledger.core.shared.TransferId;
import java.util.List;
import java.util.Map;

/** Commands that move value between accounts. */
public final class TransferCommands {
  private TransferCommands() {}

  /** Moves {@code spec.amount} from the debit to the credit account, or holds it if pending. */
  public record PostTransfer(TransferId transferId, TransferSpec spec) {}

  /**
   * Several transfers in one unit of work, so that their events are appended, and their accounts
   * loaded and locked, once for all of them. Each stands alone: a rejected transfer changes nothing
   * and the others still apply. Ids must be new and distinct; whoever sends it handles repeats one
   * by one (a repeat would fail the whole unit of work on the event store's unique key).
   */
  public record PostTransferBatch(List<PostTransfer> transfers) {
    public PostTransferBatch {
      if (transfers == null || transfers.isEmpty()) {
        throw new IllegalArgumentException("a batch has at least one transfer");
      }
      transfers = List.copyOf(transfers);
    }
  }

  /** Posts a pending transfer, in full or (with a smaller {@code amount}) in part. */
  public record PostPendingTransfer(TransferId transferId, Long amount) {}

  /** Releases a pending transfer's hold without moving anything. */
  public record VoidPendingTransfer(TransferId transferId) {}

  /**
   * Sent by the engine when a pending transfer's timeout passes. A transfer no longer pending, or
   * one that was given no timeout, is left as it is.
   */
  public record ExpirePendingTransfer(TransferId transferId) {}

  /** One debit and one credit of the same amount and asset inside a journal entry. */
  public record Posting(String debitAccount, String creditAccount, long amount, String asset) {}

  /** Several postings that apply together or not at all. */
  public record PostJournalEntry(
      JournalEntryId entryId,
      List<Posting> postings,
      String code,
      String reference,
      Map<String, String> metadata) {
    public PostJournalEntry {
      if (postings == null || postings.isEmpty()) {
        throw new IllegalArgumentException("a journal entry has at least one posting");
      }
      postings = List.copyOf(postings);
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }
}
