package dev.ledger.core.payment;

import dev.ledger.core.payment.PaymentGatewayException.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A payment provider that records every cancellation it is asked for and answers as a test
 * configured it: by default the PaymentIntent is canceled; queued answers (a status, or a failure
 * of some kind) are given first, one per call, in order. Calls a test does not expect fail it.
 */
public final class FakePaymentGateway implements PaymentGateway {
  /** One call to {@link #cancelPaymentIntent}. */
  public record Cancellation(String paymentIntentId, String idempotencyKey) {}

  private final List<Cancellation> cancellations = new ArrayList<>();
  private final Deque<Object> answers = new ArrayDeque<>();

  /** The next cancellation answers the PaymentIntent in this status. */
  public FakePaymentGateway thenAnswer(String status) {
    answers.add(status);
    return this;
  }

  /** The next {@code times} cancellations fail with this kind of failure. */
  public FakePaymentGateway thenFail(Kind kind, int times) {
    for (int i = 0; i < times; i++) {
      answers.add(kind);
    }
    return this;
  }

  public List<Cancellation> cancellations() {
    return List.copyOf(cancellations);
  }

  @Override
  public PaymentIntent cancelPaymentIntent(String paymentIntentId, String idempotencyKey) {
    cancellations.add(new Cancellation(paymentIntentId, idempotencyKey));
    Object answer = answers.isEmpty() ? "canceled" : answers.poll();
    if (answer instanceof Kind kind) {
      throw new PaymentGatewayException(kind, "cancellation failed (" + kind + ")", null);
    }
    return new PaymentIntent(
        paymentIntentId, (String) answer, 5000, 0, "usd", null, Map.of(), null);
  }

  @Override
  public PaymentIntent createPaymentIntent(NewPaymentIntent request, String idempotencyKey) {
    throw new AssertionError("unexpected call: createPaymentIntent");
  }

  @Override
  public PaymentIntent retrievePaymentIntent(String paymentIntentId) {
    throw new AssertionError("unexpected call: retrievePaymentIntent");
  }

  @Override
  public Charge retrieveCharge(String chargeId) {
    throw new AssertionError("unexpected call: retrieveCharge");
  }

  // ---- captures and transfers (escrow) -------------------------------------------------------

  /** One call to {@link #capturePaymentIntent}. */
  public record Capture(String paymentIntentId, String idempotencyKey) {}

  /** One call to {@link #createTransfer}. */
  public record TransferCall(NewTransfer request, String idempotencyKey) {}

  private final List<Capture> captures = new ArrayList<>();
  private final Deque<Object> captureAnswers = new ArrayDeque<>();
  private final List<TransferCall> transferCalls = new ArrayList<>();
  private final Deque<Kind> transferFailures = new ArrayDeque<>();
  private final List<Transfer> groupTransfers = new ArrayList<>();

  /** The next capture answers the PaymentIntent in this status (default: succeeded). */
  public FakePaymentGateway thenCaptureAnswers(String status) {
    captureAnswers.add(status);
    return this;
  }

  /** The next {@code times} captures fail with this kind of failure. */
  public FakePaymentGateway thenCaptureFails(Kind kind, int times) {
    for (int i = 0; i < times; i++) {
      captureAnswers.add(kind);
    }
    return this;
  }

  /** The next {@code times} transfers fail with this kind of failure. */
  public FakePaymentGateway thenTransferFails(Kind kind, int times) {
    for (int i = 0; i < times; i++) {
      transferFailures.add(kind);
    }
    return this;
  }

  /** Stripe knows this transfer in its group (an earlier attempt whose answer was lost). */
  public FakePaymentGateway withTransferInGroup(Transfer transfer) {
    groupTransfers.add(transfer);
    return this;
  }

  public List<Capture> captures() {
    return List.copyOf(captures);
  }

  public List<TransferCall> transfers() {
    return List.copyOf(transferCalls);
  }

  @Override
  public PaymentIntent capturePaymentIntent(String paymentIntentId, String idempotencyKey) {
    captures.add(new Capture(paymentIntentId, idempotencyKey));
    Object answer = captureAnswers.isEmpty() ? "succeeded" : captureAnswers.poll();
    if (answer instanceof Kind kind) {
      throw new PaymentGatewayException(kind, "capture failed (" + kind + ")", null);
    }
    boolean captured = "succeeded".equals(answer);
    return new PaymentIntent(
        paymentIntentId, (String) answer, 5000, captured ? 5000 : 0, "usd", null, Map.of(), "ch_1");
  }

  @Override
  public Transfer createTransfer(NewTransfer request, String idempotencyKey) {
    transferCalls.add(new TransferCall(request, idempotencyKey));
    Kind failure = transferFailures.poll();
    if (failure != null) {
      throw new PaymentGatewayException(failure, "transfer failed (" + failure + ")", null);
    }
    return new Transfer(
        "tr_" + transferCalls.size(),
        request.amount(),
        request.currency(),
        request.destination(),
        request.transferGroup(),
        false);
  }

  @Override
  public List<Transfer> transfersInGroup(String transferGroup) {
    return groupTransfers.stream().filter(t -> transferGroup.equals(t.transferGroup())).toList();
  }
}
