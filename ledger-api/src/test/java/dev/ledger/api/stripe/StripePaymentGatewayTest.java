package dev.ledger.api.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.ledger.api.config.LedgerProperties;
import dev.ledger.core.payment.IdempotencyKeys;
import dev.ledger.core.payment.PaymentGateway;
import dev.ledger.core.payment.PaymentGateway.NewPaymentIntent;
import dev.ledger.core.payment.PaymentGatewayException;
import dev.ledger.core.payment.PaymentGatewayException.Kind;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Stripe gateway, against a local fake of the Stripe API: it sends what Stripe needs, retries a
 * failing call with the same idempotency key, tells a temporary failure (UNAVAILABLE) from a
 * refusal (REJECTED) without leaking the secret key, and reads Stripe's objects into the port's.
 */
class StripePaymentGatewayTest {
  private static final String SECRET_KEY = "sk_test_51LedgerGatewayTestKey0123456789";
  private static final String KEY = IdempotencyKeys.of("acme", "order", "ord_42", "create-intent");
  private static final int RETRIES = 2;

  private WireMockServer stripe;
  private PaymentGateway gateway;

  @BeforeEach
  void startFakeStripe() {
    stripe = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    stripe.start();
    gateway = new StripePaymentGateway(settings(SECRET_KEY, stripe.baseUrl(), RETRIES));
  }

  @AfterEach
  void stopFakeStripe() {
    stripe.stop();
  }

  @Test
  void createsAManualCapturePaymentIntentWithItsKeyMetadataAndTransferGroup() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(json(200, paymentIntent("pi_1", "requires_payment_method", null, null))));

    PaymentGateway.PaymentIntent created =
        gateway.createPaymentIntent(
            new NewPaymentIntent(
                2500,
                "usd",
                Map.of("order_type", "checkout", "reference_id", "ord_42", "tenant", "acme"),
                true,
                "escrow_ord_42",
                "Order ord_42"),
            KEY);

    stripe.verify(
        1,
        postRequestedFor(urlEqualTo("/v1/payment_intents"))
            .withHeader("Idempotency-Key", equalTo(KEY))
            .withHeader("Authorization", equalTo("Bearer " + SECRET_KEY))
            .withHeader("Stripe-Version", matching("\\d{4}-\\d{2}-\\d{2}\\.\\w+"))
            .withFormParam("amount", equalTo("2500"))
            .withFormParam("currency", equalTo("usd"))
            .withFormParam("metadata[order_type]", equalTo("checkout"))
            .withFormParam("metadata[reference_id]", equalTo("ord_42"))
            .withFormParam("metadata[tenant]", equalTo("acme"))
            .withFormParam("capture_method", equalTo("manual"))
            .withFormParam("transfer_group", equalTo("escrow_ord_42"))
            .withFormParam("description", equalTo("Order ord_42"))
            .withFormParam("automatic_payment_methods[enabled]", equalTo("true")));
    assertThat(created)
        .isEqualTo(
            new PaymentGateway.PaymentIntent(
                "pi_1",
                "requires_payment_method",
                2500,
                0,
                "usd",
                "pi_1_secret_abc",
                Map.of("order_type", "checkout", "reference_id", "ord_42", "tenant", "acme"),
                null));
  }

  @Test
  void sendsNoTelemetryAboutTheHost() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(json(200, paymentIntent("pi_1", "requires_payment_method", null, null))));
    stripe.stubFor(
        get("/v1/payment_intents/pi_1")
            .willReturn(json(200, paymentIntent("pi_1", "requires_payment_method", null, null))));

    gateway.createPaymentIntent(checkout(), KEY);
    gateway.retrievePaymentIntent("pi_1");

    List<LoggedRequest> requests = stripe.findAll(anyRequestedFor(anyUrl()));
    assertThat(requests).hasSize(2);
    for (LoggedRequest request : requests) {
      assertThat(request.getHeader("X-Stripe-Client-User-Agent"))
          .contains("bindings.version")
          .doesNotContain("telemetry_id", "platform");
      assertThat(request.containsHeader("X-Stripe-Client-Telemetry")).isFalse();
    }
  }

  @Test
  void leavesCaptureAutomaticAndTheTransferGroupOutWhenNotAsked() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(json(200, paymentIntent("pi_1", "requires_payment_method", null, null))));

    gateway.createPaymentIntent(
        new NewPaymentIntent(2500, "usd", Map.of("tenant", "acme"), false, null, null), KEY);

    stripe.verify(
        1,
        postRequestedFor(urlEqualTo("/v1/payment_intents"))
            .withRequestBody(notContaining("capture_method"))
            .withRequestBody(notContaining("transfer_group"))
            .withFormParam("amount", equalTo("2500")));
  }

  @Test
  void retriesAServerErrorWithTheSameIdempotencyKey() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .inScenario("Stripe hiccups")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(json(500, error("api_error", null, "Something went wrong on our end.")))
            .willSetStateTo("recovered"));
    stripe.stubFor(
        post("/v1/payment_intents")
            .inScenario("Stripe hiccups")
            .whenScenarioStateIs("recovered")
            .willReturn(json(200, paymentIntent("pi_1", "requires_payment_method", null, null))));

    PaymentGateway.PaymentIntent created = gateway.createPaymentIntent(checkout(), KEY);

    assertThat(created.id()).isEqualTo("pi_1");
    List<LoggedRequest> tries = stripe.findAll(postRequestedFor(urlEqualTo("/v1/payment_intents")));
    assertThat(tries).hasSize(2);
    assertThat(tries).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly(KEY);
  }

  @Test
  void isUnavailableWhenStripeKeepsFailingAfterItsRetries() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(json(503, error("api_error", null, "Stripe is temporarily unavailable."))));

    PaymentGatewayException failure = failureOf(() -> gateway.createPaymentIntent(checkout(), KEY));

    assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("HTTP 503", "Stripe is temporarily unavailable.");
    List<LoggedRequest> tries = stripe.findAll(postRequestedFor(urlEqualTo("/v1/payment_intents")));
    assertThat(tries).hasSize(1 + RETRIES);
    assertThat(tries).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly(KEY);
  }

  @Test
  void isUnavailableWhenRateLimited() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(json(429, error("invalid_request_error", "rate_limit", "Too many."))));

    assertThat(failureOf(() -> gateway.createPaymentIntent(checkout(), KEY)).kind())
        .isEqualTo(Kind.UNAVAILABLE);
  }

  @Test
  void isUnavailableWhileStripeIsStillProcessingTheSameKey() {
    PaymentGateway withoutRetries =
        new StripePaymentGateway(settings(SECRET_KEY, stripe.baseUrl(), 0));
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(
                json(
                    409,
                    error(
                        "invalid_request_error",
                        "lock_timeout",
                        "There is currently another in-progress request using this Stripe"
                            + " object."))));

    PaymentGatewayException failure =
        failureOf(() -> withoutRetries.createPaymentIntent(checkout(), KEY));

    assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
    stripe.verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents")));
  }

  @Test
  void rejectsAKeyReusedWithOtherParameters() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(
                json(
                    400,
                    error(
                        "idempotency_error",
                        null,
                        "Keys for idempotent requests can only be used with the same parameters"
                            + " they were first used with."))));

    PaymentGatewayException failure = failureOf(() -> gateway.createPaymentIntent(checkout(), KEY));

    assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
    assertThat(failure.getMessage()).contains("same parameters");
  }

  @Test
  void rejectsADeclinedCardWithoutRetrying() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(
                json(402, error("card_error", "card_declined", "Your card was declined."))));

    PaymentGatewayException failure = failureOf(() -> gateway.createPaymentIntent(checkout(), KEY));

    assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
    assertThat(failure.getMessage()).contains("card_declined", "Your card was declined.");
    stripe.verify(1, postRequestedFor(urlEqualTo("/v1/payment_intents")));
  }

  @Test
  void rejectsAnInvalidRequest() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(
                json(
                    400,
                    error(
                        "invalid_request_error",
                        "parameter_invalid_integer",
                        "This value must be greater than or equal to 1."))));

    PaymentGatewayException failure = failureOf(() -> gateway.createPaymentIntent(checkout(), KEY));

    assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
    assertThat(failure.getMessage())
        .contains("parameter_invalid_integer", "must be greater than or equal to 1");
  }

  @Test
  void neverPutsTheSecretKeyInAFailureEvenWhenStripeEchoesIt() {
    stripe.stubFor(
        post("/v1/payment_intents")
            .willReturn(
                json(
                    401,
                    error(
                        "invalid_request_error",
                        "api_key_expired",
                        "Expired API Key provided: " + SECRET_KEY))));

    PaymentGatewayException failure = failureOf(() -> gateway.createPaymentIntent(checkout(), KEY));

    assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
    assertThat(failure.getMessage()).contains("api_key_expired", "Expired API Key provided");
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET_KEY);
      assertThat(t.toString()).doesNotContain(SECRET_KEY);
    }
  }

  @Test
  void isUnavailableWhenStripeCannotBeReached() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PaymentGateway unreachable =
        new StripePaymentGateway(settings(SECRET_KEY, "http://localhost:" + closedPort, 1));

    PaymentGatewayException failure =
        failureOf(() -> unreachable.createPaymentIntent(checkout(), KEY));

    assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("could not be reached").doesNotContain(SECRET_KEY);
  }

  @Test
  void cancelsWithItsIdempotencyKey() {
    String cancelKey = IdempotencyKeys.of("acme", "order", "ord_42", "cancel-intent");
    stripe.stubFor(
        post("/v1/payment_intents/pi_1/cancel")
            .willReturn(json(200, paymentIntent("pi_1", "canceled", null, null))));

    PaymentGateway.PaymentIntent canceled = gateway.cancelPaymentIntent("pi_1", cancelKey);

    assertThat(canceled.status()).isEqualTo("canceled");
    stripe.verify(
        1,
        postRequestedFor(urlEqualTo("/v1/payment_intents/pi_1/cancel"))
            .withHeader("Idempotency-Key", equalTo(cancelKey)));
  }

  @Test
  void answersAnAlreadySucceededPaymentIntentInsteadOfFailingToCancelIt() {
    stripe.stubFor(
        post("/v1/payment_intents/pi_1/cancel")
            .willReturn(
                json(
                    400,
                    error(
                        "invalid_request_error",
                        "payment_intent_unexpected_state",
                        "You cannot cancel this PaymentIntent because it has a status of"
                            + " succeeded."))));
    stripe.stubFor(
        get("/v1/payment_intents/pi_1")
            .willReturn(json(200, paymentIntent("pi_1", "succeeded", 2500L, "ch_1"))));

    PaymentGateway.PaymentIntent current = gateway.cancelPaymentIntent("pi_1", KEY);

    assertThat(current.status()).isEqualTo("succeeded");
    assertThat(current.amountReceived()).isEqualTo(2500);
    assertThat(current.latestChargeId()).isEqualTo("ch_1");
    stripe.verify(1, getRequestedFor(urlEqualTo("/v1/payment_intents/pi_1")));
  }

  @Test
  void rejectsACancelThatTheStatusForbidsWhenThePaymentIntentHasNotEnded() {
    stripe.stubFor(
        post("/v1/payment_intents/pi_1/cancel")
            .willReturn(
                json(
                    400,
                    error(
                        "invalid_request_error",
                        "payment_intent_unexpected_state",
                        "You cannot cancel this PaymentIntent because it has a status of"
                            + " processing."))));
    stripe.stubFor(
        get("/v1/payment_intents/pi_1")
            .willReturn(json(200, paymentIntent("pi_1", "processing", null, "ch_1"))));

    PaymentGatewayException failure = failureOf(() -> gateway.cancelPaymentIntent("pi_1", KEY));

    assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
    assertThat(failure.getMessage()).contains("payment_intent_unexpected_state", "processing");
  }

  @Test
  void readsAPaymentIntent() {
    stripe.stubFor(
        get("/v1/payment_intents/pi_1")
            .willReturn(json(200, paymentIntent("pi_1", "requires_capture", 0L, "ch_1"))));

    assertThat(gateway.retrievePaymentIntent("pi_1"))
        .isEqualTo(
            new PaymentGateway.PaymentIntent(
                "pi_1",
                "requires_capture",
                2500,
                0,
                "usd",
                "pi_1_secret_abc",
                Map.of("order_type", "checkout", "reference_id", "ord_42", "tenant", "acme"),
                "ch_1"));
  }

  @Test
  void rejectsAnUnknownPaymentIntent() {
    stripe.stubFor(
        get("/v1/payment_intents/pi_missing")
            .willReturn(
                json(
                    404,
                    error(
                        "invalid_request_error",
                        "resource_missing",
                        "No such payment_intent: 'pi_missing'"))));

    PaymentGatewayException failure = failureOf(() -> gateway.retrievePaymentIntent("pi_missing"));

    assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
    assertThat(failure.getMessage()).contains("resource_missing", "pi_missing");
  }

  @Test
  void readsACharge() {
    stripe.stubFor(get("/v1/charges/ch_1").willReturn(json(200, charge())));

    assertThat(gateway.retrieveCharge("ch_1"))
        .isEqualTo(new PaymentGateway.Charge("ch_1", "pi_1", 2500, 1000, "usd", false, null));
  }

  @Test
  void withoutASecretKeyEveryCallIsUnavailable() {
    LedgerProperties.Stripe unset = settings(null, stripe.baseUrl(), RETRIES);
    PaymentGateway unconfigured = StripeConfig.gatewayFor(unset);

    assertThat(unconfigured).isInstanceOf(UnavailablePaymentGateway.class);
    assertThat(StripeAvailability.of(unset).configured()).isFalse();
    List<Runnable> calls =
        List.of(
            () -> unconfigured.createPaymentIntent(checkout(), KEY),
            () -> unconfigured.retrievePaymentIntent("pi_1"),
            () -> unconfigured.cancelPaymentIntent("pi_1", KEY),
            () -> unconfigured.retrieveCharge("ch_1"));
    for (Runnable call : calls) {
      PaymentGatewayException failure = failureOf(call);
      assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
      assertThat(failure.getMessage())
          .isEqualTo("Stripe is not configured: set LEDGER_STRIPE_SECRET_KEY");
    }
    assertThat(stripe.getAllServeEvents()).isEmpty();
  }

  @Test
  void withASecretKeyTheGatewayIsStripe() {
    LedgerProperties.Stripe set = settings(SECRET_KEY, stripe.baseUrl(), RETRIES);

    assertThat(StripeConfig.gatewayFor(set)).isInstanceOf(StripePaymentGateway.class);
    assertThat(StripeAvailability.of(set).configured()).isTrue();
  }

  private static PaymentGatewayException failureOf(Runnable call) {
    PaymentGatewayException failure =
        catchThrowableOfType(PaymentGatewayException.class, call::run);
    assertThat(failure).as("the call should fail with a PaymentGatewayException").isNotNull();
    return failure;
  }

  private static NewPaymentIntent checkout() {
    return new NewPaymentIntent(2500, "usd", Map.of("tenant", "acme"), false, null, null);
  }

  private static LedgerProperties.Stripe settings(String secretKey, String apiBase, int retries) {
    return new LedgerProperties.Stripe(
        secretKey,
        null,
        apiBase,
        retries,
        300,
        65536,
        8,
        Duration.ofSeconds(1),
        Duration.ofMinutes(10),
        20,
        Duration.ofMillis(250),
        Duration.ofMinutes(2));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(
      int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withHeader("Request-Id", "req_test_" + status)
        .withBody(body);
  }

  /** A PaymentIntent as Stripe serialises it (API version 2026-07-29.dahlia), trimmed. */
  private static String paymentIntent(
      String id, String status, Long amountReceived, String latestCharge) {
    return """
        {
          "id": "%s",
          "object": "payment_intent",
          "amount": 2500,
          "amount_capturable": 0,
          "amount_received": %s,
          "automatic_payment_methods": {"allow_redirects": "always", "enabled": true},
          "capture_method": "manual",
          "client_secret": "%s_secret_abc",
          "confirmation_method": "automatic",
          "created": 1767225600,
          "currency": "usd",
          "description": "Order ord_42",
          "last_payment_error": null,
          "latest_charge": %s,
          "livemode": false,
          "metadata": {"order_type": "checkout", "reference_id": "ord_42", "tenant": "acme"},
          "payment_method": null,
          "payment_method_types": ["card"],
          "status": "%s",
          "transfer_group": "escrow_ord_42"
        }
        """
        .formatted(
            id,
            amountReceived == null ? "null" : amountReceived,
            id,
            latestCharge == null ? "null" : "\"" + latestCharge + "\"",
            status);
  }

  private static String charge() {
    return """
        {
          "id": "ch_1",
          "object": "charge",
          "amount": 2500,
          "amount_captured": 2500,
          "amount_refunded": 1000,
          "balance_transaction": "txn_1",
          "captured": true,
          "created": 1767225600,
          "currency": "usd",
          "livemode": false,
          "metadata": {},
          "paid": true,
          "payment_intent": "pi_1",
          "refunded": false,
          "status": "succeeded"
        }
        """;
  }

  private static String error(String type, String code, String message) {
    return """
        {"error": {"type": "%s", "code": %s, "message": "%s"}}
        """
        .formatted(type, code == null ? "null" : "\"" + code + "\"", message);
  }
}
