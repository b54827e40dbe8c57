package dev.ledger.core.checkout;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.checkout.CheckoutCommands.CancelOrder;
import dev.ledger.core.checkout.CheckoutCommands.MarkOrderPaid;
import dev.ledger.core.checkout.CheckoutCommands.PayWith;
import dev.ledger.core.checkout.CheckoutCommands.RefundOrder;
import dev.ledger.core.checkout.CheckoutEvents.OrderCanceled;
import dev.ledger.core.checkout.CheckoutEvents.OrderPlaced;
import dev.ledger.core.checkout.CheckoutEvents.OrderRefunded;
import dev.ledger.core.payment.IdempotencyKeys;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
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
 * Drives a card order from its reservation to {@code PAID} (stock committed) or {@code CANCELED}
 * (stock released) on a failed or canceled payment, a client's cancellation or the payment
 * deadline, and to {@code REFUNDED}. It reacts to the facts the webhook adapter recorded once per
 * Stripe money object, and its commands are idempotent. When an order ends unpaid, its
 * PaymentIntent is canceled at Stripe (same idempotency key on every try) so no late payment can
 * succeed; one that still slips through is recorded on the order for a refund.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class CardCheckoutSaga {
  public static final String DEADLINE = "order-payment-due";
  public static final String CLOSE = "order-saga-close";
  static final String PAYMENT_INTENT = "paymentIntentId";
  static final String ACTOR = "engine:card-checkout-saga";

  /** How long after a cancellation the saga still waits for a payment that raced with it. */
  public static final Duration LATE_PAYMENT_WINDOW = Duration.ofDays(7);

  private OrderId orderId;
  private String paymentIntentId;
  private String deadlineId;
  private boolean paid;
  private boolean canceled;

  @StartSaga
  @SagaEventHandler(associationProperty = "orderId")
  public void on(OrderPlaced event, DeadlineManager deadlineManager) {
    if (event.payWith() != PayWith.CARD) {
      SagaLifecycle.end(); // a points order is complete already
      return;
    }
    orderId = event.orderId();
    deadlineId = deadlineManager.schedule(event.expiresAt(), DEADLINE, new PaymentDue(orderId, 0));
  }

  @SagaEventHandler(associationProperty = "orderId")
  public void on(
      CheckoutEvents.PaymentIntentAttached event,
      PaymentGateway gateway,
      DeadlineManager deadlineManager) {
    paymentIntentId = event.paymentIntentId();
    SagaLifecycle.associateWith(PAYMENT_INTENT, paymentIntentId);
    if (canceled) {
      cancelAtStripe(gateway, deadlineManager, 0); // attached too late: it must not take money
    }
  }

  /** Only a paid order keeps its saga (for refunds); see {@link #onClose}. */
  @SagaEventHandler(associationProperty = "orderId")
  public void on(CheckoutEvents.OrderPaid event) {
    paid = true;
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentSucceeded event, CommandGateway commands, DeadlineManager deadlineManager) {
    cancelDeadline(deadlineManager);
    send(
        commands,
        new MarkOrderPaid(
            orderId, event.paymentIntentId(), event.amountReceived(), event.currency()));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentFailed event, CommandGateway commands) {
    send(commands, new CancelOrder(orderId, "payment failed: " + event.reason(), false));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentCanceled event, CommandGateway commands) {
    send(commands, new CancelOrder(orderId, "payment canceled", false));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentRefunded event, CommandGateway commands) {
    send(commands, new RefundOrder(orderId, event.refundedTotal()));
  }

  /** However the order ended unpaid, its PaymentIntent must not take money any more. */
  @SagaEventHandler(associationProperty = "orderId")
  public void on(OrderCanceled event, PaymentGateway gateway, DeadlineManager deadlineManager) {
    canceled = true;
    cancelDeadline(deadlineManager);
    cancelAtStripe(gateway, deadlineManager, 0);
    deadlineManager.schedule(LATE_PAYMENT_WINDOW, CLOSE, new Close(orderId));
  }

  @DeadlineHandler(deadlineName = DEADLINE)
  public void onPaymentDue(
      PaymentDue due,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlineManager) {
    if (due.attempt() == 0 && !paid) {
      // the deadline passed unpaid: cancel the order (its OrderCanceled cancels the PaymentIntent)
      send(commands, new CancelOrder(orderId, "payment deadline passed", false));
      return;
    }
    cancelAtStripe(gateway, deadlineManager, due.attempt());
  }

  @DeadlineHandler(deadlineName = CLOSE)
  public void onClose(Close close) {
    if (!paid) {
      SagaLifecycle.end();
    }
  }

  @EndSaga
  @SagaEventHandler(associationProperty = "orderId")
  public void on(OrderRefunded event) {
    // nothing follows a refund
  }

  private void cancelAtStripe(
      PaymentGateway gateway, DeadlineManager deadlineManager, int attempt) {
    if (paymentIntentId == null) {
      return; // no PaymentIntent was ever created for it
    }
    String key =
        IdempotencyKeys.of(
            orderId.tenant().value(), "order", orderId.referenceId(), "cancel-payment-intent");
    if (PaymentIntentCancellation.cancel(gateway, paymentIntentId, key, attempt)
        == PaymentIntentCancellation.Outcome.RETRY_LATER) {
      deadlineId =
          deadlineManager.schedule(
              PaymentIntentCancellation.retryDelay(attempt),
              DEADLINE,
              new PaymentDue(orderId, attempt + 1));
    }
  }

  /**
   * The payment deadline's payload.
   *
   * @param attempt 0 for the deadline itself, then the number of failed tries to cancel at Stripe
   */
  public record PaymentDue(OrderId orderId, int attempt) {}

  /** The payload of the deadline that ends the saga of an order that ended unpaid. */
  public record Close(OrderId orderId) {}

  private void cancelDeadline(DeadlineManager deadlineManager) {
    if (deadlineId != null) {
      deadlineManager.cancelSchedule(DEADLINE, deadlineId);
      deadlineId = null;
    }
  }

  private void send(CommandGateway commands, Object command) {
    EngineCommands.send(commands, command, orderId.tenant(), ACTOR);
  }
}
