package dev.ledger.core.investment;

import static dev.ledger.core.investment.InvestmentPaymentSaga.CANCEL_ATTEMPTS_MAX;
import static dev.ledger.core.investment.InvestmentPaymentSaga.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.core.investment.InvestmentCommands.ActivateInvestment;
import dev.ledger.core.investment.InvestmentCommands.ExpireInvestment;
import dev.ledger.core.investment.InvestmentCommands.FailInvestment;
import dev.ledger.core.investment.InvestmentCommands.RefundInvestment;
import dev.ledger.core.investment.InvestmentEvents.InvestmentCreated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentExpired;
import dev.ledger.core.investment.InvestmentEvents.InvestmentRefunded;
import dev.ledger.core.investment.InvestmentPaymentSaga.PaymentDue;
import dev.ledger.core.payment.FakePaymentGateway;
import dev.ledger.core.payment.FakePaymentGateway.Cancellation;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
import dev.ledger.core.payment.PaymentEvents.PaymentFailed;
import dev.ledger.core.payment.PaymentEvents.PaymentRefunded;
import dev.ledger.core.payment.PaymentEvents.PaymentSucceeded;
import dev.ledger.core.payment.PaymentGatewayException.Kind;
import dev.ledger.core.payment.PaymentOrder;
import dev.ledger.core.payment.StripePayment;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.test.saga.ContinuedGivenState;
import org.axonframework.test.saga.SagaTestFixture;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The payment saga turns the facts recorded on an investment's Stripe PaymentIntent into commands
 * on the investment: success activates it (and the payment deadline is dropped), a failed attempt
 * fails it (the deadline stays, the customer may retry), cancellation expires it, a refund refunds
 * it. At the deadline it cancels the PaymentIntent at Stripe under one idempotency key and expires
 * the investment, unless Stripe says the money arrived; while Stripe is unreachable it retries with
 * growing waits, at most {@value InvestmentPaymentSaga#CANCEL_ATTEMPTS_MAX} times, then expires
 * anyway. The refund is its last transition.
 *
 * <p>{@code SagaTestFixture} records the commands without handling them; the payment provider is a
 * {@link FakePaymentGateway}, injected into the deadline handler as a registered resource.
 */
class InvestmentPaymentSagaTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration PAYMENT_TIMEOUT = Duration.ofMinutes(30);
  private static final Instant EXPIRES_AT = NOW.plus(PAYMENT_TIMEOUT);
  private static final InvestmentId INV = InvestmentId.of("acme", "inv-1");
  private static final String REF = INV.referenceId();
  private static final String PI = "pi_1";
  private static final PaymentOrder ORDER = new PaymentOrder("acme", "investment", REF);
  private static final String CANCEL_KEY =
      "ledger:acme:investment:" + REF + ":cancel-payment-intent";

  /** The waits between failed cancellations: 30 s doubling, at most an hour. */
  private static final List<Duration> RETRY_WAITS =
      List.of(30, 60, 120, 240, 480, 960, 1920, 3600, 3600).stream()
          .map(Duration::ofSeconds)
          .toList();

  private final SagaTestFixture<InvestmentPaymentSaga> fixture =
      new SagaTestFixture<>(InvestmentPaymentSaga.class);
  private final FakePaymentGateway stripe = new FakePaymentGateway();

  @BeforeEach
  void registerThePaymentGateway() {
    fixture.registerResource(stripe);
  }

  // ---- creation ------------------------------------------------------------------------------

  @Test
  void startsOnCreationWithADeadlineAtTheExpiryAndFollowsThePaymentIntent() {
    fixture
        .givenCurrentTime(NOW)
        .whenAggregate(INV.toString())
        .publishes(created())
        .expectActiveSagas(1)
        .expectAssociationWith("investmentId", INV)
        .expectAssociationWith("paymentIntentId", PI)
        .expectScheduledDeadlineWithName(EXPIRES_AT, DEADLINE)
        .expectScheduledDeadline(EXPIRES_AT, new PaymentDue(INV, 0))
        .expectNoDispatchedCommands();
  }

  // ---- Stripe's facts ------------------------------------------------------------------------

  @Test
  void activatesTheInvestmentOnThePaymentAndDropsTheDeadline() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentSucceeded(PI, ORDER, 5000, "usd", "evt_1", NOW))
        .expectDispatchedCommands(new ActivateInvestment(INV, PI, 5000, "usd"))
        .expectNoScheduledDeadlines()
        .expectActiveSagas(1);
  }

  @Test
  void sendsItsCommandsWithTheTenantAndItselfAsActor() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentSucceeded(PI, ORDER, 5000, "usd", "evt_1", NOW))
        .expectDispatchedCommandsMatching(
            exactSequenceOf(
                sentWith(
                    MetaData.from(
                        Map.of("tenant", "acme", "keyId", "engine:investment-payment-saga"))),
                andNoMore()));
  }

  @Test
  void ignoresThePaymentOfAnotherPaymentIntent() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId("pi_2"))
        .publishes(new PaymentSucceeded("pi_2", ORDER, 5000, "usd", "evt_1", NOW))
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(EXPIRES_AT, new PaymentDue(INV, 0));
  }

  @Test
  void failsTheInvestmentOnAFailedAttemptAndKeepsTheDeadline() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentFailed(PI, ORDER, "card_declined", "evt_1"))
        .expectDispatchedCommands(new FailInvestment(INV, "card_declined"))
        .expectScheduledDeadline(EXPIRES_AT, new PaymentDue(INV, 0));
  }

  @Test
  void expiresTheInvestmentWhenThePaymentIntentIsCanceled() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentCanceled(PI, ORDER, "evt_1"))
        .expectDispatchedCommands(new ExpireInvestment(INV))
        .expectNoScheduledDeadlines();
  }

  @Test
  void refundsTheInvestmentByTheTotalRefunded() {
    givenCreated()
        .andThenAggregate(StripePayment.aggregateId(PI))
        .published(new PaymentSucceeded(PI, ORDER, 5000, "usd", "evt_1", NOW))
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentRefunded(PI, ORDER, "ch_1", 5000, 2000, "usd", "evt_2"))
        .expectDispatchedCommands(new RefundInvestment(INV, 5000));
  }

  @Test
  void endsWhenTheInvestmentIsRefunded() {
    givenCreated()
        .andThenAggregate(StripePayment.aggregateId(PI))
        .published(new PaymentSucceeded(PI, ORDER, 5000, "usd", "evt_1", NOW))
        .whenAggregate(INV.toString())
        .publishes(new InvestmentRefunded(INV, 5000, 100, 0, "reversal", NOW))
        .expectActiveSagas(0)
        .expectNoAssociationWith("paymentIntentId", PI)
        .expectNoDispatchedCommands();
  }

  @Test
  void staysAfterTheExpirySoThatALatePaymentStillActivates() {
    givenCreated()
        .andThenAggregate(INV.toString())
        .published(new InvestmentExpired(INV, NOW))
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentSucceeded(PI, ORDER, 5000, "usd", "evt_1", NOW))
        .expectActiveSagas(1)
        .expectDispatchedCommands(new ActivateInvestment(INV, PI, 5000, "usd"));
  }

  @Test
  void replacesThePaymentDeadlineWithALatePaymentWindowWhenTheInvestmentExpires() {
    givenCreated()
        .whenAggregate(INV.toString())
        .publishes(new InvestmentExpired(INV, NOW))
        .expectActiveSagas(1)
        .expectNoScheduledDeadline(EXPIRES_AT, new PaymentDue(INV, 0))
        .expectScheduledDeadline(
            InvestmentPaymentSaga.LATE_PAYMENT_WINDOW, new InvestmentPaymentSaga.Close(INV))
        .expectNoDispatchedCommands();
  }

  @Test
  void endsOnceTheLatePaymentWindowHasPassed() {
    givenCreated()
        .andThenAggregate(INV.toString())
        .published(new InvestmentExpired(INV, NOW))
        .whenTimeElapses(InvestmentPaymentSaga.LATE_PAYMENT_WINDOW.plusSeconds(1))
        .expectActiveSagas(0)
        .expectNoDispatchedCommands();
  }

  // ---- the payment deadline ------------------------------------------------------------------

  @Test
  void waitsUntilTheDeadline() {
    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT.minusSeconds(1))
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(EXPIRES_AT, new PaymentDue(INV, 0));

    assertThat(stripe.cancellations()).isEmpty();
  }

  @Test
  void cancelsThePaymentIntentAtTheDeadlineAndExpiresTheInvestment() {
    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT)
        .expectTriggeredDeadlinesWithName(DEADLINE)
        .expectDispatchedCommands(new ExpireInvestment(INV))
        .expectNoScheduledDeadlines();

    assertThat(stripe.cancellations()).containsExactly(new Cancellation(PI, CANCEL_KEY));
  }

  @Test
  void waitsForTheWebhookWhenStripeSaysThePaymentSucceededMeanwhile() {
    stripe.thenAnswer("succeeded");

    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT)
        .expectTriggeredDeadlinesWithName(DEADLINE)
        .expectNoDispatchedCommands()
        .expectNoScheduledDeadlines();

    assertThat(stripe.cancellations()).hasSize(1);
  }

  @Test
  void triesTheCancellationAgainLaterWhenStripeIsUnavailable() {
    stripe.thenFail(Kind.UNAVAILABLE, 1);

    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT)
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(EXPIRES_AT.plus(RETRY_WAITS.get(0)), new PaymentDue(INV, 1))
        .expectScheduledDeadlineWithName(EXPIRES_AT.plus(RETRY_WAITS.get(0)), DEADLINE);
  }

  @Test
  void expiresWhenACancellationTriedAgainSucceedsUnderTheSameKey() {
    stripe.thenFail(Kind.UNAVAILABLE, 2);

    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT.plus(RETRY_WAITS.get(0)).plus(RETRY_WAITS.get(1)))
        .expectDispatchedCommands(new ExpireInvestment(INV))
        .expectNoScheduledDeadlines();

    assertThat(stripe.cancellations())
        .containsExactlyElementsOf(Collections.nCopies(3, new Cancellation(PI, CANCEL_KEY)));
  }

  @Test
  void waitsLongerAfterEachFailureUpToAnHour() {
    stripe.thenFail(Kind.UNAVAILABLE, CANCEL_ATTEMPTS_MAX);
    Duration untilTheLastAttempt =
        RETRY_WAITS.subList(0, CANCEL_ATTEMPTS_MAX - 2).stream()
            .reduce(PAYMENT_TIMEOUT, Duration::plus);

    givenCreated()
        .whenTimeElapses(untilTheLastAttempt)
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(
            NOW.plus(untilTheLastAttempt).plus(Duration.ofHours(1)),
            new PaymentDue(INV, CANCEL_ATTEMPTS_MAX - 1));

    assertThat(stripe.cancellations()).hasSize(CANCEL_ATTEMPTS_MAX - 1);
  }

  @Test
  void expiresAnywayAfterTheLastAttemptFails() {
    stripe.thenFail(Kind.UNAVAILABLE, CANCEL_ATTEMPTS_MAX);

    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT.plus(Duration.ofDays(1)))
        .expectDispatchedCommands(new ExpireInvestment(INV))
        .expectNoScheduledDeadlines();

    assertThat(stripe.cancellations()).hasSize(CANCEL_ATTEMPTS_MAX);
  }

  @Test
  void expiresAtOnceWhenStripeRefusesTheCancellation() {
    stripe.thenFail(Kind.REJECTED, 1);

    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT)
        .expectDispatchedCommands(new ExpireInvestment(INV))
        .expectNoScheduledDeadlines();

    assertThat(stripe.cancellations()).hasSize(1);
  }

  @Test
  void neverReachesStripeOnceThePaymentArrived() {
    givenCreated()
        .andThenAggregate(StripePayment.aggregateId(PI))
        .published(new PaymentSucceeded(PI, ORDER, 5000, "usd", "evt_1", NOW))
        .whenTimeElapses(PAYMENT_TIMEOUT.multipliedBy(2))
        .expectNoDispatchedCommands()
        .expectNoScheduledDeadlines();

    assertThat(stripe.cancellations()).isEmpty();
  }

  @Test
  void stillCancelsAtTheDeadlineAfterAFailedAttempt() {
    givenCreated()
        .andThenAggregate(StripePayment.aggregateId(PI))
        .published(new PaymentFailed(PI, ORDER, "card_declined", "evt_1"))
        .whenTimeElapses(PAYMENT_TIMEOUT)
        .expectDispatchedCommands(new ExpireInvestment(INV));

    assertThat(stripe.cancellations()).containsExactly(new Cancellation(PI, CANCEL_KEY));
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The investment was created now and waits for its payment. */
  private ContinuedGivenState givenCreated() {
    return fixture.givenCurrentTime(NOW).andThenAggregate(INV.toString()).published(created());
  }

  private static InvestmentCreated created() {
    return new InvestmentCreated(INV, REF, "alice", 5000, "USD", 100, PI, NOW, EXPIRES_AT);
  }

  /** A command sent with exactly this metadata. */
  private static Matcher<CommandMessage<?>> sentWith(MetaData metaData) {
    return new FeatureMatcher<>(equalTo(metaData), "a command with metadata", "metadata") {
      @Override
      protected MetaData featureValueOf(CommandMessage<?> command) {
        return command.getMetaData();
      }
    };
  }
}
