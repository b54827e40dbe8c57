package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.config.TestHistory.Handled;
import dev.ledger.api.config.TestHistory.Ignored;
import dev.ledger.api.config.TestHistory.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A processor's stream leaves out the types it was told to skip, but never the last event available
 * and never more than its bound in a row, so the processor's token still reaches the head.
 */
class SkippingEventStreamTest {
  private final Source source = new Source();
  private final ProcessorEventStore.Wakeups wakeups =
      new ProcessorEventStore.Wakeups(Duration.ofHours(1), Duration.ofHours(1));
  private final SkippingEventStream stream = new SkippingEventStream(source, wakeups, "balances");

  @AfterEach
  void stopWakeups() {
    wakeups.close();
  }

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
  void isWokenThroughItsLatestCallbackUntilItCloses() {
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();

    assertThat(stream.setOnAvailableCallback(first::incrementAndGet)).isTrue();
    assertThat(stream.setOnAvailableCallback(second::incrementAndGet)).isTrue();
    assertThat(wakeups.registered()).isEqualTo(1);
    stream.wake();
    assertThat(first).hasValue(0);
    assertThat(second).hasValue(1);

    stream.close();
    stream.wake();

    assertThat(second).hasValue(1);
    assertThat(wakeups.registered()).isZero();
    assertThat(source.closed).isTrue();
  }

  @Test
  void handlesTheTypesItWasNotToldToSkip() throws Exception {
    assertThat(stream.handlesAnyOf(Set.of(Ignored.class))).isTrue();
    source.add(new Ignored(1));
    stream.skipMessagesWithPayloadTypeOf(stream.nextAvailable());

    assertThat(stream.handlesAnyOf(Set.of(Ignored.class))).isFalse();
    assertThat(stream.handlesAnyOf(Set.of(Ignored.class, Handled.class))).isTrue();
    assertThat(stream.handlesAnyOf(Set.of())).isFalse();
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
}
