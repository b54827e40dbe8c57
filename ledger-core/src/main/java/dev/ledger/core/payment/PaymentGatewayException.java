package dev.ledger.core.payment;

/** A call to the payment provider failed; {@link #kind()} says whether repeating it may help. */
public class PaymentGatewayException extends RuntimeException {
  public enum Kind {
    /** Not configured, unreachable, or failing: the same call, with the same key, may succeed. */
    UNAVAILABLE,
    /** The provider refused the request. */
    REJECTED
  }

  private final Kind kind;

  public PaymentGatewayException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
