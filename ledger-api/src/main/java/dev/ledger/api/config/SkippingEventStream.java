package dev.ledger.api.config;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.axonframework.common.Registration;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;

/**
 * A processor's stream of the event history that leaves out the events of a type the processor said
 * it has no handler for. Axon's pooled processor tells its stream so ({@code
 * skipMessagesWithPayloadTypeOf}) when no handler of the processor handles an event's payload type,
 * whatever the segment; the embedded event store ignores it, and every processor then schedules
 * every event to every one of its segments' queues, handled or not. With thirteen processors on one
 * history, most of whose events each ignores, that was most of their work (docs/performance.md).
 *
 * <p>An event left out is never the last one available: the processor's tokens advance with each
 * event it is given, and the token of an event covers every position before it, so an event of a
 * skipped type is handed out when no other follows it yet, or after {@value #MAX_SKIPPED_IN_A_ROW}
 * skipped in a row. A processor therefore still reaches the head of the history, and stores a token
 * there, as it did when it was given every event. The bound also bounds the work of one run of
 * Axon's coordinator, which takes up to 1,024 events before it looks at anything else (a stop, a
 * segment to release): at most about 100,000 read, where it read 1,024 before. Types are only ever
 * added to the set, and only for this stream: a processor whose handlers change opens a new stream.
 *
 * <p>Once its processor gives it an availability callback, the stream can be woken by the store
 * ({@link ProcessorEventStore}), until it closes.
 */
final class SkippingEventStream implements TrackingEventStream {
  /** Skipped events in a row at most before one is handed out anyway, so the token moves on. */
  static final int MAX_SKIPPED_IN_A_ROW = 100;

  private final TrackingEventStream delegate;
  private final ProcessorEventStore.Wakeups wakeups;
  private final String processor;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final Set<Class<?>> skippedTypes = ConcurrentHashMap.newKeySet();
  private TrackedEventMessage<?> chosen;
  private volatile Runnable callback;
  private Registration wakeup;

  SkippingEventStream(
      TrackingEventStream delegate, ProcessorEventStore.Wakeups wakeups, String processor) {
    this.delegate = delegate;
    this.wakeups = wakeups;
    this.processor = processor;
  }

  /** The name of the processor that reads this stream, or null when it is not known. */
  String processor() {
    return processor;
  }

  /** Notes that events this stream would hand out were appended since its last wake-up. */
  void markPending() {
    pending.set(true);
  }

  /** Whether such events were appended since the last call. */
  boolean takePending() {
    return pending.getAndSet(false);
  }

  @Override
  public Optional<TrackedEventMessage<?>> peek() {
    try {
      return hasNextAvailable(0, TimeUnit.NANOSECONDS) ? Optional.of(chosen) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
    if (chosen == null && delegate.hasNextAvailable(timeout, unit)) {
      chosen = nextToHandOut();
    }
    return chosen != null;
  }

  @Override
  public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
    TrackedEventMessage<?> next = chosen != null ? chosen : nextToHandOut();
    chosen = null;
    return next;
  }

  /** The next event that is not skipped: reads past skipped ones while another is available. */
  private TrackedEventMessage<?> nextToHandOut() throws InterruptedException {
    TrackedEventMessage<?> next = delegate.nextAvailable();
    for (int skipped = 0;
        skipped < MAX_SKIPPED_IN_A_ROW
            && skippedTypes.contains(next.getPayloadType())
            && delegate.hasNextAvailable();
        skipped++) {
      next = delegate.nextAvailable();
    }
    return next;
  }

  @Override
  public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
    skippedTypes.add(ignoredMessage.getPayloadType());
    delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
  }

  /** Whether events of one of {@code types} would be handed out rather than skipped. */
  boolean handlesAnyOf(Set<Class<?>> types) {
    for (Class<?> type : types) {
      if (!skippedTypes.contains(type)) {
        return true;
      }
    }
    return false;
  }

  /** Tells the processor that events may be available. */
  void wake() {
    Runnable current = callback;
    if (current != null) {
      current.run();
    }
  }

  @Override
  public synchronized boolean setOnAvailableCallback(Runnable callback) {
    this.callback = callback;
    if (wakeup == null) {
      wakeup = wakeups.register(this);
    }
    return true;
  }

  @Override
  public void close() {
    synchronized (this) {
      callback = null;
      if (wakeup != null) {
        wakeup.cancel();
        wakeup = null;
      }
    }
    delegate.close();
  }
}
