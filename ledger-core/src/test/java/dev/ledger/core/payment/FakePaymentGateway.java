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
}
