package dev.ledger.api.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.axonframework.common.Registration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded event store as the processors read it: each stream leaves out the event types its
 * processor has no handler for ({@link SkippingEventStream}), and a processor is woken when a read
 * waits for it while this node has appended events that it handles.
 *
 * <p>Axon's embedded store, without its shared in-memory stream, cannot tell a processor that new
 * events are there, so an idle pooled processor looks every 500 ms: a client reading its own write
 * ({@code minPosition}) waited 250 ms on average for nothing (ledger-bench: projection lag p50 of
 * 420–510 ms far below the peak). Here a read that waits for a processor ({@link #readerWaiting})
 * wakes it within {@link #CHECK_INTERVAL} if this node appended events of a type it handles since
 * it was last woken; every {@link #POLL_INTERVAL} all processors are woken anyway, for the events
 * other nodes append. Waking processors after every append instead, whether anyone waited or not,
 * made each of them commit many small batches: single transfers fell from 273–312 to 106–133 per
 * second (ledger-bench, each measured twice).
 *
 * <p>A stream learns its processor's name from the thread that opens it (Axon names a pooled
 * processor's coordinator thread {@code Coordinator[name]-n}); a stream opened on another thread is
 * woken for a read that waits for any processor.
 */
final class ProcessorEventStore extends EmbeddedEventStore implements ProcessorWakeups {
  /** How soon a waiting read's processor looks for what this node appended. */
  static final Duration CHECK_INTERVAL = Duration.ofMillis(20);

  /** How often the processors look in any case, as Axon's processors do without a wake-up. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  private static final Pattern COORDINATOR = Pattern.compile("Coordinator\\[(.+)\\]-\\d+");

  private final Wakeups wakeups = new Wakeups(CHECK_INTERVAL, POLL_INTERVAL);

  ProcessorEventStore(EmbeddedEventStore.Builder builder) {
    super(builder);
  }

  @Override
  public TrackingEventStream openStream(TrackingToken trackingToken) {
    return new SkippingEventStream(
        super.openStream(trackingToken), wakeups, processorOf(Thread.currentThread().getName()));
  }

  /** The processor whose coordinator thread has this name, or null for another thread. */
  static String processorOf(String threadName) {
    Matcher matcher = COORDINATOR.matcher(threadName);
    return matcher.matches() ? matcher.group(1) : null;
  }

  /** The processors whose streams are open and woken, by name (those known). */
  SortedSet<String> processorsReading() {
    return wakeups.processors();
  }

  @Override
  protected void afterCommit(List<? extends EventMessage<?>> events) {
    super.afterCommit(events);
    wakeups.appended(events);
  }

  @Override
  public void readerWaiting(String processor) {
    wakeups.readerWaiting(processor);
  }

  @Override
  public void shutDown() {
    wakeups.close();
    super.shutDown();
  }

  /**
   * The open streams, woken on one timer thread: at a check interval in which a read waited for a
   * processor, that processor's streams if events of a type they handle were appended since they
   * were last woken; at every poll interval, all of them. Waking a stream only schedules its
   * processor's coordinator; one that fails is logged and the others are still woken.
   */
  static final class Wakeups implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Wakeups.class);

    private final Set<SkippingEventStream> streams = ConcurrentHashMap.newKeySet();
    private final Set<String> awaited = ConcurrentHashMap.newKeySet();
    private final long pollNanos;
    private final ScheduledExecutorService timer;
    private long lastPoll = System.nanoTime();

    Wakeups(Duration check, Duration poll) {
      this.pollNanos = poll.toNanos();
      this.timer =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "ledger-processor-wakeups");
                thread.setDaemon(true);
                return thread;
              });
      timer.scheduleWithFixedDelay(
          this::tick, check.toNanos(), check.toNanos(), TimeUnit.NANOSECONDS);
    }

    Registration register(SkippingEventStream stream) {
      streams.add(stream);
      return () -> streams.remove(stream);
    }

    /** Marks the streams that would hand out some of {@code events} as having work. */
    void appended(List<? extends EventMessage<?>> events) {
      Set<Class<?>> types = new HashSet<>();
      for (EventMessage<?> event : events) {
        types.add(event.getPayloadType());
      }
      for (SkippingEventStream stream : streams) {
        if (stream.handlesAnyOf(types)) {
          stream.markPending();
        }
      }
    }

    void readerWaiting(String processor) {
      awaited.add(processor);
    }

    int registered() {
      return streams.size();
    }

    SortedSet<String> processors() {
      SortedSet<String> names = new TreeSet<>();
      for (SkippingEventStream stream : streams) {
        if (stream.processor() != null) {
          names.add(stream.processor());
        }
      }
      return names;
    }

    private void tick() {
      try {
        wakeDue();
      } catch (Throwable e) {
        // a task of a scheduled executor that throws is never run again: every processor would then
        // look only every few seconds
        log.warn("The processors' wake-ups failed", e);
      }
    }

    private void wakeDue() {
      long now = System.nanoTime();
      boolean poll = now - lastPoll >= pollNanos;
      if (poll) {
        lastPoll = now;
      }
      if (!poll && awaited.isEmpty()) {
        return;
      }
      Set<String> waitedFor = Set.copyOf(awaited);
      awaited.removeAll(waitedFor);
      for (SkippingEventStream stream : streams) {
        boolean wanted = stream.processor() == null || waitedFor.contains(stream.processor());
        try {
          if (poll) {
            stream.takePending();
            stream.wake();
          } else if (wanted && stream.takePending()) {
            stream.wake();
          }
        } catch (RuntimeException e) {
          log.warn("A processor's wake-up failed", e);
        }
      }
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }
}
