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
