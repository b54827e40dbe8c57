package dev.ledger.api.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.stripe.Stripe;
import com.stripe.net.Webhook;
import java.util.Map;

/**
 * A local stand-in for the Stripe API (WireMock) and a signer of webhooks with stripe-java's own
 * {@code Webhook.Signature}, for tests that exercise the engine's Stripe integration end to end.
 */
public final class FakeStripe {
  public static final String SECRET_KEY = "sk_test_ledger_fake";
  public static final String WEBHOOK_SECRET = "whsec_test_ledger_fake";

  private static WireMockServer server;

  private FakeStripe() {}

  /** The shared fake, started on first use. */
  public static synchronized WireMockServer server() {
    if (server == null) {
      server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
      server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }
    return server;
  }

  public static String apiBase() {
    return "http://localhost:" + server().port();
  }

  /** A PaymentIntent as Stripe answers it. */
  public static String paymentIntent(
      String id,
      String status,
      long amount,
      long amountReceived,
      String currency,
      Map<String, String> metadata) {
    StringBuilder meta = new StringBuilder();
    metadata.forEach(
        (k, v) ->
            meta.append(meta.isEmpty() ? "" : ",")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
    return """
        {"id":"%s","object":"payment_intent","amount":%d,"amount_received":%d,"currency":"%s","status":"%s",
         "client_secret":"%s_secret_test","capture_method":"automatic","latest_charge":"ch_%s","metadata":{%s},
         "livemode":false,"created":1700000000}"""
        .formatted(id, amount, amountReceived, currency, status, id, id.substring(3), meta);
  }

  /** Answers the creation of the PaymentIntent whose metadata has this reference id. */
  public static void onCreate(String referenceId, String json) {
    server()
        .stubFor(
            post(urlEqualTo("/v1/payment_intents"))
                .withRequestBody(containing("metadata[reference_id]=" + referenceId))
                .willReturn(okJson(json)));
  }

  /** The first creation fails with a 500, the second (stripe-java's retry) succeeds. */
  public static void onCreateFailingOnce(String referenceId, String json) {
    String scenario = "flaky-" + referenceId;
    server()
        .stubFor(
            post(urlEqualTo("/v1/payment_intents"))
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(containing("metadata[reference_id]=" + referenceId))
                .willReturn(
                    aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}"))
                .willSetStateTo("recovered"));
    server()
        .stubFor(
            post(urlEqualTo("/v1/payment_intents"))
                .inScenario(scenario)
                .whenScenarioStateIs("recovered")
                .withRequestBody(containing("metadata[reference_id]=" + referenceId))
                .willReturn(okJson(json)));
  }

  public static void onRetrieve(String paymentIntentId, String json) {
    server()
        .stubFor(
            get(urlPathEqualTo("/v1/payment_intents/" + paymentIntentId)).willReturn(okJson(json)));
  }

  public static void onCancel(String paymentIntentId, String json) {
    server()
        .stubFor(
            post(urlEqualTo("/v1/payment_intents/" + paymentIntentId + "/cancel"))
                .willReturn(okJson(json)));
  }

  public static void onRetrieveCharge(String chargeId, String json) {
    server().stubFor(get(urlPathEqualTo("/v1/charges/" + chargeId)).willReturn(okJson(json)));
  }

  /** A manual-capture PaymentIntent as Stripe answers it (escrow). */
  public static String manualPaymentIntent(
      String id, String status, long amount, long amountReceived, Map<String, String> metadata) {
    return paymentIntent(id, status, amount, amountReceived, "usd", metadata)
        .replace("\"capture_method\":\"automatic\"", "\"capture_method\":\"manual\"");
  }

  /** An authorised, uncaptured card charge that can be captured until {@code captureBefore}. */
  public static String authorizedCharge(
      String chargeId, String paymentIntentId, long amount, long captureBefore) {
    return """
        {"id":"%s","object":"charge","amount":%d,"amount_captured":0,"amount_refunded":0,"currency":"usd",
         "captured":false,"refunded":false,"paid":true,"status":"succeeded","payment_intent":"%s",
         "payment_method_details":{"type":"card","card":{"brand":"visa","last4":"4242","capture_before":%d}},
         "livemode":false,"created":1700000000}"""
        .formatted(chargeId, amount, paymentIntentId, captureBefore);
  }

  public static void onCapture(String paymentIntentId, String json) {
    server()
        .stubFor(
            post(urlEqualTo("/v1/payment_intents/" + paymentIntentId + "/capture"))
                .willReturn(okJson(json)));
  }

  /** A transfer to a connected account as Stripe answers it. */
  public static String transfer(String id, long amount, String destination, String group) {
    return """
        {"id":"%s","object":"transfer","amount":%d,"currency":"usd","destination":"%s",
         "transfer_group":"%s","reversed":false,"livemode":false,"created":1700000000,"metadata":{}}"""
        .formatted(id, amount, destination, group);
  }

  /**
   * Transfers of this group fail {@code failures} times (Stripe refuses them with a 400, which
   * stripe-java does not retry by itself), then succeed with {@code json}.
   */
  public static void onTransfer(String transferGroup, int failures, String json) {
    String scenario = "transfer-" + transferGroup;
    for (int i = 0; i < failures; i++) {
      server()
          .stubFor(
              post(urlEqualTo("/v1/transfers"))
                  .inScenario(scenario)
                  .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed-" + i)
                  .withRequestBody(containing("transfer_group=" + transferGroup))
                  .willReturn(
                      aResponse()
                          .withStatus(400)
                          .withHeader("Content-Type", "application/json")
                          .withBody(
                              "{\"error\":{\"type\":\"invalid_request_error\",\"code\":"
                                  + "\"balance_insufficient\",\"message\":\"Insufficient funds\"}}"))
                  .willSetStateTo("failed-" + (i + 1)));
    }
    server()
        .stubFor(
            post(urlEqualTo("/v1/transfers"))
                .inScenario(scenario)
                .whenScenarioStateIs(failures == 0 ? Scenario.STARTED : "failed-" + failures)
                .withRequestBody(containing("transfer_group=" + transferGroup))
                .willReturn(okJson(json)));
  }

  /** Lists no transfers for any group (an operator's retry finds nothing made before). */
  public static void onListTransfers(String json) {
    server()
        .stubFor(
            get(urlPathEqualTo("/v1/transfers"))
                .willReturn(
                    okJson(
                        "{\"object\":\"list\",\"data\":["
                            + json
                            + "],\"has_more\":false,\"url\":\"/v1/transfers\"}")));
  }

  /** A webhook event around {@code object}, in the pinned API version unless told otherwise. */
  public static String event(String eventId, String type, String objectJson, String apiVersion) {
    return """
        {"id":"%s","object":"event","api_version":"%s","created":%d,"type":"%s","livemode":false,
         "pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"data":{"object":%s}}"""
        .formatted(
            eventId,
            apiVersion == null ? Stripe.API_VERSION : apiVersion,
            System.currentTimeMillis() / 1000,
            type,
            objectJson);
  }

  /** The Stripe-Signature header for a payload signed now, or at {@code timestamp}. */
  public static String sign(String payload, long timestamp) {
    try {
      return Webhook.Signature.generateSignatureHeader(payload, WEBHOOK_SECRET, timestamp);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(
      String json) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(json);
  }
}
