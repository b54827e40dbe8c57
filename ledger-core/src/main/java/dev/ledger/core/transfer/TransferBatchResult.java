package dev.ledger.core.transfer;

import dev.ledger.core.shared.LedgerRejection;
import java.util.List;

/**
 * The answer to a {@code PostTransferBatch}: for each transfer, in the order given, its result or
 * its rejection.
 */
public record TransferBatchResult(List<Item> items) {
  public TransferBatchResult {
    items = List.copyOf(items);
  }

  /** One transfer's outcome: exactly one of {@code result} and {@code rejection} is set. */
  public record Item(TransferResult result, LedgerRejection rejection) {
    public Item {
      if ((result == null) == (rejection == null)) {
        throw new IllegalArgumentException("an item has a result or a rejection");
      }
    }
  }
}
