package dev.ledger.core.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.payment.PaymentCommands.RecordChargeRefunded;
import dev.ledger.core.payment.PaymentCommands.RecordPaymentIntentStatus;
import dev.ledger.core.payment.PaymentEvents.PaymentAuthorized;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
import dev.ledger.core.payment.PaymentEvents.PaymentFailed;
import dev.ledger.core.payment.PaymentEvents.PaymentRefunded;
import dev.ledger.core.payment.PaymentEvents.PaymentSucceeded;
import java.time.Instant;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One Stripe PaymentIntent turns Stripe's reports, repeated and in any order, into facts recorded
 * once: a state is recorded only when it is progress (a success after a failed attempt is, a
 * failure after a success is not), statuses the domain does not act on are ignored, and refunds,
 * reported as running totals, record only what a total adds.
 *
 * <p>The reports go through the real {@link PaymentCommandHandler}, which creates the money object
 * on its first report, on {@code AggregateTestFixture}.
 */
class StripePaymentTest {
  private static final String PI = "pi_1";
  private static final PaymentOrder ORDER =
      new PaymentOrder("acme", "investment", "6f1c1d1e-8d52-4c0e-a1f3-6f4f1d2b9a10");
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  private final AggregateTestFixture<StripePayment> fixture =
      new AggregateTestFixture<>(StripePayment.class);

  @BeforeEach
  void registerThePaymentCommandHandler() {
    fixture.registerAnnotatedCommandHandler(new PaymentCommandHandler(fixture.getRepository()));
  }

  // ---- PaymentIntent status --------------------------------------------------------------------

  @Test
  void recordsASucceededPaymentOnItsFirstReport() {
    fixture
        .givenNoPriorActivity()
        .when(report("succeeded", "evt_1"))
        .expectEvents(succeeded("evt_1"))
        .expectState(payment -> assertThat(payment.status()).isEqualTo(PaymentStatus.SUCCEEDED));
  }

  @Test
  void storesThePaymentUnderItsPaymentIntent() {
    fixture
        .givenNoPriorActivity()
        .when(report("succeeded", "evt_1"))
        .expectEventsMatching(exactSequenceOf(storedUnder("stripe/payment/pi_1"), andNoMore()));
  }

  @Test
  void appliesARedeliveredSuccessOnce() {
    fixture.given(succeeded("evt_1")).when(report("succeeded", "evt_1")).expectNoEvents();
  }

  @Test
  void appliesASecondReportOfTheSameSuccessOnce() {
    // payment_intent.succeeded and charge.succeeded describe the same money movement
    fixture.given(succeeded("evt_1")).when(report("succeeded", "evt_2")).expectNoEvents();
  }

  @Test
  void recordsAFailedAttempt() {
    fixture
        .givenNoPriorActivity()
        .when(report("payment_failed", "evt_1"))
        .expectEvents(new PaymentFailed(PI, ORDER, "card_declined", "evt_1"))
        .expectState(payment -> assertThat(payment.status()).isEqualTo(PaymentStatus.FAILED));
  }

  @Test
  void ignoresAFailedAttemptReportedAfterTheSuccess() {
    fixture
        .given(succeeded("evt_2"))
        .when(report("payment_failed", "evt_1"))
        .expectNoEvents()
        .expectState(payment -> assertThat(payment.status()).isEqualTo(PaymentStatus.SUCCEEDED));
  }

  @Test
  void recordsASuccessAfterAFailedAttemptAsARetryThatWorked() {
    fixture
        .given(new PaymentFailed(PI, ORDER, "card_declined", "evt_1"))
        .when(report("succeeded", "evt_2"))
        .expectEvents(succeeded("evt_2"));
  }

  @Test
  void recordsAnotherFailedAttemptOnlyOnce() {
    fixture
        .given(new PaymentFailed(PI, ORDER, "card_declined", "evt_1"))
        .when(report("payment_failed", "evt_2"))
        .expectNoEvents();
  }

  @Test
  void recordsAnAuthorizationAndThenItsCapture() {
    fixture
        .givenNoPriorActivity()
        .when(report("requires_capture", "evt_1"))
        .expectEvents(new PaymentAuthorized(PI, ORDER, 1000, "usd", "evt_1", null))
        .expectState(payment -> assertThat(payment.status()).isEqualTo(PaymentStatus.AUTHORIZED));

    fixture
        .given(new PaymentAuthorized(PI, ORDER, 1000, "usd", "evt_1", null))
        .when(report("succeeded", "evt_2"))
        .expectEvents(succeeded("evt_2"));
  }

  @Test
  void ignoresAnAuthorizationReportedAfterTheCapture() {
    fixture.given(succeeded("evt_2")).when(report("requires_capture", "evt_1")).expectNoEvents();
  }

  @Test
  void recordsACancellationAndIgnoresAStaleAuthorizationAfterIt() {
    fixture
        .givenNoPriorActivity()
        .when(report("canceled", "evt_2"))
        .expectEvents(new PaymentCanceled(PI, ORDER, "evt_2"));

    fixture
        .given(new PaymentCanceled(PI, ORDER, "evt_2"))
        .when(report("requires_capture", "evt_1"))
        .expectNoEvents()
        .expectState(payment -> assertThat(payment.status()).isEqualTo(PaymentStatus.CANCELED));
  }

  @Test
  void cancelsAnAuthorizedPayment() {
    fixture
        .given(new PaymentAuthorized(PI, ORDER, 1000, "usd", "evt_1", null))
        .when(report("canceled", "evt_2"))
        .expectEvents(new PaymentCanceled(PI, ORDER, "evt_2"));
  }

  @Test
  void neitherASuccessNorACancellationFollowsTheOther() {
    fixture.given(succeeded("evt_1")).when(report("canceled", "evt_2")).expectNoEvents();
    fixture
        .given(new PaymentCanceled(PI, ORDER, "evt_1"))
        .when(report("succeeded", "evt_2"))
        .expectNoEvents();
  }

  @ParameterizedTest(name = "{0} after an authorization")
  @ValueSource(strings = {"processing", "requires_payment_method"})
  void anUnknownStatusLeavesAnAuthorizationAsItIs(String status) {
    fixture
        .given(new PaymentAuthorized(PI, ORDER, 1000, "usd", "evt_1", null))
        .when(report(status, "evt_2"))
        .expectNoEvents()
        .expectState(payment -> assertThat(payment.status()).isEqualTo(PaymentStatus.AUTHORIZED));
  }

  // ---- refunds ---------------------------------------------------------------------------------

  @Test
  void recordsAFirstRefundInFull() {
    fixture
        .given(succeeded("evt_1"))
        .when(refunded(300, "evt_r1"))
        .expectEvents(new PaymentRefunded(PI, ORDER, "ch_1", 300, 300, "usd", "evt_r1"));
  }

  @Test
  void recordsARepeatedRefundTotalOnce() {
    fixture
        .given(
            succeeded("evt_1"), new PaymentRefunded(PI, ORDER, "ch_1", 300, 300, "usd", "evt_r1"))
        .when(refunded(300, "evt_r2"))
        .expectNoEvents();
  }

  @Test
  void recordsOnlyWhatAGreaterTotalAdds() {
    fixture
        .given(
            succeeded("evt_1"), new PaymentRefunded(PI, ORDER, "ch_1", 300, 300, "usd", "evt_r1"))
        .when(refunded(500, "evt_r2"))
        .expectEvents(new PaymentRefunded(PI, ORDER, "ch_1", 500, 200, "usd", "evt_r2"));
  }

  @Test
  void ignoresAnOlderTotalReportedLate() {
    fixture
        .given(
            succeeded("evt_1"),
            new PaymentRefunded(PI, ORDER, "ch_1", 300, 300, "usd", "evt_r1"),
            new PaymentRefunded(PI, ORDER, "ch_1", 500, 200, "usd", "evt_r3"))
        .when(refunded(400, "evt_r2"))
        .expectNoEvents();
  }

  @Test
  void ignoresARefundOfNothing() {
    fixture.given(succeeded("evt_1")).when(refunded(0, "evt_r1")).expectNoEvents();
  }

  @Test
  void recordsARefundReportedBeforeTheSuccessAndTheSuccessAfterIt() {
    fixture
        .givenNoPriorActivity()
        .when(refunded(300, "evt_r1"))
        .expectEvents(new PaymentRefunded(PI, ORDER, "ch_1", 300, 300, "usd", "evt_r1"));

    fixture
        .given(new PaymentRefunded(PI, ORDER, "ch_1", 300, 300, "usd", "evt_r1"))
        .when(report("succeeded", "evt_1"))
        .expectEvents(succeeded("evt_1"));
  }

  // ---- disputes --------------------------------------------------------------------------------

  @Test
  void recordsADispute() {
    fixture
        .given(succeeded("evt_1"))
        .when(disputedBy("dp_1", "evt_d1"))
        .expectEvents(dispute("dp_1", "evt_d1"));
  }

  @Test
  void recordsTheSameDisputeOnceHoweverOftenItIsReported() {
    fixture
        .given(succeeded("evt_1"), dispute("dp_1", "evt_d1"))
        .when(disputedBy("dp_1", "evt_d2"))
        .expectNoEvents();
  }

  @Test
  void recordsAnotherDisputeOfThePayment() {
    fixture
        .given(succeeded("evt_1"), dispute("dp_1", "evt_d1"))
        .when(disputedBy("dp_2", "evt_d2"))
        .expectEvents(dispute("dp_2", "evt_d2"));
  }

  @Test
  void recordsADisputeReportedBeforeTheSuccess() {
    fixture
        .givenNoPriorActivity()
        .when(disputedBy("dp_1", "evt_d1"))
        .expectEvents(dispute("dp_1", "evt_d1"));
  }

  /**
   * A first report the domain does not act on creates a money object with no events, which {@code
   * AggregateTestFixture} reports as a state it cannot rebuild; Axon's real event-sourcing
   * repository simply stores nothing. So these run on {@link LedgerFixture}.
   */
  @Nested
  class FirstReportOfAStatusItDoesNotActOn {
    private final LedgerFixture ledger = new LedgerFixture();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"processing", "requires_payment_method", "requires_action"})
    void recordsNothing(String status) {
      ledger.when(report(status, "evt_1")).expectNoEvents();

      assertThat(ledger.allEvents()).isEmpty();
    }

    @Test
    void leavesTheLaterSuccessToCreateThePayment() {
      ledger.given(report("processing", "evt_1"));

      ledger.when(report("succeeded", "evt_2")).expectEvents(succeeded("evt_2"));
      assertThat(ledger.eventsOf(StripePayment.aggregateId(PI)))
          .containsExactly(succeeded("evt_2"));
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static RecordPaymentIntentStatus report(String status, String stripeEventId) {
    return new RecordPaymentIntentStatus(
        PI, ORDER, status, 1000, 1000, "usd", "card_declined", stripeEventId, AT, null);
  }

  private static PaymentSucceeded succeeded(String stripeEventId) {
    return new PaymentSucceeded(PI, ORDER, 1000, "usd", stripeEventId, AT);
  }

  private static RecordChargeRefunded refunded(long total, String stripeEventId) {
    return new RecordChargeRefunded(PI, ORDER, "ch_1", total, "usd", stripeEventId, AT);
  }

  private static PaymentCommands.RecordChargeDisputed disputedBy(String disputeId, String eventId) {
    return new PaymentCommands.RecordChargeDisputed(
        PI, ORDER, "ch_1", disputeId, 1000, "usd", "fraudulent", eventId, AT);
  }

  private static PaymentEvents.PaymentDisputed dispute(String disputeId, String eventId) {
    return new PaymentEvents.PaymentDisputed(
        PI, ORDER, "ch_1", disputeId, 1000, "usd", "fraudulent", eventId);
  }

  /** An event stored in the stream of the given aggregate. */
  private static Matcher<EventMessage<?>> storedUnder(String aggregateIdentifier) {
    return new FeatureMatcher<>(
        equalTo(aggregateIdentifier), "an event of aggregate", "aggregate") {
      @Override
      protected String featureValueOf(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domainEvent
            ? domainEvent.getAggregateIdentifier()
            : null;
      }
    };
  }
}
