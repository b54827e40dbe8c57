package dev.ledger.core.transfer;

import dev.ledger.core.shared.EventRef;
import dev.ledger.core.transfer.TransferEvents.JournalEntryPosted;
import java.util.List;

/** The answer to {@code PostJournalEntry}; see {@link TransferResult} for the fields. */
public record JournalEntryResult(
    JournalEntryPosted entry, boolean created, List<EventRef> events) {}
