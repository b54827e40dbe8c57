package dev.ledger.core.shared;

import java.util.Optional;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;

/** Small helpers over Axon repositories. */
public final class Aggregates {
  private Aggregates() {}

  /** Loads an aggregate, or answers empty when it has never been created. */
  public static <T> Optional<Aggregate<T>> find(Repository<T> repository, String id) {
    try {
      return Optional.of(repository.load(id));
    } catch (AggregateNotFoundException notFound) {
      return Optional.empty();
    }
  }

  /** The reference of the latest event of a loaded aggregate, or null if it has none. */
  public static EventRef lastEvent(Aggregate<?> aggregate) {
    Long version = aggregate.version();
    return version == null ? null : new EventRef(aggregate.identifierAsString(), version);
  }
}
