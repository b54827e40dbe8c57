package dev.ledger.projections.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.ledger.core.transfer.TransferCommands.Posting;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A journal entry in the read model. */
public record JournalEntryRow(
    String id,
    List<Posting> postings,
    String code,
    String reference,
    Map<String, String> metadata,
    Instant postedAt,
    long lastPosition) {
  static final TypeReference<List<Posting>> POSTINGS = new TypeReference<>() {};
}
