package dev.ledger.core.escrow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.escrow.EscrowCommands.CompleteEscrow;
import dev.ledger.core.escrow.EscrowCommands.HoldEscrow;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowCanceled;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowCaptured;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowRefund;
import dev.ledger.core.escrow.EscrowCommands.RecordEscrowTransferFailed;
import dev.ledger.core.escrow.EscrowCommands.SendEscrowToManualReview;
import dev.ledger.core.escrow.EscrowEvents.EscrowCanceled;
import dev.ledger.core.escrow.EscrowEvents.EscrowCaptureRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowCaptured;
import dev.ledger.core.escrow.EscrowEvents.EscrowCompleted;
import dev.ledger.core.escrow.EscrowEvents.EscrowCreated;
import dev.ledger.core.escrow.EscrowEvents.EscrowRefunded;
import dev.ledger.core.escrow.EscrowEvents.EscrowReleaseRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowRetryRequested;
import dev.ledger.core.escrow.EscrowEvents.EscrowSentToManualReview;
import dev.ledger.core.escrow.EscrowSaga.ReleaseDue;
import dev.ledger.core.escrow.EscrowSaga.StepRetry;
import dev.ledger.core.payment.FakePaymentGateway;
import dev.ledger.core.payment.PaymentEvents.PaymentAuthorized;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
import dev.ledger.core.payment.PaymentEvents.PaymentRefunded;
import dev.ledger.core.payment.PaymentEvents.PaymentSucceeded;
import dev.ledger.core.payment.PaymentGateway.Transfer;
import dev.ledger.core.payment.PaymentGatewayException.Kind;
import dev.ledger.core.payment.PaymentOrder;
import dev.ledger.core.payment.StripePayment;
import java.time.Duration;
import java.time.Instant;
import org.axonframework.test.saga.ContinuedGivenState;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The escrow saga: an authorisation holds the escrow until Stripe's {@code capture_before} (or the
 * configured fallback); a capture request captures at Stripe under the key {@code …:capture}, a
 * capture moves on to the transfer of {@code amount − fee} to the payee under {@code …:transfer}
 * (the same key on every automatic retry), failures are retried from deadlines with exponential
 * backoff and then sent to manual review with the last error; an operator's retry looks for a
 * transfer Stripe already made before it tries a new key; a release cancels the authorisation and
 * retries while Stripe is unreachable. The saga ends on a cancellation or a full refund.
 */
class EscrowSagaTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final EscrowId ESC = EscrowId.of("acme", "esc-1");
  private static final String REF = ESC.referenceId();
  private static final String PI = "pi_1";
  private static final String PAYEE = "acct_123";
  private static final PaymentOrder ORDER = new PaymentOrder("acme", "escrow", REF);
  private static final String KEY_PREFIX = "ledger:acme:escrow:" + REF + ":";
  private static final EscrowPolicy POLICY =
      new EscrowPolicy(Duration.ofSeconds(30), Duration.ofMinutes(10), 5, Duration.ofDays(6));

  private final SagaTestFixture<EscrowSaga> fixture = new SagaTestFixture<>(EscrowSaga.class);
  private final FakePaymentGateway stripe = new FakePaymentGateway();

  @BeforeEach
  void registerResources() {
    fixture.registerResource(stripe);
    fixture.registerResource(POLICY);
  }

  private static EscrowCreated created() {
    return new EscrowCreated(ESC, REF, "alice", PAYEE, 10_000, "USD", 1_500, PI, NOW);
  }

  private org.axonframework.test.saga.WhenAggregateEventPublisher givenCreated() {
    return fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(ESC.toString())
        .published(created())
        .whenAggregate(ESC.toString());
  }

  private ContinuedGivenState givenCaptureRequested() {
    return fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(ESC.toString())
        .published(created(), new EscrowCaptureRequested(ESC, PI, NOW));
  }

  @Test
  void holdsUntilStripesCaptureBefore() {
    Instant before = NOW.plus(Duration.ofDays(7));
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(ESC.toString())
        .published(created())
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentAuthorized(PI, ORDER, 10_000, "USD", "evt_1", before))
        .expectDispatchedCommands(new HoldEscrow(ESC, 10_000, before));
  }

  @Test
  void holdsForTheFallbackWhenStripeGivesNoDeadline() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(ESC.toString())
        .published(created())
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentAuthorized(PI, ORDER, 10_000, "USD", "evt_1", null))
        .expectDispatchedCommands(new HoldEscrow(ESC, 10_000, NOW.plus(Duration.ofDays(6))));
  }

  @Test
  void capturesAtStripeOnceAskedAndRecordsTheCapture() {
    givenCreated()
        .publishes(new EscrowCaptureRequested(ESC, PI, NOW))
        .expectDispatchedCommands(new RecordEscrowCaptured(ESC, 5000, "ch_1"));
    assertThat(stripe.captures())
        .containsExactly(new FakePaymentGateway.Capture(PI, KEY_PREFIX + "capture"));
  }

  @Test
  void retriesAnUnreachableCaptureWithBackoffUnderTheSameKey() {
    stripe.thenCaptureFails(Kind.UNAVAILABLE, 1);
    givenCreated()
        .publishes(new EscrowCaptureRequested(ESC, PI, NOW))
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(Duration.ofSeconds(30), new StepRetry(ESC, EscrowStep.CAPTURE, 2));
  }

  @Test
  void aCaptureRetriedAtItsDeadlineUsesTheSameKey() {
    stripe.thenCaptureFails(Kind.UNAVAILABLE, 1);
    givenCaptureRequested()
        .whenTimeElapses(Duration.ofSeconds(31))
        .expectDispatchedCommands(new RecordEscrowCaptured(ESC, 5000, "ch_1"));
    assertThat(stripe.captures())
        .extracting(FakePaymentGateway.Capture::idempotencyKey)
        .containsExactly(KEY_PREFIX + "capture", KEY_PREFIX + "capture");
  }

  @Test
  void aCaptureStripeRefusesGoesToManualReview() {
    stripe.thenCaptureFails(Kind.REJECTED, 1);
    givenCreated()
        .publishes(new EscrowCaptureRequested(ESC, PI, NOW))
        .expectDispatchedCommands(
            new SendEscrowToManualReview(ESC, EscrowStep.CAPTURE, 1, "capture failed (REJECTED)"))
        .expectNoScheduledDeadlines();
  }

  @Test
  void aCaptureOfAnExpiredAuthorisationCancelsTheEscrow() {
    stripe.thenCaptureAnswers("canceled");
    givenCreated()
        .publishes(new EscrowCaptureRequested(ESC, PI, NOW))
        .expectDispatchedCommands(
            new RecordEscrowCanceled(
                ESC, "the authorisation was canceled or expired before the capture"));
  }

  @Test
  void transfersThePayeesShareWithTheChargeAsSourceAndCompletes() {
    givenCaptureRequested()
        .whenAggregate(ESC.toString())
        .publishes(new EscrowCaptured(ESC, 10_000, "ch_1", "t", NOW))
        .expectDispatchedCommands(new CompleteEscrow(ESC, "tr_1"));
    var call = stripe.transfers().get(0);
    assertThat(call.idempotencyKey()).isEqualTo(KEY_PREFIX + "transfer");
    assertThat(call.request().amount()).isEqualTo(8_500);
    assertThat(call.request().destination()).isEqualTo(PAYEE);
    assertThat(call.request().sourceTransaction()).isEqualTo("ch_1");
    assertThat(call.request().transferGroup()).isEqualTo(REF);
    assertThat(call.request().currency()).isEqualTo("usd");
  }

  @Test
  void aFailedTransferIsRecordedAndRetriedWithBackoffUnderTheSameKeyThenCompletes() {
    stripe.thenTransferFails(Kind.UNAVAILABLE, 2);
    givenCaptureRequested()
        .whenAggregate(ESC.toString())
        .publishes(new EscrowCaptured(ESC, 10_000, "ch_1", "t", NOW))
        .expectDispatchedCommands(
            new RecordEscrowTransferFailed(ESC, 1, "transfer failed (UNAVAILABLE)"))
        .expectScheduledDeadline(
            Duration.ofSeconds(30), new StepRetry(ESC, EscrowStep.TRANSFER, 2));
  }

  @Test
  void aTransferFailingTwiceCompletesOnTheThirdAttemptUnderTheSameKey() {
    stripe.thenTransferFails(Kind.UNAVAILABLE, 2);
    givenCaptureRequested()
        .andThenAggregate(ESC.toString())
        .published(new EscrowCaptured(ESC, 10_000, "ch_1", "t", NOW))
        .whenTimeElapses(Duration.ofSeconds(30 + 60 + 1))
        .expectDispatchedCommands(
            new RecordEscrowTransferFailed(ESC, 2, "transfer failed (UNAVAILABLE)"),
            new CompleteEscrow(ESC, "tr_3"))
        .expectNoScheduledDeadlines();
    assertThat(stripe.transfers())
        .extracting(FakePaymentGateway.TransferCall::idempotencyKey)
        .containsOnly(KEY_PREFIX + "transfer")
        .hasSize(3);
  }

  @Test
  void aTransferFailingPastItsAttemptsGoesToManualReviewWithTheLastError() {
    stripe.thenTransferFails(Kind.REJECTED, 5);
    givenCaptureRequested()
        .andThenAggregate(ESC.toString())
        .published(new EscrowCaptured(ESC, 10_000, "ch_1", "t", NOW))
        .whenTimeElapses(Duration.ofSeconds(30 + 60 + 120 + 240 + 1))
        .expectDispatchedCommands(
            new RecordEscrowTransferFailed(ESC, 2, "transfer failed (REJECTED)"),
            new RecordEscrowTransferFailed(ESC, 3, "transfer failed (REJECTED)"),
            new RecordEscrowTransferFailed(ESC, 4, "transfer failed (REJECTED)"),
            new RecordEscrowTransferFailed(ESC, 5, "transfer failed (REJECTED)"),
            new SendEscrowToManualReview(ESC, EscrowStep.TRANSFER, 5, "transfer failed (REJECTED)"))
        .expectNoScheduledDeadlines();
    assertThat(stripe.transfers()).hasSize(5);
  }

  @Test
  void anOperatorsRetryFindsATransferStripeMadeAndDoesNotPayTwice() {
    stripe.withTransferInGroup(new Transfer("tr_lost", 8_500, "usd", PAYEE, REF, false));
    givenCaptureRequested()
        .andThenAggregate(ESC.toString())
        .published(new EscrowSentToManualReview(ESC, EscrowStep.TRANSFER, 5, "timeout", NOW))
        .whenAggregate(ESC.toString())
        .publishes(new EscrowRetryRequested(ESC, EscrowStep.TRANSFER, 1, NOW))
        .expectDispatchedCommands(new CompleteEscrow(ESC, "tr_lost"));
    assertThat(stripe.transfers()).isEmpty();
  }

  @Test
  void anOperatorsRetryUsesANewKeyWhenStripeHasNoTransfer() {
    givenCaptureRequested()
        .andThenAggregate(ESC.toString())
        .published(
            new EscrowCaptured(ESC, 10_000, "ch_1", "t", NOW),
            new EscrowSentToManualReview(ESC, EscrowStep.TRANSFER, 5, "boom", NOW))
        .whenAggregate(ESC.toString())
        .publishes(new EscrowRetryRequested(ESC, EscrowStep.TRANSFER, 1, NOW))
        .expectDispatchedCommands(new CompleteEscrow(ESC, "tr_2"));
    assertThat(stripe.transfers())
        .extracting(FakePaymentGateway.TransferCall::idempotencyKey)
        .containsExactly(KEY_PREFIX + "transfer", KEY_PREFIX + "transfer-retry-1");
  }

  @Test
  void aReleaseCancelsTheAuthorisationAndRecordsIt() {
    givenCreated()
        .publishes(new EscrowReleaseRequested(ESC, PI, "expired", NOW))
        .expectDispatchedCommands(new RecordEscrowCanceled(ESC, "hold expired"));
    assertThat(stripe.cancellations())
        .containsExactly(new FakePaymentGateway.Cancellation(PI, KEY_PREFIX + "release"));
  }

  @Test
  void aReleaseRetriesWhileStripeIsUnreachable() {
    stripe.thenFail(Kind.UNAVAILABLE, 1);
    givenCreated()
        .publishes(new EscrowReleaseRequested(ESC, PI, "requested", NOW))
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(Duration.ofSeconds(30), new ReleaseDue(ESC, "requested", 1));
  }

  @Test
  void aReleaseRetriedAtItsDeadlineCancels() {
    stripe.thenFail(Kind.UNAVAILABLE, 1);
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(ESC.toString())
        .published(created(), new EscrowReleaseRequested(ESC, PI, "requested", NOW))
        .whenTimeElapses(Duration.ofSeconds(31))
        .expectDispatchedCommands(new RecordEscrowCanceled(ESC, "released"));
  }

  @Test
  void followsStripesFactsAboutThePaymentIntent() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(ESC.toString())
        .published(created())
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentSucceeded(PI, ORDER, 10_000, "usd", "evt_2", NOW))
        .expectDispatchedCommands(new RecordEscrowCaptured(ESC, 10_000, null));
  }

  @Test
  void recordsRefundsReportedByStripe() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(ESC.toString())
        .published(created())
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentRefunded(PI, ORDER, "ch_1", 4_000, 4_000, "usd", "evt_3"))
        .expectDispatchedCommands(new RecordEscrowRefund(ESC, 4_000));
  }

  @Test
  void recordsACancellationReportedByStripe() {
    fixture
        .givenCurrentTime(NOW)
        .andThenAggregate(ESC.toString())
        .published(created())
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentCanceled(PI, ORDER, "evt_4"))
        .expectDispatchedCommands(
            new RecordEscrowCanceled(ESC, "the PaymentIntent was canceled at Stripe"));
  }

  @Test
  void endsOnACancellation() {
    givenCreated().publishes(new EscrowCanceled(ESC, "released", NOW)).expectActiveSagas(0);
  }

  @Test
  void staysAfterCompletionForRefunds() {
    givenCaptureRequested()
        .andThenAggregate(ESC.toString())
        .published(new EscrowCaptured(ESC, 10_000, "ch_1", "t", NOW))
        .whenAggregate(ESC.toString())
        .publishes(new EscrowCompleted(ESC, "tr_1", 8_500, 1_500, null, NOW))
        .expectActiveSagas(1)
        .expectNoScheduledDeadlines();
  }

  @Test
  void endsOnAFullRefund() {
    givenCaptureRequested()
        .andThenAggregate(ESC.toString())
        .published(
            new EscrowCaptured(ESC, 10_000, "ch_1", "t", NOW),
            new EscrowCompleted(ESC, "tr_1", 8_500, 1_500, null, NOW))
        .whenAggregate(ESC.toString())
        .publishes(new EscrowRefunded(ESC, 10_000, 10_000, false, true, "t", NOW))
        .expectActiveSagas(0)
        .expectNoDispatchedCommands();
  }
}
