package dev.ledger.core.escrow;

import static dev.ledger.core.LedgerFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.escrow.EscrowCommands.CaptureEscrow;
import dev.ledger.core.escrow.EscrowCommands.CompleteEscrow;
import dev.ledger.core.escrow.EscrowCommands.CreateEscrow;
import dev.ledger.core.escrow.EscrowCommands.ExpireEscrowHold;
import dev.ledger.core.escrow.EscrowCommands.HoldEscrow;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowCanceled;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowCaptured;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowRefund;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowTransferFailed;
import dev.ledger.core.escrow.EscrowCommands.ReleaseEscrow;
import dev.ledger.core.escrow.EscrowCommands.ResolveEscrow;
import dev.ledger.core.escrow.EscrowCommands.RetryEscrow;
import dev.ledger.core.escrow.EscrowCommands.SendEscrowToManualReview;
import dev.ledger.core.escrow.EscrowEvents.EscrowCanceled;
import dev.ledger.core.escrow.EscrowEvents.EscrowCaptureRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowCaptured;
import dev.ledger.core.escrow.EscrowEvents.EscrowCompleted;
import dev.ledger.core.escrow.EscrowEvents.EscrowCreated;
import dev.ledger.core.escrow.EscrowEvents.EscrowHeld;
import dev.ledger.core.escrow.EscrowEvents.EscrowRefunded;
import dev.ledger.core.escrow.EscrowEvents.EscrowReleaseRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowRetryRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowSentToManualReview;
import dev.ledger.core.escrow.EscrowEvents.EscrowTransferFailed;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An escrow is captured only from {@code HELD} and before its deadline, once; the capture moves the
 * funds from {@code platform:stripe:USD} into the escrow account and the completion moves them out
 * to the payee and the platform's fee, so a completed escrow's account is at zero; transfer
 * failures, manual review, operator retries and resolutions, releases, expiries and refunds each
 * move exactly as the state allows. Every command runs on {@link LedgerFixture}, since capture,
 * completion and refunds change the escrow, transfers and accounts in one unit of work.
 */
class EscrowCommandHandlerTest {
  private static final String TENANT = "acme";
  private static final EscrowId ESC = EscrowId.of(TENANT, "esc-1");
  private static final String REF = ESC.referenceId();
  private static final String PI = "pi_1";
  private static final String PAYEE = "acct_123";
  private static final long AMOUNT = 10_000;
  private static final long FEE = 1_500;
  private static final Instant DEADLINE = START.plus(Duration.ofDays(7));

  private static final AccountId ESCROW_ACCOUNT = AccountId.of(TENANT, "escrow:" + REF);
  private static final AccountId STRIPE = AccountId.of(TENANT, "platform:stripe:USD");
  private static final AccountId PAYEE_ACCOUNT = AccountId.of(TENANT, "payee:acct_123:USD");
  private static final AccountId REVENUE = AccountId.of(TENANT, "platform:revenue:USD");
  private static final AccountId REFUNDS = AccountId.of(TENANT, "platform:escrow-refunds:USD");

  private final LedgerFixture ledger = new LedgerFixture();

  private static CreateEscrow create() {
    return new CreateEscrow(ESC, "alice", PAYEE, AMOUNT, "USD", FEE, PI);
  }

  private LedgerFixture held() {
    return ledger.given(create(), new HoldEscrow(ESC, AMOUNT, DEADLINE));
  }

  private LedgerFixture captured() {
    return held().given(new CaptureEscrow(ESC), new RecordEscrowCaptured(ESC, AMOUNT, "ch_1"));
  }

  private long posted(AccountId account) {
    return ledger.account(account).balance().posted();
  }

  @Test
  void createsAnEscrowAwaitingItsAuthorisation() {
    EscrowView view =
        ledger
            .when(create())
            .expectEvents(
                new EscrowCreated(ESC, REF, "alice", PAYEE, AMOUNT, "USD", FEE, PI, START))
            .result(EscrowView.class);

    assertThat(view.status()).isEqualTo(EscrowStatus.AWAITING_AUTHORIZATION);
    assertThat(view.created()).isTrue();
    assertThat(ESC).hasToString("acme/escrow/" + REF);
  }

  @Test
  void theSameIdWithOtherContentIsAConflictAndTheSameContentIsAnswered() {
    ledger.given(create());

    ledger
        .when(new CreateEscrow(ESC, "alice", PAYEE, AMOUNT + 1, "USD", FEE, PI))
        .expectRejection(Rejection.ID_CONFLICT);
    EscrowView again = ledger.when(create()).expectNoEvents().result(EscrowView.class);
    assertThat(again.created()).isFalse();
  }

  @Test
  void anAuthorisationHoldsTheFundsUntilTheDeadlineOnce() {
    ledger.given(create());

    ledger
        .when(new HoldEscrow(ESC, AMOUNT, DEADLINE))
        .expectEvents(new EscrowHeld(ESC, AMOUNT, DEADLINE, START));
    ledger.when(new HoldEscrow(ESC, AMOUNT, DEADLINE)).expectNoEvents();
  }

  @Test
  void onlyAHeldEscrowCanBeCapturedAndOnlyOnce() {
    ledger.given(create());
    ledger.when(new CaptureEscrow(ESC)).expectRejection(Rejection.INVALID_STATE);

    ledger.given(new HoldEscrow(ESC, AMOUNT, DEADLINE));
    ledger.when(new CaptureEscrow(ESC)).expectEvents(new EscrowCaptureRequested(ESC, PI, START));
    ledger.when(new CaptureEscrow(ESC)).expectRejection(Rejection.INVALID_STATE);
  }

  @Test
  void aHoldPastItsDeadlineCannotBeCaptured() {
    held();
    ledger.clock().advance(Duration.ofDays(7));

    ledger.when(new CaptureEscrow(ESC)).expectRejection(Rejection.INVALID_STATE);
  }

  @Test
  void theCaptureMovesTheFundsIntoTheEscrowAccountOnce() {
    held().given(new CaptureEscrow(ESC));

    var outcome = ledger.when(new RecordEscrowCaptured(ESC, AMOUNT, "ch_1"));

    assertThat(outcome.events())
        .contains(
            new EscrowCaptured(
                ESC, AMOUNT, "ch_1", EscrowCommandHandler.transferId(ESC, "capture").id(), START));
    assertThat(outcome.events()).hasAtLeastOneElementOfType(TransferPosted.class);
    assertThat(posted(ESCROW_ACCOUNT)).isEqualTo(AMOUNT);
    assertThat(posted(STRIPE)).isEqualTo(-AMOUNT);

    ledger.when(new RecordEscrowCaptured(ESC, AMOUNT, "ch_1")).expectNoEvents();
    assertThat(posted(ESCROW_ACCOUNT)).isEqualTo(AMOUNT);
  }

  @Test
  void aCaptureReportedByStripeBeforeOurRequestStillCounts() {
    held();

    ledger.when(new RecordEscrowCaptured(ESC, AMOUNT, "ch_1"));

    assertThat(posted(ESCROW_ACCOUNT)).isEqualTo(AMOUNT);
  }

  @Test
  void completionPaysThePayeeAndTheFeeAndEmptiesTheEscrowAccount() {
    captured();

    var outcome = ledger.when(new CompleteEscrow(ESC, "tr_1"));

    assertThat(outcome.events())
        .contains(new EscrowCompleted(ESC, "tr_1", AMOUNT - FEE, FEE, null, START));
    assertThat(posted(ESCROW_ACCOUNT)).isZero();
    assertThat(posted(PAYEE_ACCOUNT)).isEqualTo(AMOUNT - FEE);
    assertThat(posted(REVENUE)).isEqualTo(FEE);
    assertThat(posted(STRIPE) + posted(PAYEE_ACCOUNT) + posted(REVENUE)).isZero();

    ledger.when(new CompleteEscrow(ESC, "tr_1")).expectNoEvents();
  }

  @Test
  void aFailedTransferIsRecordedWithItsAttemptAndTheLastGoesToManualReview() {
    captured();

    ledger
        .when(new RecordEscrowTransferFailed(ESC, 1, "boom"))
        .expectEvents(new EscrowTransferFailed(ESC, 1, "boom", START));
    ledger
        .when(new SendEscrowToManualReview(ESC, EscrowStep.TRANSFER, 5, "boom"))
        .expectEvents(new EscrowSentToManualReview(ESC, EscrowStep.TRANSFER, 5, "boom", START));
    ledger.when(new RecordEscrowTransferFailed(ESC, 6, "late")).expectNoEvents();
  }

  @Test
  void anOperatorRetriesOnlyAnEscrowInManualReview() {
    captured();
    ledger.when(new RetryEscrow(ESC)).expectRejection(Rejection.INVALID_STATE);

    ledger.given(new SendEscrowToManualReview(ESC, EscrowStep.TRANSFER, 5, "boom"));
    ledger
        .when(new RetryEscrow(ESC))
        .expectEvents(new EscrowRetryRequested(ESC, EscrowStep.TRANSFER, 1, START));
    ledger.given(new SendEscrowToManualReview(ESC, EscrowStep.TRANSFER, 5, "boom"));
    ledger
        .when(new RetryEscrow(ESC))
        .expectEvents(new EscrowRetryRequested(ESC, EscrowStep.TRANSFER, 2, START));
  }

  @Test
  void aFailedCaptureInReviewIsRetriedAsACapture() {
    held()
        .given(
            new CaptureEscrow(ESC),
            new SendEscrowToManualReview(ESC, EscrowStep.CAPTURE, 1, "declined"));

    ledger
        .when(new RetryEscrow(ESC))
        .expectEvents(new EscrowRetryRequested(ESC, EscrowStep.CAPTURE, 1, START));
  }

  @Test
  void anOperatorResolvesATransferReviewWithTheTransferMadeByHand() {
    captured().given(new SendEscrowToManualReview(ESC, EscrowStep.TRANSFER, 5, "boom"));

    var outcome = ledger.when(new ResolveEscrow(ESC, "tr_manual", "paid from the dashboard"));

    assertThat(outcome.events())
        .contains(
            new EscrowCompleted(
                ESC, "tr_manual", AMOUNT - FEE, FEE, "paid from the dashboard", START));
    assertThat(posted(ESCROW_ACCOUNT)).isZero();
  }

  @Test
  void onlyAReviewedTransferCanBeResolved() {
    captured();

    ledger
        .when(new ResolveEscrow(ESC, "tr_manual", "note"))
        .expectRejection(Rejection.INVALID_STATE);
  }

  @Test
  void aHoldOrAPendingAuthorisationCanBeReleasedNothingLater() {
    ledger.given(create());
    ledger
        .when(new ReleaseEscrow(ESC))
        .expectEvents(new EscrowReleaseRequested(ESC, PI, "requested", START));
    ledger.when(new ReleaseEscrow(ESC)).expectRejection(Rejection.INVALID_STATE);

    EscrowId other = EscrowId.of(TENANT, "esc-2");
    ledger.given(
        new CreateEscrow(other, "alice", PAYEE, AMOUNT, "USD", FEE, "pi_2"),
        new HoldEscrow(other, AMOUNT, DEADLINE),
        new CaptureEscrow(other));
    ledger.when(new ReleaseEscrow(other)).expectRejection(Rejection.INVALID_STATE);
  }

  @Test
  void theSweepExpiresOnlyAHoldPastItsDeadline() {
    held();

    assertThat(ledger.when(new ExpireEscrowHold(ESC, DEADLINE.minusSeconds(1))).events()).isEmpty();
    var outcome = ledger.when(new ExpireEscrowHold(ESC, DEADLINE));

    assertThat(outcome.result(Boolean.class)).isTrue();
    assertThat(outcome.events())
        .containsExactly(new EscrowReleaseRequested(ESC, PI, "expired", DEADLINE));
    assertThat(ledger.when(new ExpireEscrowHold(ESC, DEADLINE)).result(Boolean.class)).isFalse();
  }

  @Test
  void aCancellationEndsAnUncapturedEscrowButNotACapturedOne() {
    held().given(new ReleaseEscrow(ESC));
    ledger
        .when(new RecordEscrowCanceled(ESC, "released"))
        .expectEvents(new EscrowCanceled(ESC, "released", START));
    ledger.when(new RecordEscrowCanceled(ESC, "again")).expectNoEvents();

    EscrowId other = EscrowId.of(TENANT, "esc-2");
    ledger.given(
        new CreateEscrow(other, "alice", PAYEE, AMOUNT, "USD", FEE, "pi_2"),
        new HoldEscrow(other, AMOUNT, DEADLINE),
        new RecordEscrowCaptured(other, AMOUNT, "ch_2"));
    ledger.when(new RecordEscrowCanceled(other, "late")).expectNoEvents();
  }

  @Test
  void aFullRefundBeforeTheTransferComesOutOfTheEscrowAccount() {
    captured();

    var outcome = ledger.when(new RecordEscrowRefund(ESC, AMOUNT));

    assertThat(outcome.events())
        .contains(
            new EscrowRefunded(
                ESC,
                AMOUNT,
                AMOUNT,
                true,
                true,
                EscrowCommandHandler.transferId(ESC, "refund-" + AMOUNT).id(),
                START));
    assertThat(posted(ESCROW_ACCOUNT)).isZero();
    assertThat(posted(STRIPE)).isZero();
    ledger.when(new CompleteEscrow(ESC, "tr_late")).expectNoEvents();
  }

  @Test
  void aPartialRefundBeforeTheTransferSendsTheEscrowToReviewAndShrinksThePayout() {
    captured();

    ledger.when(new RecordEscrowRefund(ESC, 4_000));
    ledger.given(new RetryEscrow(ESC));
    ledger.when(new CompleteEscrow(ESC, "tr_1"));

    assertThat(posted(ESCROW_ACCOUNT)).isZero();
    assertThat(posted(PAYEE_ACCOUNT)).isEqualTo(AMOUNT - 4_000 - FEE);
    assertThat(posted(REVENUE)).isEqualTo(FEE);
  }

  @Test
  void aRefundAfterCompletionIsPaidByThePlatformAndCountedOnce() {
    captured().given(new CompleteEscrow(ESC, "tr_1"));

    ledger.when(new RecordEscrowRefund(ESC, 3_000));
    ledger.when(new RecordEscrowRefund(ESC, 3_000)).expectNoEvents();
    ledger.when(new RecordEscrowRefund(ESC, 2_000)).expectNoEvents();
    var full = ledger.when(new RecordEscrowRefund(ESC, AMOUNT));

    assertThat(full.events())
        .contains(
            new EscrowRefunded(
                ESC,
                AMOUNT,
                AMOUNT - 3_000,
                false,
                true,
                EscrowCommandHandler.transferId(ESC, "refund-" + AMOUNT).id(),
                START));
    assertThat(posted(REFUNDS)).isEqualTo(-AMOUNT);
    assertThat(posted(PAYEE_ACCOUNT)).isEqualTo(AMOUNT - FEE);
    assertThat(posted(STRIPE)).isZero();
    assertThat(
            List.of(STRIPE, PAYEE_ACCOUNT, REVENUE, REFUNDS, ESCROW_ACCOUNT).stream()
                .mapToLong(this::posted)
                .sum())
        .isZero();
  }

  @Test
  void anUnknownEscrowIsNotFound() {
    ledger.when(new CaptureEscrow(ESC)).expectRejection(Rejection.ESCROW_NOT_FOUND);
  }

  @Test
  void theRetryPolicyDoublesUpToItsBound() {
    EscrowPolicy policy =
        new EscrowPolicy(Duration.ofSeconds(30), Duration.ofMinutes(3), 5, Duration.ofDays(6));

    assertThat(List.of(1, 2, 3, 4, 5).stream().map(policy::backoff).toList())
        .containsExactly(
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(180),
            Duration.ofSeconds(180));
    assertThat(policy.mayRetry(4)).isTrue();
    assertThat(policy.mayRetry(5)).isFalse();
  }
}
