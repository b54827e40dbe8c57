package dev.ledger.core.coins;

import static dev.ledger.core.coins.CoinPurchaseSaga.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.axonframework.test.matchers.Matchers.andNoMore;
import static org.axonframework.test.matchers.Matchers.exactSequenceOf;
import static org.hamcrest.Matchers.equalTo;

import dev.ledger.core.coins.CoinPurchaseCommands.ChargeBackCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ConfirmCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ExpireCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.FailCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.RefundCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseChargedBack;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreated;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseExpired;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseRefunded;
import dev.ledger.core.coins.CoinPurchaseSaga.PaymentDue;
import dev.ledger.core.payment.FakePaymentGateway;
import dev.ledger.core.payment.FakePaymentGateway.Cancellation;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
import dev.ledger.core.payment.PaymentEvents.PaymentDisputed;
import dev.ledger.core.payment.PaymentEvents.PaymentFailed;
import dev.ledger.core.payment.PaymentEvents.PaymentRefunded;
import dev.ledger.core.payment.PaymentEvents.PaymentSucceeded;
import dev.ledger.core.payment.PaymentGatewayException.Kind;
import dev.ledger.core.payment.PaymentIntentCancellation;
import dev.ledger.core.payment.PaymentOrder;
import dev.ledger.core.payment.StripePayment;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
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
 * The purchase saga turns the facts recorded on a coin purchase's Stripe PaymentIntent into
 * commands on the purchase: success confirms it (and the payment deadline is dropped), a failed
 * attempt fails it (the deadline stays), cancellation expires it, a refund refunds it by Stripe's
 * running total, a dispute charges it back. At the deadline it cancels the PaymentIntent at Stripe
 * under one idempotency key and expires the purchase, unless Stripe says the money arrived; while
 * Stripe is unreachable it retries, a bounded number of times. It stays for a late payment a week
 * after an expiry, and ends with a full refund or a chargeback.
 */
class CoinPurchaseSagaTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration PAYMENT_TIMEOUT = Duration.ofHours(24);
  private static final Instant EXPIRES_AT = NOW.plus(PAYMENT_TIMEOUT);
  private static final CoinPurchaseId PURCHASE = CoinPurchaseId.of("acme", "cp-1");
  private static final String REF = PURCHASE.referenceId();
  private static final String PI = "pi_1";
  private static final PaymentOrder ORDER = new PaymentOrder("acme", "coin_purchase", REF);
  private static final String CANCEL_KEY =
      "ledger:acme:coin-purchase:" + REF + ":cancel-payment-intent";

  private final SagaTestFixture<CoinPurchaseSaga> fixture =
      new SagaTestFixture<>(CoinPurchaseSaga.class);
  private final FakePaymentGateway stripe = new FakePaymentGateway();

  @BeforeEach
  void registerThePaymentGateway() {
    fixture.registerResource(stripe);
  }

  @Test
  void startsOnCreationWithADeadlineAtTheExpiryAndFollowsThePaymentIntent() {
    fixture
        .givenCurrentTime(NOW)
        .whenAggregate(PURCHASE.toString())
        .publishes(created())
        .expectActiveSagas(1)
        .expectAssociationWith("purchaseId", PURCHASE)
        .expectAssociationWith("paymentIntentId", PI)
        .expectScheduledDeadlineWithName(EXPIRES_AT, DEADLINE)
        .expectScheduledDeadline(EXPIRES_AT, new PaymentDue(PURCHASE, 0))
        .expectNoDispatchedCommands();
  }

  // ---- Stripe's facts ------------------------------------------------------------------------

  @Test
  void confirmsThePurchaseOnThePaymentAndDropsTheDeadline() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(succeeded())
        .expectDispatchedCommands(new ConfirmCoinPurchase(PURCHASE, PI, 1000, "USD"))
        .expectNoScheduledDeadlines()
        .expectActiveSagas(1);
  }

  @Test
  void sendsItsCommandsWithTheTenantAndItselfAsActor() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(succeeded())
        .expectDispatchedCommandsMatching(
            exactSequenceOf(
                sentWith(
                    MetaData.from(Map.of("tenant", "acme", "keyId", "engine:coin-purchase-saga"))),
                andNoMore()));
  }

  @Test
  void ignoresThePaymentOfAnotherPaymentIntent() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId("pi_2"))
        .publishes(new PaymentSucceeded("pi_2", ORDER, 1000, "USD", "evt_1", NOW))
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(EXPIRES_AT, new PaymentDue(PURCHASE, 0));
  }

  @Test
  void failsThePurchaseOnAFailedAttemptAndKeepsTheDeadline() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentFailed(PI, ORDER, "card_declined", "evt_1"))
        .expectDispatchedCommands(new FailCoinPurchase(PURCHASE, "card_declined"))
        .expectScheduledDeadline(EXPIRES_AT, new PaymentDue(PURCHASE, 0));
  }

  @Test
  void expiresThePurchaseWhenThePaymentIntentIsCanceled() {
    givenCreated()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentCanceled(PI, ORDER, "evt_1"))
        .expectDispatchedCommands(new ExpireCoinPurchase(PURCHASE))
        .expectNoScheduledDeadlines();
  }

  @Test
  void refundsThePurchaseByTheTotalRefunded() {
    givenPaid()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(new PaymentRefunded(PI, ORDER, "ch_1", 600, 200, "USD", "evt_2"))
        .expectDispatchedCommands(new RefundCoinPurchase(PURCHASE, 600));
  }

  @Test
  void chargesThePurchaseBackOnADispute() {
    givenPaid()
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(disputed())
        .expectDispatchedCommands(new ChargeBackCoinPurchase(PURCHASE, "dp_1", 1000));
  }

  @Test
  void sendsARefundAndADisputeThatOvertookThePaymentAgainOnceItArrives() {
    givenCreated()
        .andThenAggregate(StripePayment.aggregateId(PI))
        .published(new PaymentRefunded(PI, ORDER, "ch_1", 400, 400, "USD", "evt_2"), disputed())
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(succeeded())
        .expectDispatchedCommands(
            new ConfirmCoinPurchase(PURCHASE, PI, 1000, "USD"),
            new RefundCoinPurchase(PURCHASE, 400),
            new ChargeBackCoinPurchase(PURCHASE, "dp_1", 1000));
  }

  @Test
  void staysAfterAPartialRefundForTheRest() {
    givenPaid()
        .whenAggregate(PURCHASE.toString())
        .publishes(refunded(false))
        .expectActiveSagas(1)
        .expectNoDispatchedCommands();
  }

  @Test
  void aDisputeAfterAPartialRefundStillReachesThePurchase() {
    givenPaid()
        .andThenAggregate(PURCHASE.toString())
        .published(refunded(false))
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(disputed())
        .expectDispatchedCommands(new ChargeBackCoinPurchase(PURCHASE, "dp_1", 1000));
  }

  @Test
  void endsWhenThePurchaseIsRefundedInFull() {
    givenPaid()
        .whenAggregate(PURCHASE.toString())
        .publishes(refunded(true))
        .expectActiveSagas(0)
        .expectNoAssociationWith("paymentIntentId", PI);
  }

  @Test
  void endsWhenThePurchaseIsChargedBack() {
    givenPaid()
        .whenAggregate(PURCHASE.toString())
        .publishes(
            new CoinPurchaseChargedBack(PURCHASE, "dp_1", 1000, 300, 300, 0, "engine:x", null, NOW))
        .expectActiveSagas(0);
  }

  @Test
  void staysAfterTheExpirySoThatALatePaymentStillConfirms() {
    givenCreated()
        .andThenAggregate(PURCHASE.toString())
        .published(new CoinPurchaseExpired(PURCHASE, NOW))
        .whenAggregate(StripePayment.aggregateId(PI))
        .publishes(succeeded())
        .expectActiveSagas(1)
        .expectDispatchedCommands(new ConfirmCoinPurchase(PURCHASE, PI, 1000, "USD"))
        .expectNoScheduledDeadlines();
  }

  @Test
  void replacesThePaymentDeadlineWithALatePaymentWindowWhenThePurchaseExpires() {
    givenCreated()
        .whenAggregate(PURCHASE.toString())
        .publishes(new CoinPurchaseExpired(PURCHASE, NOW))
        .expectActiveSagas(1)
        .expectNoScheduledDeadline(EXPIRES_AT, new PaymentDue(PURCHASE, 0))
        .expectScheduledDeadline(
            CoinPurchaseSaga.LATE_PAYMENT_WINDOW, new CoinPurchaseSaga.Close(PURCHASE));
  }

  @Test
  void endsOnceTheLatePaymentWindowHasPassed() {
    givenCreated()
        .andThenAggregate(PURCHASE.toString())
        .published(new CoinPurchaseExpired(PURCHASE, NOW))
        .whenTimeElapses(CoinPurchaseSaga.LATE_PAYMENT_WINDOW.plusSeconds(1))
        .expectActiveSagas(0)
        .expectNoDispatchedCommands();
  }

  // ---- the payment deadline ------------------------------------------------------------------

  @Test
  void waitsUntilTheDeadline() {
    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT.minusSeconds(1))
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(EXPIRES_AT, new PaymentDue(PURCHASE, 0));

    assertThat(stripe.cancellations()).isEmpty();
  }

  @Test
  void cancelsThePaymentIntentAtTheDeadlineAndExpiresThePurchase() {
    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT)
        .expectTriggeredDeadlinesWithName(DEADLINE)
        .expectDispatchedCommands(new ExpireCoinPurchase(PURCHASE))
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
  }

  @Test
  void triesTheCancellationAgainUnderTheSameKeyWhileStripeIsUnavailable() {
    stripe.thenFail(Kind.UNAVAILABLE, 2);

    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT)
        .expectNoDispatchedCommands()
        .expectScheduledDeadline(EXPIRES_AT.plusSeconds(30), new PaymentDue(PURCHASE, 1));

    fixture
        .whenTimeElapses(Duration.ofSeconds(30 + 60))
        .expectDispatchedCommands(new ExpireCoinPurchase(PURCHASE))
        .expectNoScheduledDeadlines();
    assertThat(stripe.cancellations())
        .containsExactlyElementsOf(Collections.nCopies(3, new Cancellation(PI, CANCEL_KEY)));
  }

  @Test
  void expiresAnywayAfterTheLastAttemptFails() {
    stripe.thenFail(Kind.UNAVAILABLE, PaymentIntentCancellation.ATTEMPTS_MAX);

    givenCreated()
        .whenTimeElapses(PAYMENT_TIMEOUT.plus(Duration.ofDays(1)))
        .expectDispatchedCommands(new ExpireCoinPurchase(PURCHASE))
        .expectNoScheduledDeadlines();

    assertThat(stripe.cancellations()).hasSize(PaymentIntentCancellation.ATTEMPTS_MAX);
  }

  @Test
  void neverReachesStripeOnceThePaymentArrived() {
    givenPaid()
        .whenTimeElapses(PAYMENT_TIMEOUT.multipliedBy(2))
        .expectNoDispatchedCommands()
        .expectNoScheduledDeadlines();

    assertThat(stripe.cancellations()).isEmpty();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ContinuedGivenState givenCreated() {
    return fixture.givenCurrentTime(NOW).andThenAggregate(PURCHASE.toString()).published(created());
  }

  private ContinuedGivenState givenPaid() {
    return givenCreated().andThenAggregate(StripePayment.aggregateId(PI)).published(succeeded());
  }

  private static CoinPurchaseCreated created() {
    return new CoinPurchaseCreated(PURCHASE, REF, "alice", 300, 1000, "USD", PI, NOW, EXPIRES_AT);
  }

  private static PaymentSucceeded succeeded() {
    return new PaymentSucceeded(PI, ORDER, 1000, "USD", "evt_1", NOW);
  }

  private static PaymentDisputed disputed() {
    return new PaymentDisputed(PI, ORDER, "ch_1", "dp_1", 1000, "USD", "fraudulent", "evt_3");
  }

  private static CoinPurchaseRefunded refunded(boolean fully) {
    return new CoinPurchaseRefunded(
        PURCHASE, fully ? 1000 : 500, fully, 150, 150, 0, "engine:x", null, NOW);
  }

  private static Matcher<CommandMessage<?>> sentWith(MetaData metaData) {
    return new FeatureMatcher<>(equalTo(metaData), "a command with metadata", "metadata") {
      @Override
      protected MetaData featureValueOf(CommandMessage<?> command) {
        return command.getMetaData();
      }
    };
  }
}
