package dev.ledger.core.transfer;

import static dev.ledger.core.transfer.PendingTransferExpirySaga.DEADLINE;

import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.PendingTransferExpirySaga.ExpiryDue;
import dev.ledger.core.transfer.TransferCommands.ExpirePendingTransfer;
import dev.ledger.core.transfer.TransferEvents.PendingTransferExpired;
import dev.ledger.core.transfer.TransferEvents.PendingTransferPosted;
import dev.ledger.core.transfer.TransferEvents.PendingTransferVoided;
import dev.ledger.core.transfer.TransferEvents.TransferPending;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.Test;

/**
 * The expiry saga on its own, on Axon's {@code SagaTestFixture}: a pending transfer with a timeout
 * gets one deadline named {@value PendingTransferExpirySaga#DEADLINE} at the moment it expires;
 * posting or voiding it first cancels that deadline and ends the saga; the deadline that fires
 * sends {@link ExpirePendingTransfer}, and the saga ends when the expiry is recorded.
 *
 * <p>{@link PendingTransferExpirySagaTest} runs the same saga against the real command handler;
 * here the fixture's recording command bus only notes what the saga sends. The fixture supplies the
 * deadline manager and a command gateway on that bus as the handlers' resources.
 */
class PendingTransferExpirySagaFixtureTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final AccountId ALICE = AccountId.of("acme", "user:alice");
  private static final AccountId BOB = AccountId.of("acme", "user:bob");
  private static final TransferId P1 = TransferId.of("acme", "p1");
  private static final TransferId P2 = TransferId.of("acme", "p2");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final SagaTestFixture<PendingTransferExpirySaga> fixture =
      new SagaTestFixture<>(PendingTransferExpirySaga.class);

  @Test
  void schedulesADeadlineAtTheTimeThePendingTransferExpires() {
    fixture
        .givenCurrentTime(NOW)
        .whenAggregate(P1.toString())
        .publishes(pending(P1, TIMEOUT))
        .expectActiveSagas(1)
        .expectAssociationWith("transferId", P1)
        .expectScheduledDeadlineWithName(TIMEOUT, DEADLINE)
        .expectScheduledDeadlineWithName(NOW.plus(TIMEOUT), DEADLINE)
        .expectScheduledDeadline(NOW.plus(TIMEOUT), new ExpiryDue(P1, null))
        .expectNoDispatchedCommands();
  }

  @Test
  void endsAtOnceForAPendingTransferThatNeverTimesOut() {
    fixture
        .givenCurrentTime(NOW)
        .whenAggregate(P1.toString())
        .publishes(pending(P1, null))
        .expectActiveSagas(0)
        .expectNoAssociationWith("transferId", P1)
        .expectNoScheduledDeadlines();
  }

  @Test
  void doesNotStartForATransferPostedAtOnce() {
    fixture
        .givenCurrentTime(NOW)
        .whenAggregate(P1.toString())
        .publishes(new TransferPosted(P1, spec(false, null), NOW))
        .expectActiveSagas(0)
        .expectNoScheduledDeadlines();
  }

  @Test
  void cancelsTheDeadlineAndEndsWhenThePendingTransferIsPostedInTime() throws Exception {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(P1.toString())
        .published(pending(P1, TIMEOUT))
        .andThenTimeElapses(Duration.ofSeconds(10))
        .whenAggregate(P1.toString())
        .publishes(new PendingTransferPosted(P1, 40, NOW.plusSeconds(10)))
        .expectActiveSagas(0)
        .expectNoScheduledDeadlines()
        .expectNoDispatchedCommands();
  }

  @Test
  void cancelsTheDeadlineAndEndsWhenThePendingTransferIsVoidedInTime() throws Exception {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(P1.toString())
        .published(pending(P1, TIMEOUT))
        .andThenTimeElapses(Duration.ofSeconds(10))
        .whenAggregate(P1.toString())
        .publishes(new PendingTransferVoided(P1, NOW.plusSeconds(10)))
        .expectActiveSagas(0)
        .expectNoScheduledDeadlines()
        .expectNoDispatchedCommands();
  }

  @Test
  void sendsNothingWhenTheTimeoutPassesAfterThePendingTransferWasPosted() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(P1.toString())
        .published(pending(P1, TIMEOUT), new PendingTransferPosted(P1, 40, NOW))
        .whenTimeElapses(TIMEOUT.multipliedBy(2))
        .expectNoDispatchedCommands()
        .expectNoScheduledDeadlines();
  }

  @Test
  void waitsUntilTheTimeout() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(P1.toString())
        .published(pending(P1, TIMEOUT))
        .whenTimeElapses(TIMEOUT.minusSeconds(1))
        .expectNoDispatchedCommands()
        .expectActiveSagas(1)
        .expectScheduledDeadlineWithName(NOW.plus(TIMEOUT), DEADLINE);
  }

  @Test
  void sendsExpirePendingTransferWhenTheDeadlineFires() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(P1.toString())
        .published(pending(P1, TIMEOUT))
        .whenTimeElapses(TIMEOUT.plusSeconds(1))
        .expectTriggeredDeadlinesWithName(DEADLINE)
        .expectDispatchedCommands(new ExpirePendingTransfer(P1))
        .expectNoScheduledDeadlines()
        // Sending the command does not end the saga; the recorded expiry does.
        .expectActiveSagas(1);
  }

  @Test
  void endsWhenTheExpiryIsRecorded() throws Exception {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(P1.toString())
        .published(pending(P1, TIMEOUT))
        .andThenTimeElapses(TIMEOUT)
        .whenAggregate(P1.toString())
        .publishes(new PendingTransferExpired(P1, NOW.plus(TIMEOUT)))
        .expectActiveSagas(0)
        .expectNoAssociationWith("transferId", P1)
        .expectNoDispatchedCommands();
  }

  @Test
  void givesEachPendingTransferItsOwnDeadline() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(P1.toString())
        .published(pending(P1, TIMEOUT))
        .andThenAggregate(P2.toString())
        .published(pending(P2, TIMEOUT.multipliedBy(2)))
        .whenTimeElapses(TIMEOUT.plusSeconds(30))
        .expectDispatchedCommands(new ExpirePendingTransfer(P1))
        .expectScheduledDeadline(NOW.plus(TIMEOUT.multipliedBy(2)), new ExpiryDue(P2, null))
        .expectActiveSagas(2);
  }

  @Test
  void cancelsOnlyTheDeadlineOfTheTransferThatWasPosted() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(P1.toString())
        .published(pending(P1, TIMEOUT))
        .andThenAggregate(P2.toString())
        .published(pending(P2, TIMEOUT))
        .whenAggregate(P1.toString())
        .publishes(new PendingTransferPosted(P1, 40, NOW))
        .expectActiveSagas(1)
        .expectAssociationWith("transferId", P2)
        .expectNoScheduledDeadline(NOW.plus(TIMEOUT), new ExpiryDue(P1, null))
        .expectScheduledDeadline(NOW.plus(TIMEOUT), new ExpiryDue(P2, null));
  }

  /** A pending transfer of 40 created now that expires after {@code timeout} (null: never). */
  private static TransferPending pending(TransferId id, Duration timeout) {
    Long seconds = timeout == null ? null : timeout.toSeconds();
    return new TransferPending(
        id, spec(true, seconds), NOW, timeout == null ? null : NOW.plus(timeout));
  }

  private static TransferSpec spec(boolean pending, Long timeoutSeconds) {
    return new TransferSpec(
        ALICE, BOB, 40, "POINTS", null, null, Map.of(), pending, timeoutSeconds);
  }
}
