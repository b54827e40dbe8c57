package dev.ledger.core.investment;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.investment.InvestmentCommands.ActivateInvestment;
import dev.ledger.core.investment.InvestmentCommands.ExpireInvestment;
import dev.ledger.core.investment.InvestmentCommands.FailInvestment;
import dev.ledger.core.investment.InvestmentCommands.RefundInvestment;
import dev.ledger.core.investment.InvestmentEvents.InvestmentCreated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentExpired;
import dev.ledger.core.investment.InvestmentEvents.InvestmentRefunded;
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
 * Drives an investment from its creation to its payment, or to its expiry. It reacts to facts the
 * webhook adapter recorded on the Stripe money object ({@code PaymentSucceeded}, ...), which are
 * recorded once each; the commands it sends are idempotent too, so a redelivered event changes
 * nothing. The payment deadline is persisted (db-scheduler) and survives restarts. Resources arrive
 * as handler parameters: a saga holds only its own serializable state.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class InvestmentPaymentSaga {
  public static final String DEADLINE = "investment-payment-due";
  static final String PAYMENT_INTENT = "paymentIntentId";
  static final String ACTOR = "engine:investment-payment-saga";

  /** How often a failed cancellation at the deadline is tried again before expiring anyway. */
  static final int CANCEL_ATTEMPTS_MAX = PaymentIntentCancellation.ATTEMPTS_MAX;

  private InvestmentId investmentId;
  private String paymentIntentId;
  private String deadlineId;

  @StartSaga
  @SagaEventHandler(associationProperty = "investmentId")
  public void on(InvestmentCreated event, DeadlineManager deadlineManager) {
    investmentId = event.investmentId();
    paymentIntentId = event.paymentIntentId();
    SagaLifecycle.associateWith(PAYMENT_INTENT, paymentIntentId);
    deadlineId =
        deadlineManager.schedule(event.expiresAt(), DEADLINE, new PaymentDue(investmentId, 0));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentSucceeded event, CommandGateway commands, DeadlineManager deadlineManager) {
    cancelDeadline(deadlineManager);
    // a late payment after an expiry: the saga must stay for the refunds that may follow
    deadlineManager.cancelAllWithinScope(CLOSE);
    send(
        commands,
        new ActivateInvestment(
            investmentId, event.paymentIntentId(), event.amountReceived(), event.currency()));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentFailed event, CommandGateway commands) {
    // The customer may still pay with the same PaymentIntent: the deadline stays.
    send(commands, new FailInvestment(investmentId, event.reason()));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentCanceled event, CommandGateway commands, DeadlineManager deadlineManager) {
    cancelDeadline(deadlineManager);
    send(commands, new ExpireInvestment(investmentId));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentRefunded event, CommandGateway commands) {
    send(commands, new RefundInvestment(investmentId, event.refundedTotal()));
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
            investmentId.tenant().value(),
            "investment",
            investmentId.referenceId(),
            "cancel-payment-intent");
    switch (PaymentIntentCancellation.cancel(gateway, paymentIntentId, key, due.attempt())) {
      case SUCCEEDED -> {
        // the money arrived: payment_intent.succeeded will activate
      }
      case RETRY_LATER ->
          deadlineId =
              deadlineManager.schedule(
                  PaymentIntentCancellation.retryDelay(due.attempt()),
                  DEADLINE,
                  new PaymentDue(investmentId, due.attempt() + 1));
      case CANCELED -> send(commands, new ExpireInvestment(investmentId));
    }
  }

  @EndSaga
  @SagaEventHandler(associationProperty = "investmentId")
  public void on(InvestmentRefunded event) {
    // the last transition there is
  }

  /**
   * Kept alive for a while after the expiry: a payment that raced with the cancellation can still
   * succeed (the investment accepts it), and this saga must be there to activate it. After {@link
   * #LATE_PAYMENT_WINDOW} it ends, so expired investments do not keep sagas forever.
   */
  @SagaEventHandler(associationProperty = "investmentId")
  public void on(InvestmentExpired event, DeadlineManager deadlineManager) {
    cancelDeadline(deadlineManager);
    deadlineManager.schedule(LATE_PAYMENT_WINDOW, CLOSE, new Close(investmentId));
  }

  @DeadlineHandler(deadlineName = CLOSE)
  public void onClose(Close close) {
    SagaLifecycle.end();
  }

  /** How long after its expiry an investment still waits for a late payment. */
  public static final Duration LATE_PAYMENT_WINDOW = Duration.ofDays(7);

  public static final String CLOSE = "investment-saga-close";

  /** The payload of the closing deadline. */
  public record Close(InvestmentId investmentId) {}

  /**
   * The deadline's payload.
   *
   * @param attempt how many times canceling the PaymentIntent has failed so far
   */
  public record PaymentDue(InvestmentId investmentId, int attempt) {}

  private void cancelDeadline(DeadlineManager deadlineManager) {
    if (deadlineId != null) {
      deadlineManager.cancelSchedule(DEADLINE, deadlineId);
      deadlineId = null;
    }
  }

  private void send(CommandGateway commands, Object command) {
    EngineCommands.send(commands, command, investmentId.tenant(), ACTOR);
  }
}
