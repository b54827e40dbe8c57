package dev.ledger.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.axonframework.config.Configuration;
import org.axonframework.eventsourcing.AggregateCacheEntry;
import org.axonframework.eventsourcing.CachingEventSourcingRepository;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.RepositoryProvider;
import org.axonframework.modelling.command.RepositorySpanFactory;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;

/**
 * An event-sourced repository that loads an aggregate with one indexed query in the common case.
 * Before it uses an aggregate, it asks the event store for the aggregate's last sequence number:
 * none means the aggregate does not exist (Axon would read its snapshot and its events to learn
 * that); the number of the copy kept in memory means nothing was appended since, on this node or
 * any other, so the copy is used as it is; any other number drops the copy and reads the aggregate
 * from its snapshot and the events after it, as Axon always does.
 *
 * <p>Axon's own cache trusts its copy without asking, which is only safe when every command for an
 * aggregate reaches the same node: a copy that another node made stale would decide on an old
 * balance (a wrong {@code insufficient_funds}, say). Here the question costs one query, and a race
 * after it (another node appending between the question and the commit) still fails on the event
 * store's unique key and is retried, as without a cache. A unit of work that rolls back drops its
 * copies (Axon's caching repository does that), so a copy never holds an uncommitted change.
 */
final class CheckedCachingRepository<T> extends CachingEventSourcingRepository<T> {
  private final Cache cache;
  private final EventStore eventStore;
  private final RepositoryProvider repositoryProvider;
  private final SnapshotTriggerDefinition snapshotTriggerDefinition;

  private CheckedCachingRepository(
      EventSourcingRepository.Builder<T> builder,
      Cache cache,
      EventStore eventStore,
      RepositoryProvider repositoryProvider,
      SnapshotTriggerDefinition snapshotTriggerDefinition) {
    super(builder);
    this.cache = cache;
    this.eventStore = eventStore;
    this.repositoryProvider = repositoryProvider;
    this.snapshotTriggerDefinition = snapshotTriggerDefinition;
  }

  /** The repository of {@code type}, keeping copies in {@code cache}. */
  static <T> CheckedCachingRepository<T> create(
      Class<T> type, Configuration c, Cache cache, SnapshotTriggerDefinition trigger) {
    RepositoryProvider provider = c::repository;
    EventSourcingRepository.Builder<T> builder =
        EventSourcingRepository.builder(type)
            .aggregateModel(
                AnnotatedAggregateMetaModelFactory.inspectAggregate(
                    type, c.parameterResolverFactory(), c.handlerDefinition(type)))
            .eventStore(c.eventStore())
            .snapshotTriggerDefinition(trigger)
            .repositoryProvider(provider)
            .cache(cache);
    RepositorySpanFactory spans = c.getComponent(RepositorySpanFactory.class);
    if (spans != null) {
      builder.spanFactory(spans);
    }
    return new CheckedCachingRepository<>(builder, cache, c.eventStore(), provider, trigger);
  }

  @Override
  protected EventSourcedAggregate<T> doLoadWithLock(String identifier, Long expectedVersion) {
    AggregateCacheEntry<T> entry = cache.get(identifier);
    Long cached =
        entry == null
            ? null
            : entry
                .recreateAggregate(
                    aggregateModel(), eventStore, repositoryProvider, snapshotTriggerDefinition)
                .version();
    Optional<Long> last =
        SequencePrefetch.take(identifier)
            .filter(prefetched -> notOlderThan(prefetched, cached))
            .orElseGet(() -> eventStore.lastSequenceNumberFor(identifier));
    if (last.isEmpty()) {
      throw new AggregateNotFoundException(
          identifier, "The aggregate was not found in the event store");
    }
    if (cached != null && !last.get().equals(cached)) {
      cache.remove(identifier);
    }
    return super.doLoadWithLock(identifier, expectedVersion);
  }

  /**
   * Whether a number read before this load took the aggregate's lock can stand for the event
   * store's: not when the copy in memory is newer (a command of this node appended after the number
   * was read, while this load waited for the lock), which the store is then asked again about.
   */
  private static boolean notOlderThan(Optional<Long> prefetched, Long cached) {
    return cached == null || (prefetched.isPresent() && prefetched.get() >= cached);
  }

  /**
   * The copies of at most {@code capacity} aggregates, least recently used out first. A strong,
   * bounded cache: weak references would be cleared by the next collection, and the cache with
   * them. Entry listeners hear of every read, creation, update and removal, and of an entry pushed
   * out by the bound as expired.
   */
  static final class Bounded implements Cache {
    private final Map<Object, Object> entries;
    private final List<EntryListener> listeners = new CopyOnWriteArrayList<>();

    Bounded(int capacity) {
      this.entries =
          Collections.synchronizedMap(
              new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Object, Object> eldest) {
                  if (size() <= capacity) {
                    return false;
                  }
                  listeners.forEach(listener -> listener.onEntryExpired(eldest.getKey()));
                  return true;
                }
              });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> V get(K key) {
      Object value = entries.get(key);
      if (value != null) {
        listeners.forEach(listener -> listener.onEntryRead(key, value));
      }
      return (V) value;
    }

    @Override
    public void put(Object key, Object value) {
      Object previous = entries.put(key, value);
      for (EntryListener listener : listeners) {
        if (previous == null) {
          listener.onEntryCreated(key, value);
        } else {
          listener.onEntryUpdated(key, value);
        }
      }
    }

    @Override
    public boolean putIfAbsent(Object key, Object value) {
      boolean created = entries.putIfAbsent(key, value) == null;
      if (created) {
        listeners.forEach(listener -> listener.onEntryCreated(key, value));
      }
      return created;
    }

    @Override
    public boolean remove(Object key) {
      boolean removed = entries.remove(key) != null;
      if (removed) {
        listeners.forEach(listener -> listener.onEntryRemoved(key));
      }
      return removed;
    }

    @Override
    public void removeAll() {
      List<Object> keys;
      synchronized (entries) {
        keys = List.copyOf(entries.keySet());
        entries.clear();
      }
      keys.forEach(key -> listeners.forEach(listener -> listener.onEntryRemoved(key)));
    }

    @Override
    public boolean containsKey(Object key) {
      return entries.containsKey(key);
    }

    @Override
    public Registration registerCacheEntryListener(EntryListener cacheEntryListener) {
      listeners.add(cacheEntryListener);
      return () -> listeners.remove(cacheEntryListener);
    }
  }
}
