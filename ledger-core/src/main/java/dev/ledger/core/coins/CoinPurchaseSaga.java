package dev.ledger.core.coins;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.coins.CoinPurchaseCommands.ChargeBackCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ConfirmCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ExpireCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.FailCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.RefundCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseChargedBack;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreated;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseExpired;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseRefunded;
import dev.ledger.core.payment.IdempotencyKeys;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
import dev.ledger.core.payment.PaymentEvents.PaymentDisputed;
import dev.ledger.core.payment.PaymentEvents.PaymentFailed;
import dev.ledger.core.payment.PaymentEvents.PaymentRefunded;
import dev.ledger.core.payment.PaymentEvents.PaymentSucceeded;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentIntentCancellation;
import dev.ledger.core.shared.EngineCommands;
import java.time.Duration;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;

/**
 * Drives a coin purchase from its creation to its payment (coins credited), or to its expiry, and
 * on to a refund or a chargeback (coins taken back). It reacts to the facts the webhook adapter
 * recorded once each on the Stripe money object ({@code PaymentSucceeded}, {@code PaymentRefunded},
 * {@code PaymentDisputed}, ...); the commands it sends are idempotent too, so a redelivered event
 * changes nothing. The payment deadline is persisted (db-scheduler) and survives restarts.
 * Resources arrive as handler parameters: a saga holds only its own serializable state.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class CoinPurchaseSaga {
  public static final String DEADLINE = "coin-purchase-payment-due";
  public static final String CLOSE = "coin-purchase-saga-close";
  static final String PAYMENT_INTENT = "paymentIntentId";
  static final String ACTOR = "engine:coin-purchase-saga";

  /** How long after its expiry a purchase still waits for a payment that raced with it. */
  public static final Duration LATE_PAYMENT_WINDOW = Duration.ofDays(7);

  private CoinPurchaseId purchaseId;
  private String paymentIntentId;
  private String deadlineId;

  /**
   * What Stripe reported of refunds and disputes, kept because webhooks arrive in any order: a
   * refund or dispute reported before the payment reaches a purchase with no coins to take back
   * yet, and is sent again once the payment has confirmed it.
   */
  private long refundedTotal;

  private String disputeId;
  private long disputedAmount;

  @StartSaga
  @SagaEventHandler(associationProperty = "purchaseId")
  public void on(CoinPurchaseCreated event, DeadlineManager deadlineManager) {
    purchaseId = event.purchaseId();
    paymentIntentId = event.paymentIntentId();
    SagaLifecycle.associateWith(PAYMENT_INTENT, paymentIntentId);
    deadlineId =
        deadlineManager.schedule(event.expiresAt(), DEADLINE, new PaymentDue(purchaseId, 0));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentSucceeded event, CommandGateway commands, DeadlineManager deadlineManager) {
    cancelDeadline(deadlineManager);
    // a late payment after an expiry: the saga must stay for the refunds that may follow
    deadlineManager.cancelAllWithinScope(CLOSE);
    send(
        commands,
        new ConfirmCoinPurchase(
            purchaseId, event.paymentIntentId(), event.amountReceived(), event.currency()));
    // news that overtook the payment: each command takes effect once, so sending it again is safe
    if (refundedTotal > 0) {
      send(commands, new RefundCoinPurchase(purchaseId, refundedTotal));
    }
    if (disputeId != null) {
      send(commands, new ChargeBackCoinPurchase(purchaseId, disputeId, disputedAmount));
    }
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentFailed event, CommandGateway commands) {
    // The customer may still pay with the same PaymentIntent: the deadline stays.
    send(commands, new FailCoinPurchase(purchaseId, event.reason()));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentCanceled event, CommandGateway commands, DeadlineManager deadlineManager) {
    cancelDeadline(deadlineManager);
    send(commands, new ExpireCoinPurchase(purchaseId));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentRefunded event, CommandGateway commands) {
    refundedTotal = Math.max(refundedTotal, event.refundedTotal());
    send(commands, new RefundCoinPurchase(purchaseId, event.refundedTotal()));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentDisputed event, CommandGateway commands) {
    if (disputeId == null) {
      disputeId = event.disputeId();
      disputedAmount = event.amount();
    }
    send(commands, new ChargeBackCoinPurchase(purchaseId, event.disputeId(), event.amount()));
  }

  /**
   * No payment by the deadline: cancel the PaymentIntent at Stripe (same idempotency key on every
   * try), then expire. If Stripe says it succeeded meanwhile, wait for its webhook instead. If
   * Stripe cannot be reached, try again later, a bounded number of times.
   */
  @DeadlineHandler(deadlineName = DEADLINE)
  public void onPaymentDue(
      PaymentDue due,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlineManager) {
    String key =
        IdempotencyKeys.of(
            purchaseId.tenant().value(),
            "coin-purchase",
            purchaseId.referenceId(),
            "cancel-payment-intent");
    switch (PaymentIntentCancellation.cancel(gateway, paymentIntentId, key, due.attempt())) {
      case SUCCEEDED -> {
        // the money arrived: payment_intent.succeeded will confirm
      }
      case RETRY_LATER ->
          deadlineId =
              deadlineManager.schedule(
                  PaymentIntentCancellation.retryDelay(due.attempt()),
                  DEADLINE,
                  new PaymentDue(purchaseId, due.attempt() + 1));
      case CANCELED -> send(commands, new ExpireCoinPurchase(purchaseId));
    }
  }

  /**
   * Kept alive for a while after the expiry: a payment that raced with the cancellation can still
   * succeed (the purchase accepts it), and this saga must be there to confirm it. After {@link
   * #LATE_PAYMENT_WINDOW} it ends.
   */
  @SagaEventHandler(associationProperty = "purchaseId")
  public void on(CoinPurchaseExpired event, DeadlineManager deadlineManager) {
    cancelDeadline(deadlineManager);
    deadlineManager.schedule(LATE_PAYMENT_WINDOW, CLOSE, new Close(purchaseId));
  }

  @DeadlineHandler(deadlineName = CLOSE)
  public void onClose(Close close) {
    SagaLifecycle.end();
  }

  /** A refund in full takes back every coin: nothing follows it. A partial one keeps the saga. */
  @SagaEventHandler(associationProperty = "purchaseId")
  public void on(CoinPurchaseRefunded event) {
    if (event.fullyRefunded()) {
      SagaLifecycle.end();
    }
  }

  @EndSaga
  @SagaEventHandler(associationProperty = "purchaseId")
  public void on(CoinPurchaseChargedBack event) {
    // every coin is back: nothing follows a chargeback
  }

  /** The payload of the closing deadline. */
  public record Close(CoinPurchaseId purchaseId) {}

  /**
   * The payment deadline's payload.
   *
   * @param attempt how many times canceling the PaymentIntent has failed so far
   */
  public record PaymentDue(CoinPurchaseId purchaseId, int attempt) {}

  private void cancelDeadline(DeadlineManager deadlineManager) {
    if (deadlineId != null) {
      deadlineManager.cancelSchedule(DEADLINE, deadlineId);
      deadlineId = null;
    }
  }

  private void send(CommandGateway commands, Object command) {
    EngineCommands.send(commands, command, purchaseId.tenant(), ACTOR);
  }
}
