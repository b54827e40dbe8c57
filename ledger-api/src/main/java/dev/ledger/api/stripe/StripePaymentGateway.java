package dev.ledger.api.stripe;

import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.TransferCreateParams;
import com.stripe.param.TransferListParams;
import dev.ledger.api.config.LedgerProperties;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentGatewayException;
import dev.ledger.core.payment.PaymentGatewayException.Kind;
import java.util.List;
import java.util.Objects;

/**
 * The {@link PaymentGateway} port on Stripe, through stripe-java's {@link StripeClient}.
 *
 * <p>Retries. stripe-java repeats a call by itself when the connection fails or times out, and when
 * Stripe answers 409 or 5xx (unless Stripe says {@code Stripe-Should-Retry: false}), waiting 0.5 s,
 * 1 s, 2 s… between tries. Every try of one call carries the same {@code Idempotency-Key}, and that
 * key is the caller's ({@code IdempotencyKeys}: derived from the resource and the saga step), so a
 * retry here, a retry by the saga after {@code UNAVAILABLE}, and a re-run of the step after a crash
 * all reach Stripe as one request and get the answer of the first. The client builder's default is
 * no retry at all, which is why {@code maxNetworkRetries} is always set from the settings.
 *
 * <p>Failures. {@code UNAVAILABLE} when the outcome is unknown or the refusal is temporary: no
 * connection, a timeout, 429 (rate limit), 409 (the same key is still being processed) or 5xx,
 * after stripe-java's own retries; the caller may repeat the call with the same key. {@code
 * REJECTED} for every other 4xx (card declined, invalid request, idempotency key reused with other
 * parameters, bad or restricted key): Stripe looked at the request and refused it, and repeating it
 * will not help.
 *
 * <p>Secrets. The secret key lives only inside the client. Failure messages are built here from the
 * HTTP status, Stripe's error code, request id and message, with the key masked should Stripe ever
 * echo it; Stripe's exception is not chained as the cause (its message is the server's text and
 * would reach the logs with every stack trace), only the I/O error beneath a connection failure.
 *
 * <p>Telemetry. By default stripe-java writes a persistent id under {@code ~/.config/stripe} and
 * sends it, with the host's OS and kernel and the latency of earlier calls, on every request. The
 * engine keeps its host to itself and writes only to its data directory, so loading this class
 * turns that off (a JVM-wide switch of stripe-java; the engine is its only user).
 */
public final class StripePaymentGateway implements PaymentGateway {
  /** Time to open a connection; Stripe answers within milliseconds when it is reachable. */
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /**
   * Time to wait for an answer. Shorter than stripe-java's 80 s: a call blocks a saga step for at
   * most (1 + maxNetworkRetries) times this plus the backoff, about 95 s with the default 2
   * retries, before it fails {@code UNAVAILABLE} and the step can be repeated later with the same
   * key.
   */
  static final int READ_TIMEOUT_MILLIS = 30_000;

  /** Stripe's error code for an operation the PaymentIntent's current status does not allow. */
  static final String UNEXPECTED_STATE = "payment_intent_unexpected_state";

  private static final String MASK = "[secret key]";

  static {
    Stripe.enableTelemetry = false;
  }

  private final StripeClient client;
  private final String secretKey;

  public StripePaymentGateway(LedgerProperties.Stripe properties) {
    this.secretKey =
        Objects.requireNonNull(properties.secretKey(), "a Stripe secret key is required");
    this.client =
        StripeClient.builder()
            .setApiKey(secretKey)
            .setApiBase(properties.apiBase())
            .setMaxNetworkRetries(properties.maxNetworkRetries())
            .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
            .setReadTimeout(READ_TIMEOUT_MILLIS)
            .build();
  }

  @Override
  public PaymentIntent createPaymentIntent(NewPaymentIntent request, String idempotencyKey) {
    PaymentIntentCreateParams.Builder params =
        PaymentIntentCreateParams.builder()
            .setAmount(request.amount())
            .setCurrency(request.currency())
            .setAutomaticPaymentMethods(
                PaymentIntentCreateParams.AutomaticPaymentMethods.builder()
                    .setEnabled(true)
                    .build());
    if (request.metadata() != null) {
      params.putAllMetadata(request.metadata());
    }
    if (request.manualCapture()) {
      params.setCaptureMethod(PaymentIntentCreateParams.CaptureMethod.MANUAL);
    }
    if (request.transferGroup() != null) {
      params.setTransferGroup(request.transferGroup());
    }
    if (request.description() != null) {
      params.setDescription(request.description());
    }
    try {
      return paymentIntent(
          client.v1().paymentIntents().create(params.build(), withKey(idempotencyKey)));
    } catch (StripeException e) {
      throw failure("create a PaymentIntent", e);
    }
  }

  @Override
  public PaymentIntent retrievePaymentIntent(String paymentIntentId) {
    try {
      return paymentIntent(client.v1().paymentIntents().retrieve(paymentIntentId));
    } catch (StripeException e) {
      throw failure("retrieve PaymentIntent " + paymentIntentId, e);
    }
  }

  /**
   * Cancels, or answers the PaymentIntent as it is when it has already reached an end: a saga that
   * cancels after a timeout races the customer paying, and a succeeded payment is then an outcome
   * to handle (refund, or keep), not an error. A PaymentIntent that cannot be canceled for another
   * reason is {@code REJECTED} with Stripe's message.
   */
  @Override
  public PaymentIntent cancelPaymentIntent(String paymentIntentId, String idempotencyKey) {
    try {
      return paymentIntent(
          client.v1().paymentIntents().cancel(paymentIntentId, withKey(idempotencyKey)));
    } catch (InvalidRequestException e) {
      if (UNEXPECTED_STATE.equals(e.getCode())) {
        PaymentIntent current = retrievePaymentIntent(paymentIntentId);
        if ("succeeded".equals(current.status()) || "canceled".equals(current.status())) {
          return current;
        }
      }
      throw failure("cancel PaymentIntent " + paymentIntentId, e);
    } catch (StripeException e) {
      throw failure("cancel PaymentIntent " + paymentIntentId, e);
    }
  }

  @Override
  public Charge retrieveCharge(String chargeId) {
    try {
      return StripeObjects.charge(client.v1().charges().retrieve(chargeId));
    } catch (StripeException e) {
      throw failure("retrieve Charge " + chargeId, e);
    }
  }

  /**
   * Captures in full. A PaymentIntent that is no longer capturable because it was captured or
   * canceled already is answered as it is, like {@link #cancelPaymentIntent}.
   */
  @Override
  public PaymentIntent capturePaymentIntent(String paymentIntentId, String idempotencyKey) {
    try {
      return paymentIntent(
          client.v1().paymentIntents().capture(paymentIntentId, withKey(idempotencyKey)));
    } catch (InvalidRequestException e) {
      if (UNEXPECTED_STATE.equals(e.getCode())) {
        PaymentIntent current = retrievePaymentIntent(paymentIntentId);
        if ("succeeded".equals(current.status()) || "canceled".equals(current.status())) {
          return current;
        }
      }
      throw failure("capture PaymentIntent " + paymentIntentId, e);
    } catch (StripeException e) {
      throw failure("capture PaymentIntent " + paymentIntentId, e);
    }
  }

  @Override
  public Transfer createTransfer(NewTransfer request, String idempotencyKey) {
    TransferCreateParams.Builder params =
        TransferCreateParams.builder()
            .setAmount(request.amount())
            .setCurrency(request.currency())
            .setDestination(request.destination());
    if (request.sourceTransaction() != null) {
      params.setSourceTransaction(request.sourceTransaction());
    }
    if (request.transferGroup() != null) {
      params.setTransferGroup(request.transferGroup());
    }
    if (request.metadata() != null) {
      params.putAllMetadata(request.metadata());
    }
    try {
      return StripeObjects.transfer(
          client.v1().transfers().create(params.build(), withKey(idempotencyKey)));
    } catch (StripeException e) {
      throw failure("create a transfer to " + request.destination(), e);
    }
  }

  @Override
  public List<Transfer> transfersInGroup(String transferGroup) {
    try {
      return client
          .v1()
          .transfers()
          .list(TransferListParams.builder().setTransferGroup(transferGroup).setLimit(100L).build())
          .getData()
          .stream()
          .map(StripeObjects::transfer)
          .toList();
    } catch (StripeException e) {
      throw failure("list the transfers of group " + transferGroup, e);
    }
  }

  private static RequestOptions withKey(String idempotencyKey) {
    return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
  }

  private static PaymentIntent paymentIntent(com.stripe.model.PaymentIntent intent) {
    return StripeObjects.paymentIntent(intent);
  }

  /** Whether repeating a call that failed so may help; see the class comment. */
  static Kind kindOf(StripeException e) {
    if (e instanceof ApiConnectionException || e instanceof RateLimitException) {
      return Kind.UNAVAILABLE;
    }
    if (e instanceof CardException
        || e instanceof InvalidRequestException
        || e instanceof IdempotencyException
        || e instanceof AuthenticationException
        || e instanceof PermissionException) {
      return Kind.REJECTED;
    }
    Integer status = e.getStatusCode();
    boolean refused = status != null && status >= 400 && status < 500 && status != 409;
    // 5xx, 409, and anything else (a proxy's HTML page in a 200): the outcome is unknown.
    return refused ? Kind.REJECTED : Kind.UNAVAILABLE;
  }

  private PaymentGatewayException failure(String operation, StripeException e) {
    Kind kind = kindOf(e);
    String message;
    Throwable cause = null;
    if (e instanceof ApiConnectionException) {
      // stripe-java's own message names the global Stripe.apiBase, not this client's base.
      cause = e.getCause();
      message =
          "Stripe could not be reached to "
              + operation
              + ": "
              + (cause == null ? "no connection" : cause.toString());
    } else {
      String stripeMessage =
          e.getStripeError() != null && e.getStripeError().getMessage() != null
              ? e.getStripeError().getMessage()
              : "no message";
      message =
          (kind == Kind.REJECTED ? "Stripe rejected the request to " : "Stripe failed to ")
              + operation
              + " (HTTP "
              + e.getStatusCode()
              + ", code "
              + (e.getCode() == null ? "none" : e.getCode())
              + ", request "
              + (e.getRequestId() == null ? "none" : e.getRequestId())
              + "): "
              + stripeMessage;
    }
    return new PaymentGatewayException(kind, message.replace(secretKey, MASK), cause);
  }
}
