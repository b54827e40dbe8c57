package dev.ledger.core.escrow;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
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
import dev.ledger.core.payment.IdempotencyKeys;
import dev.ledger.core.payment.PaymentEvents.PaymentAuthorized;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
import dev.ledger.core.payment.PaymentEvents.PaymentRefunded;
import dev.ledger.core.payment.PaymentEvents.PaymentSucceeded;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentGateway.NewTransfer;
import dev.ledger.core.payment.PaymentGatewayException;
import dev.ledger.core.payment.PaymentIntentCancellation;
import dev.ledger.core.shared.EngineCommands;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;

/**
 * Drives an escrow through Stripe: records the hold when the authorisation arrives, captures when
 * the escrow asks for it, transfers the payee's share to their connected account, and cancels the
 * authorisation on a release. Every call carries an idempotency key derived from the escrow and the
 * step ({@code capture}, {@code transfer}, {@code release}; an operator's retry adds its number),
 * the same on every automatic retry, so a step repeated after a failure, a crash or a redelivery
 * has the effect of one. Failed steps are retried from persisted deadlines with exponential backoff
 * ({@link EscrowPolicy}), then handed to manual review with the last error.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class EscrowSaga {
  public static final String STEP_RETRY = "escrow-step-retry";
  public static final String RELEASE_RETRY = "escrow-release-retry";
  static final String PAYMENT_INTENT = "paymentIntentId";
  static final String ACTOR = "engine:escrow-saga";

  private EscrowId escrowId;
  private String paymentIntentId;
  private String payeeAccount;
  private String currency;
  private long platformFee;
  private long captured;
  private long refunded;
  private String chargeId;
  private int retry;

  @StartSaga
  @SagaEventHandler(associationProperty = "escrowId")
  public void on(EscrowCreated event) {
    escrowId = event.escrowId();
    paymentIntentId = event.paymentIntentId();
    payeeAccount = event.payeeAccount();
    currency = event.currency();
    platformFee = event.platformFee();
    SagaLifecycle.associateWith(PAYMENT_INTENT, paymentIntentId);
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(
      PaymentAuthorized event,
      @Timestamp Instant at,
      CommandGateway commands,
      EscrowPolicy policy) {
    Instant deadline =
        event.captureBefore() != null ? event.captureBefore() : at.plus(policy.holdFallback());
    send(commands, new HoldEscrow(escrowId, event.amount(), deadline));
  }

  /** With manual capture, {@code succeeded} means captured: by us, or from Stripe's dashboard. */
  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentSucceeded event, CommandGateway commands) {
    send(commands, new RecordEscrowCaptured(escrowId, event.amountReceived(), chargeId));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentCanceled event, CommandGateway commands) {
    send(commands, new RecordEscrowCanceled(escrowId, "the PaymentIntent was canceled at Stripe"));
  }

  @SagaEventHandler(associationProperty = PAYMENT_INTENT)
  public void on(PaymentRefunded event, CommandGateway commands) {
    send(commands, new RecordEscrowRefund(escrowId, event.refundedTotal()));
  }

  @SagaEventHandler(associationProperty = "escrowId")
  public void on(
      EscrowCaptureRequested event,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlines,
      EscrowPolicy policy) {
    capture(1, gateway, commands, deadlines, policy);
  }

  @SagaEventHandler(associationProperty = "escrowId")
  public void on(
      EscrowCaptured event,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlines,
      EscrowPolicy policy) {
    deadlines.cancelAllWithinScope(STEP_RETRY);
    captured = event.amountCaptured();
    if (event.chargeId() != null) {
      chargeId = event.chargeId();
    }
    transfer(1, gateway, commands, deadlines, policy);
  }

  @SagaEventHandler(associationProperty = "escrowId")
  public void on(EscrowSentToManualReview event, DeadlineManager deadlines) {
    deadlines.cancelAllWithinScope(STEP_RETRY);
  }

  /**
   * An operator's retry. Before a new transfer key is used, Stripe is asked whether a transfer of
   * this escrow's group reached the payee after all (an earlier attempt whose answer was lost): if
   * so, that is the transfer, and no second one is made.
   */
  @SagaEventHandler(associationProperty = "escrowId")
  public void on(
      EscrowRetryRequested event,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlines,
      EscrowPolicy policy) {
    retry = event.retry();
    if (event.step() == EscrowStep.CAPTURE) {
      capture(1, gateway, commands, deadlines, policy);
      return;
    }
    try {
      var earlier =
          gateway.transfersInGroup(escrowId.referenceId()).stream()
              .filter(t -> payeeAccount.equals(t.destination()) && !t.reversed())
              .findFirst();
      if (earlier.isPresent()) {
        send(commands, new CompleteEscrow(escrowId, earlier.get().id()));
        return;
      }
    } catch (PaymentGatewayException e) {
      failTransfer(1, e.getMessage(), commands, deadlines, policy);
      return;
    }
    transfer(1, gateway, commands, deadlines, policy);
  }

  @DeadlineHandler(deadlineName = STEP_RETRY)
  public void onStepRetry(
      StepRetry due,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlines,
      EscrowPolicy policy) {
    if (due.step() == EscrowStep.CAPTURE) {
      capture(due.attempt(), gateway, commands, deadlines, policy);
    } else {
      transfer(due.attempt(), gateway, commands, deadlines, policy);
    }
  }

  @SagaEventHandler(associationProperty = "escrowId")
  public void on(
      EscrowReleaseRequested event,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlines) {
    release(new ReleaseDue(escrowId, event.reason(), 0), gateway, commands, deadlines);
  }

  @DeadlineHandler(deadlineName = RELEASE_RETRY)
  public void onReleaseRetry(
      ReleaseDue due, PaymentGateway gateway, CommandGateway commands, DeadlineManager deadlines) {
    release(due, gateway, commands, deadlines);
  }

  @SagaEventHandler(associationProperty = "escrowId")
  public void on(EscrowCompleted event, DeadlineManager deadlines) {
    // the saga stays: refunds of the payment may still arrive, and move the ledger
    deadlines.cancelAllWithinScope(STEP_RETRY);
  }

  @SagaEventHandler(associationProperty = "escrowId")
  public void on(EscrowRefunded event, DeadlineManager deadlines) {
    refunded = event.refundedTotal();
    if (event.fullyRefunded()) {
      deadlines.cancelAllWithinScope(STEP_RETRY);
      SagaLifecycle.end();
    }
  }

  @EndSaga
  @SagaEventHandler(associationProperty = "escrowId")
  public void on(EscrowCanceled event, DeadlineManager deadlines) {
    deadlines.cancelAllWithinScope(STEP_RETRY);
    deadlines.cancelAllWithinScope(RELEASE_RETRY);
  }

  /** A failed step to try again: its step and the number of the attempt to make (1-based). */
  public record StepRetry(EscrowId escrowId, EscrowStep step, int attempt) {}

  /** A release whose cancellation at Stripe failed {@code attempt} times so far. */
  public record ReleaseDue(EscrowId escrowId, String reason, int attempt) {}

  private void capture(
      int attempt,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlines,
      EscrowPolicy policy) {
    String error;
    boolean retryable;
    try {
      var intent = gateway.capturePaymentIntent(paymentIntentId, key("capture"));
      switch (intent.status()) {
        case "succeeded" -> {
          chargeId = intent.latestChargeId();
          send(
              commands,
              new RecordEscrowCaptured(escrowId, intent.amountReceived(), intent.latestChargeId()));
          return;
        }
        case "canceled" -> {
          send(
              commands,
              new RecordEscrowCanceled(
                  escrowId, "the authorisation was canceled or expired before the capture"));
          return;
        }
        default -> {
          error = "Stripe answered the capture with status " + intent.status();
          retryable = true;
        }
      }
    } catch (PaymentGatewayException e) {
      error = e.getMessage();
      retryable = e.kind() == PaymentGatewayException.Kind.UNAVAILABLE;
    }
    if (retryable && policy.mayRetry(attempt)) {
      deadlines.schedule(
          policy.backoff(attempt),
          STEP_RETRY,
          new StepRetry(escrowId, EscrowStep.CAPTURE, attempt + 1));
    } else {
      send(commands, new SendEscrowToManualReview(escrowId, EscrowStep.CAPTURE, attempt, error));
    }
  }

  private void transfer(
      int attempt,
      PaymentGateway gateway,
      CommandGateway commands,
      DeadlineManager deadlines,
      EscrowPolicy policy) {
    long remaining = Math.max(0, captured - refunded);
    long payee = remaining - Math.min(platformFee, remaining);
    if (payee <= 0) {
      send(commands, new CompleteEscrow(escrowId, null));
      return;
    }
    try {
      if (chargeId == null) {
        chargeId = gateway.retrievePaymentIntent(paymentIntentId).latestChargeId();
      }
      var transfer =
          gateway.createTransfer(
              new NewTransfer(
                  payee,
                  currency.toLowerCase(Locale.ROOT),
                  payeeAccount,
                  chargeId,
                  escrowId.referenceId(),
                  Map.of(
                      "order_type",
                      "escrow",
                      "reference_id",
                      escrowId.referenceId(),
                      "tenant",
                      escrowId.tenant().value(),
                      "escrow_id",
                      escrowId.id())),
              key("transfer"));
      send(commands, new CompleteEscrow(escrowId, transfer.id()));
    } catch (PaymentGatewayException e) {
      failTransfer(attempt, e.getMessage(), commands, deadlines, policy);
    }
  }

  private void failTransfer(
      int attempt,
      String error,
      CommandGateway commands,
      DeadlineManager deadlines,
      EscrowPolicy policy) {
    send(commands, new RecordEscrowTransferFailed(escrowId, attempt, error));
    if (policy.mayRetry(attempt)) {
      deadlines.schedule(
          policy.backoff(attempt),
          STEP_RETRY,
          new StepRetry(escrowId, EscrowStep.TRANSFER, attempt + 1));
    } else {
      send(commands, new SendEscrowToManualReview(escrowId, EscrowStep.TRANSFER, attempt, error));
    }
  }

  private void release(
      ReleaseDue due, PaymentGateway gateway, CommandGateway commands, DeadlineManager deadlines) {
    switch (PaymentIntentCancellation.cancel(
        gateway, paymentIntentId, key("release"), due.attempt())) {
      case CANCELED ->
          send(
              commands,
              new RecordEscrowCanceled(
                  escrowId, "expired".equals(due.reason()) ? "hold expired" : "released"));
      case SUCCEEDED -> {
        // captured meanwhile (the dashboard, or a race): payment_intent.succeeded records it
      }
      case RETRY_LATER ->
          deadlines.schedule(
              PaymentIntentCancellation.retryDelay(due.attempt()),
              RELEASE_RETRY,
              new ReleaseDue(escrowId, due.reason(), due.attempt() + 1));
    }
  }

  /** The step's idempotency key; an operator's n-th retry uses a new one ({@code step-retry-n}). */
  private String key(String step) {
    return IdempotencyKeys.of(
        escrowId.tenant().value(),
        "escrow",
        escrowId.referenceId(),
        retry == 0 ? step : step + "-retry-" + retry);
  }

  private void send(CommandGateway commands, Object command) {
    EngineCommands.send(commands, command, escrowId.tenant(), ACTOR);
  }
}
