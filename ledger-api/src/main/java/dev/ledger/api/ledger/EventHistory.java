package dev.ledger.api.ledger;

import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

/**
 * Questions about the event history asked through Axon's event store, so that they have the same
 * answer on PostgreSQL and on Axon Server. The event store is consistent at once, unlike a
 * projection: a resource committed a moment ago on another node is there.
 */
@Component
public class EventHistory {
  private final EventStore eventStore;

  public EventHistory(EventStore eventStore) {
    this.eventStore = eventStore;
  }

  /** Whether the aggregate has recorded any event. */
  public boolean exists(String aggregateId) {
    return eventStore.lastSequenceNumberFor(aggregateId).isPresent();
  }
}
