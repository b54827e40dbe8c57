package dev.ledger.api.stripe;

import dev.ledger.core.payment.PaymentGateway;
import java.util.Map;

/** Maps stripe-java's models to the payment port's records. */
public final class StripeObjects {
  private StripeObjects() {}

  public static PaymentGateway.PaymentIntent paymentIntent(com.stripe.model.PaymentIntent intent) {
    return new PaymentGateway.PaymentIntent(
        intent.getId(),
        intent.getStatus(),
        intent.getAmount() == null ? 0 : intent.getAmount(),
        intent.getAmountReceived() == null ? 0 : intent.getAmountReceived(),
        intent.getCurrency(),
        intent.getClientSecret(),
        intent.getMetadata() == null ? Map.of() : Map.copyOf(intent.getMetadata()),
        intent.getLatestCharge());
  }

  public static PaymentGateway.Charge charge(com.stripe.model.Charge charge) {
    return new PaymentGateway.Charge(
        charge.getId(),
        charge.getPaymentIntent(),
        charge.getAmount() == null ? 0 : charge.getAmount(),
        charge.getAmountRefunded() == null ? 0 : charge.getAmountRefunded(),
        charge.getCurrency(),
        Boolean.TRUE.equals(charge.getRefunded()),
        captureBefore(charge));
  }

  /** A card authorisation's capture deadline, when Stripe reports one. */
  static java.time.Instant captureBefore(com.stripe.model.Charge charge) {
    var details = charge.getPaymentMethodDetails();
    if (details == null || details.getCard() == null) {
      return null;
    }
    Long before = details.getCard().getCaptureBefore();
    return before == null ? null : java.time.Instant.ofEpochSecond(before);
  }

  public static PaymentGateway.Transfer transfer(com.stripe.model.Transfer transfer) {
    return new PaymentGateway.Transfer(
        transfer.getId(),
        transfer.getAmount() == null ? 0 : transfer.getAmount(),
        transfer.getCurrency(),
        transfer.getDestination(),
        transfer.getTransferGroup(),
        Boolean.TRUE.equals(transfer.getReversed()));
  }
}
