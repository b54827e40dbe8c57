package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

/**
 * A processor's stream leaves out the types it was told to skip, but never the last event available
 * and never more than its bound in a row, so the processor's token still reaches the head.
 */
class SkippingEventStreamTest {
  private record Handled(int n) {}

  private record Ignored(int n) {}

  private final Source source = new Source();
  private final SkippingEventStream stream = new SkippingEventStream(source);

  @Test
  void handsOutEveryEventUntilTheProcessorSkipsAType() throws Exception {
    source.add(new Ignored(1), new Handled(2), new Ignored(3));

    assertThat(drain()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void leavesOutSkippedTypesWhileAnotherEventFollows() throws Exception {
    source.add(new Ignored(1));
    stream.skipMessagesWithPayloadTypeOf(stream.nextAvailable());
    source.add(new Ignored(2), new Handled(3), new Ignored(4), new Ignored(5), new Handled(6));

    assertThat(drain()).containsExactly(3L, 6L);
    assertThat(source.skipped).containsExactly(Ignored.class);
  }

  @Test
  void handsOutTheLastAvailableEventEvenOfASkippedType() throws Exception {
    source.add(new Ignored(1));
    stream.skipMessagesWithPayloadTypeOf(stream.nextAvailable());
    source.add(new Handled(2), new Ignored(3), new Ignored(4));

    assertThat(drain()).containsExactly(2L, 4L);
    assertThat(stream.hasNextAvailable()).isFalse();

    source.add(new Ignored(5));
    assertThat(drain()).as("the head moved on: its last event is handed out").containsExactly(5L);
  }

  @Test
  void handsOutOneEventAfterTheBoundOfSkippedEventsInARow() throws Exception {
    source.add(new Ignored(0));
    stream.skipMessagesWithPayloadTypeOf(stream.nextAvailable());
    int total = 2 * SkippingEventStream.MAX_SKIPPED_IN_A_ROW + 10;
    for (int i = 1; i <= total; i++) {
      source.add(new Ignored(i));
    }

    List<Long> handedOut = drain();

    int bound = SkippingEventStream.MAX_SKIPPED_IN_A_ROW;
    assertThat(handedOut).containsExactly((long) bound + 1, 2L * bound + 2, (long) total);
  }

  @Test
  void peekShowsWhatNextAvailableHandsOut() throws Exception {
    source.add(new Ignored(1));
    stream.skipMessagesWithPayloadTypeOf(stream.nextAvailable());
    assertThat(stream.peek()).isEmpty();
    source.add(new Ignored(2), new Handled(3));

    Optional<TrackedEventMessage<?>> peeked = stream.peek();

    assertThat(peeked).isPresent();
    assertThat(position(peeked.get())).isEqualTo(3);
    assertThat(stream.peek().get()).isSameAs(peeked.get());
    assertThat(stream.nextAvailable()).isSameAs(peeked.get());
    assertThat(stream.peek()).isEmpty();
  }

  @Test
  void closesItsSourceAndPassesTheCallbackOn() {
    assertThat(stream.setOnAvailableCallback(() -> {})).isTrue();
    stream.close();
    assertThat(source.closed).isTrue();
  }

  private List<Long> drain() throws InterruptedException {
    List<Long> positions = new ArrayList<>();
    while (stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)) {
      positions.add(position(stream.nextAvailable()));
    }
    return positions;
  }

  private static long position(TrackedEventMessage<?> message) {
    return message.trackingToken().position().orElseThrow();
  }

  /** The history as the event store hands it out: in order, each event with its position. */
  private static final class Source implements TrackingEventStream {
    private final Deque<TrackedEventMessage<?>> available = new ArrayDeque<>();
    private final List<Class<?>> skipped = new ArrayList<>();
    private boolean closed;

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
    public boolean setOnAvailableCallback(Runnable callback) {
      return true;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
