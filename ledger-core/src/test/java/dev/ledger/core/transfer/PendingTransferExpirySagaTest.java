package dev.ledger.core.transfer;

import static dev.ledger.core.LedgerFixture.START;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.LedgerFixture.TimePassed;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountEvents.AccountCreditReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountDebitReservationReleased;
import dev.ledger.core.account.Balance;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.PendingTransferExpirySaga.ExpiryDue;
import dev.ledger.core.transfer.TransferCommands.ExpirePendingTransfer;
import dev.ledger.core.transfer.TransferCommands.PostPendingTransfer;
import dev.ledger.core.transfer.TransferCommands.PostTransfer;
import dev.ledger.core.transfer.TransferCommands.VoidPendingTransfer;
import dev.ledger.core.transfer.TransferEvents.PendingTransferExpired;
import java.util.Map;
import org.axonframework.test.deadline.ScheduledDeadlineInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pending transfer with a timeout gets one deadline, at the time it expires; posting or voiding
 * it first cancels the deadline and ends the saga, and a deadline that fires expires the transfer.
 *
 * <p>The saga runs inside {@link LedgerFixture} on Axon's saga manager and a stub deadline manager,
 * so its commands reach the real handler and the events they record come back to the saga: the
 * whole expiry path, end to end. {@link PendingTransferExpirySagaFixtureTest} checks the saga alone
 * on {@code SagaTestFixture}.
 */
class PendingTransferExpirySagaTest {
  private static final AccountId ALICE = AccountId.of("acme", "user:alice");
  private static final AccountId BOB = AccountId.of("acme", "user:bob");
  private static final AccountId BANK = AccountId.of("acme", "bank");
  private static final TransferId P1 = TransferId.of("acme", "p1");
  private static final TransferId P2 = TransferId.of("acme", "p2");

  private final LedgerFixture ledger = new LedgerFixture();

  @BeforeEach
  void openAccounts() {
    ledger.given(
        new OpenAccount(BANK, "POINTS", true, null),
        new OpenAccount(ALICE, "POINTS", false, null),
        new OpenAccount(BOB, "POINTS", false, null),
        new PostTransfer(TransferId.of("acme", "fund"), spec(BANK, ALICE, 100, false, null)));
  }

  @Test
  void schedulesADeadlineAtTheTimeThePendingTransferExpires() {
    ledger.given(pending(P1, 60L));

    assertThat(ledger.scheduledDeadlines()).hasSize(1);
    ScheduledDeadlineInfo deadline = ledger.scheduledDeadlines().get(0);
    assertThat(deadline.getDeadlineName()).isEqualTo(PendingTransferExpirySaga.DEADLINE);
    assertThat(deadline.getScheduleTime()).isEqualTo(START.plusSeconds(60));
    assertThat(deadline.deadlineMessage().getPayload()).isEqualTo(new ExpiryDue(P1, null));
    assertThat(ledger.activeExpirySagas(P1)).isEqualTo(1);
  }

  @Test
  void endsAtOnceForAPendingTransferThatNeverTimesOut() {
    ledger.given(pending(P1, null));

    assertThat(ledger.scheduledDeadlines()).isEmpty();
    assertThat(ledger.activeExpirySagas(P1)).isZero();
  }

  @Test
  void doesNotStartForATransferPostedAtOnce() {
    ledger.given(new PostTransfer(P1, spec(ALICE, BOB, 10, false, null)));

    assertThat(ledger.scheduledDeadlines()).isEmpty();
    assertThat(ledger.activeExpirySagas(P1)).isZero();
  }

  @Test
  void cancelsTheDeadlineAndEndsWhenThePendingTransferIsPosted() {
    ledger.given(pending(P1, 60L), new PostPendingTransfer(P1, null));

    assertThat(ledger.scheduledDeadlines()).isEmpty();
    assertThat(ledger.activeExpirySagas(P1)).isZero();
    assertThat(ledger.advanceTimeBy(ofSeconds(120)).commands()).isEmpty();
  }

  @Test
  void cancelsTheDeadlineAndEndsWhenThePendingTransferIsVoided() {
    ledger.given(pending(P1, 60L), new VoidPendingTransfer(P1));

    assertThat(ledger.scheduledDeadlines()).isEmpty();
    assertThat(ledger.activeExpirySagas(P1)).isZero();
    assertThat(ledger.advanceTimeBy(ofSeconds(120)).commands()).isEmpty();
  }

  @Test
  void waitsUntilTheTimeout() {
    ledger.given(pending(P1, 60L));

    TimePassed passed = ledger.advanceTimeBy(ofSeconds(59));

    assertThat(passed.commands()).isEmpty();
    assertThat(ledger.activeExpirySagas(P1)).isEqualTo(1);
  }

  @Test
  void expiresThePendingTransferWhenTheDeadlineFires() {
    ledger.given(pending(P1, 60L));

    TimePassed passed = ledger.advanceTimeBy(ofSeconds(61));

    assertThat(passed.commands()).containsExactly(new ExpirePendingTransfer(P1));
    assertThat(passed.events())
        .containsExactly(
            new PendingTransferExpired(P1, START.plusSeconds(60)),
            new AccountDebitReservationReleased(ALICE, "p1", 40),
            new AccountCreditReservationReleased(BOB, "p1", 40));
    assertThat(ledger.activeExpirySagas(P1)).as("the expiry ended the saga").isZero();
    assertThat(ledger.scheduledDeadlines()).isEmpty();
    assertThat(ledger.account(ALICE).balance()).isEqualTo(new Balance(0, 100, 0, 0));
  }

  @Test
  void givesEachPendingTransferItsOwnDeadline() {
    ledger.given(pending(P1, 60L), new PostTransfer(P2, spec(ALICE, BOB, 20, true, 120L)));

    TimePassed passed = ledger.advanceTimeBy(ofSeconds(90));

    assertThat(passed.commands()).containsExactly(new ExpirePendingTransfer(P1));
    assertThat(ledger.activeExpirySagas(P1)).isZero();
    assertThat(ledger.activeExpirySagas(P2)).isEqualTo(1);
    assertThat(ledger.scheduledDeadlines())
        .extracting(ScheduledDeadlineInfo::getScheduleTime)
        .containsExactly(START.plusSeconds(120));
  }

  private static PostTransfer pending(TransferId id, Long timeoutSeconds) {
    return new PostTransfer(id, spec(ALICE, BOB, 40, true, timeoutSeconds));
  }

  private static TransferSpec spec(
      AccountId from, AccountId to, long amount, boolean pending, Long timeoutSeconds) {
    return new TransferSpec(
        from, to, amount, "POINTS", null, null, Map.of(), pending, timeoutSeconds);
  }
}
