package dev.ledger.api.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;

/** Events for the processors' stream tests: two payload types, each event at its own position. */
final class TestHistory {
  record Handled(int n) {}

  record Ignored(int n) {}

  private TestHistory() {}

  /** The history as the event store hands it out: in order, each event with its position. */
  static final class Source implements TrackingEventStream {
    final Deque<TrackedEventMessage<?>> available = new ArrayDeque<>();
    final List<Class<?>> skipped = new ArrayList<>();
    boolean closed;

    void add(Object... payloads) {
      for (Object payload : payloads) {
        long position = payload instanceof Handled h ? h.n() : ((Ignored) payload).n();
        available.add(
            new GenericTrackedEventMessage<>(
                new GlobalSequenceTrackingToken(position),
                GenericEventMessage.asEventMessage(payload)));
      }
    }

    @Override
    public Optional<TrackedEventMessage<?>> peek() {
      return Optional.ofNullable(available.peek());
    }

    @Override
    public boolean hasNextAvailable(int timeout, TimeUnit unit) {
      return !available.isEmpty();
    }

    @Override
    public TrackedEventMessage<?> nextAvailable() {
      return available.remove();
    }

    @Override
    public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
      skipped.add(ignoredMessage.getPayloadType());
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
