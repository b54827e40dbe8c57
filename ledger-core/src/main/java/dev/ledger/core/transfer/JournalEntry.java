package dev.ledger.core.transfer;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.transfer.TransferCommands.PostJournalEntry;
import dev.ledger.core.transfer.TransferEvents.JournalEntryPosted;
import java.time.Instant;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * A journal entry's identity: like {@link Transfer}, its creation makes the entry id take effect
 * once. Its postings change the accounts in the same unit of work.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class JournalEntry {
  @AggregateIdentifier private String id;
  private JournalEntryPosted posted;

  protected JournalEntry() {
    // for Axon
  }

  private JournalEntry(PostJournalEntry command, Instant now) {
    apply(
        new JournalEntryPosted(
            command.entryId(),
            command.postings(),
            command.code(),
            command.reference(),
            command.metadata(),
            now));
  }

  static JournalEntry create(PostJournalEntry command, Instant now) {
    return new JournalEntry(command, now);
  }

  JournalEntryPosted posted() {
    return posted;
  }

  boolean isDescribedBy(PostJournalEntry command) {
    return posted.postings().equals(command.postings())
        && java.util.Objects.equals(posted.code(), command.code())
        && java.util.Objects.equals(posted.reference(), command.reference())
        && posted.metadata().equals(command.metadata());
  }

  @EventSourcingHandler
  void on(JournalEntryPosted event) {
    id = event.entryId().toString();
    posted = event;
  }
}
