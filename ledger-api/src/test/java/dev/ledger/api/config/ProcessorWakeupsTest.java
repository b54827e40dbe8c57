package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.config.TestHistory.Handled;
import dev.ledger.api.config.TestHistory.Ignored;
import dev.ledger.api.config.TestHistory.Source;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A read that waits for a processor wakes it when this node appended events it handles, and no
 * other processor; without a waiting read nobody is woken before the poll interval, at which
 * everybody is; a failing wake-up does not stop the others, and a closed stream is not woken again.
 */
class ProcessorWakeupsTest {
  private final ProcessorEventStore.Wakeups wakeups =
      new ProcessorEventStore.Wakeups(Duration.ofMillis(5), Duration.ofHours(1));

  @AfterEach
  void close() {
    wakeups.close();
  }

  @Test
  void aWaitingReadWakesItsProcessorAndNoOther() throws Exception {
    CountDownLatch balances = new CountDownLatch(1);
    AtomicInteger leaderboards = new AtomicInteger();
    stream("balances", balances::countDown);
    stream("leaderboards", leaderboards::incrementAndGet);

    wakeups.appended(List.of(event(new Handled(1))));
    wakeups.readerWaiting("balances");

    assertThat(balances.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(100);
    assertThat(leaderboards).as("nobody waits for it").hasValue(0);
    wakeups.readerWaiting("leaderboards");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAtomic(leaderboards, Matchers.equalTo(1));
  }

  @Test
  void aProcessorThatSkipsEveryAppendedTypeIsNotWoken() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    stream("balances", runs::incrementAndGet).skipMessagesWithPayloadTypeOf(ignored());

    wakeups.appended(List.of(event(new Ignored(1))));
    wakeups.readerWaiting("balances");
    Thread.sleep(200);

    assertThat(runs).hasValue(0);
    wakeups.appended(List.of(event(new Handled(2))));
    wakeups.readerWaiting("balances");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAtomic(runs, Matchers.equalTo(1));
  }

  @Test
  void aProcessorIsWokenWhenAnyAppendedTypeIsOneItHandles() throws Exception {
    CountDownLatch woken = new CountDownLatch(1);
    stream("balances", woken::countDown).skipMessagesWithPayloadTypeOf(ignored());

    wakeups.appended(List.of(event(new Ignored(1)), event(new Handled(2))));
    wakeups.readerWaiting("balances");

    assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void nobodyIsWokenEarlyWhenNoReadWaits() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    stream("balances", runs::incrementAndGet);

    wakeups.appended(List.of(event(new Handled(1))));
    Thread.sleep(200);

    assertThat(runs).hasValue(0);
    wakeups.readerWaiting("balances");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAtomic(runs, Matchers.equalTo(1));
  }

  @Test
  void aReadWaitingForWhatThisNodeDidNotAppendWakesNobodyEarly() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    stream("balances", runs::incrementAndGet);

    wakeups.readerWaiting("balances");
    Thread.sleep(200);

    assertThat(runs).as("another node's events: found at the poll").hasValue(0);
    wakeups.appended(List.of(event(new Handled(1))));
    wakeups.readerWaiting("balances");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAtomic(runs, Matchers.equalTo(1));
  }

  @Test
  void aReadThatKeepsWaitingWakesItsProcessorOnceForWhatWasAppended() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    stream("balances", runs::incrementAndGet);
    wakeups.appended(List.of(event(new Handled(1))));

    wakeups.readerWaiting("balances");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAtomic(runs, Matchers.equalTo(1));
    for (int i = 0; i < 20; i++) {
      wakeups.readerWaiting("balances");
      Thread.sleep(10);
    }

    assertThat(runs).as("nothing new was appended").hasValue(1);
  }

  @Test
  void aStreamOfAnUnknownProcessorIsWokenForAnyWaitingRead() throws Exception {
    CountDownLatch woken = new CountDownLatch(1);
    stream(null, woken::countDown);

    wakeups.appended(List.of(event(new Handled(1))));
    wakeups.readerWaiting("balances");

    assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void everyStreamIsWokenAtThePollInterval() throws Exception {
    try (ProcessorEventStore.Wakeups polling =
        new ProcessorEventStore.Wakeups(Duration.ofMillis(5), Duration.ofMillis(20))) {
      CountDownLatch woken = new CountDownLatch(3);
      SkippingEventStream stream = new SkippingEventStream(new Source(), polling, "coins");
      stream.setOnAvailableCallback(woken::countDown);
      stream.skipMessagesWithPayloadTypeOf(ignored());

      assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aFailingWakeUpDoesNotStopTheOthersNorTheTimer() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch second = new CountDownLatch(2);
    stream(
        "balances",
        () -> {
          throw new IllegalStateException("broken processor");
        });
    stream(
        "balances",
        () -> {
          first.countDown();
          second.countDown();
        });

    wakeups.appended(List.of(event(new Handled(1))));
    wakeups.readerWaiting("balances");
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    wakeups.appended(List.of(event(new Handled(2))));
    wakeups.readerWaiting("balances");

    assertThat(second.await(10, TimeUnit.SECONDS)).as("the timer still runs").isTrue();
  }

  @Test
  void aClosedStreamIsNotWokenAgain() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    SkippingEventStream closed = stream("balances", runs::incrementAndGet);
    CountDownLatch other = new CountDownLatch(1);
    stream("balances", other::countDown);

    closed.close();
    wakeups.appended(List.of(event(new Handled(1))));
    wakeups.readerWaiting("balances");

    assertThat(other.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(runs).hasValue(0);
    assertThat(wakeups.registered()).isEqualTo(1);
  }

  @Test
  void aStreamKnowsItsProcessorByItsCoordinatorThread() {
    assertThat(ProcessorEventStore.processorOf("Coordinator[balances]-0")).isEqualTo("balances");
    assertThat(ProcessorEventStore.processorOf("Coordinator[CoinPurchaseSagaProcessor]-12"))
        .isEqualTo("CoinPurchaseSagaProcessor");
    assertThat(ProcessorEventStore.processorOf("http-nio-8080-exec-1")).isNull();
    assertThat(ProcessorEventStore.processorOf("WorkPackage[balances]-3")).isNull();
  }

  private SkippingEventStream stream(String processor, Runnable callback) {
    SkippingEventStream stream = new SkippingEventStream(new Source(), wakeups, processor);
    stream.setOnAvailableCallback(callback);
    return stream;
  }

  private static TrackedEventMessage<?> ignored() {
    Source source = new Source();
    source.add(new Ignored(0));
    return source.nextAvailable();
  }

  private static EventMessage<?> event(Object payload) {
    return GenericEventMessage.asEventMessage(payload);
  }
}
