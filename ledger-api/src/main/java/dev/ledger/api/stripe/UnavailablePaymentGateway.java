package dev.ledger.api.stripe;

import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentGatewayException;

/**
 * The gateway when no Stripe secret key is set. The engine still starts and serves everything that
 * does not need Stripe; every call here fails as {@code UNAVAILABLE} (not {@code REJECTED}), so a
 * saga waiting on it keeps its state and succeeds once the key is set and the engine restarted.
 */
public final class UnavailablePaymentGateway implements PaymentGateway {
  static final String MESSAGE = "Stripe is not configured: set LEDGER_STRIPE_SECRET_KEY";

  @Override
  public PaymentIntent createPaymentIntent(NewPaymentIntent request, String idempotencyKey) {
    throw unavailable();
  }

  @Override
  public PaymentIntent retrievePaymentIntent(String paymentIntentId) {
    throw unavailable();
  }

  @Override
  public PaymentIntent cancelPaymentIntent(String paymentIntentId, String idempotencyKey) {
    throw unavailable();
  }

  @Override
  public Charge retrieveCharge(String chargeId) {
    throw unavailable();
  }

  @Override
  public PaymentIntent capturePaymentIntent(String paymentIntentId, String idempotencyKey) {
    throw unavailable();
  }

  @Override
  public Transfer createTransfer(NewTransfer request, String idempotencyKey) {
    throw unavailable();
  }

  @Override
  public java.util.List<Transfer> transfersInGroup(String transferGroup) {
    throw unavailable();
  }

  private static PaymentGatewayException unavailable() {
    return new PaymentGatewayException(PaymentGatewayException.Kind.UNAVAILABLE, MESSAGE, null);
  }
}
