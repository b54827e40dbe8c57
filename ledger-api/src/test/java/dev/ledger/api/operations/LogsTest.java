package dev.ledger.api.operations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.net.Webhook;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.ChildEngine;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.StripeApiTest;
import dev.ledger.api.support.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * With {@code LEDGER_LOG_FORMAT=json} every log line is one JSON object, and the line of a command
 * carries the request id, tenant, key id, command and outcome. Whatever the engine is asked, no
 * secret reaches its log: not the bootstrap key, an API key's secret, a wrong key, the Stripe
 * secret key, the webhook signing secret, nor a card number in a webhook, even one whose processing
 * fails until it is parked as a dead letter. The engine runs in a JVM of its own, so the test reads
 * exactly what the process wrote, from its first line to its last.
 */
class LogsTest {
  private static final String CARD_NUMBER = "4242424242424242";

  @Test
  void jsonLinesCarryTheRequestAndNoSecretEverReachesTheLog() throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String stripeSecretKey = "sk_test_logscan_" + suffix;
    String webhookSecret = "whsec_logscan_" + suffix;
    String wrongKey = "wrong-key-logscan-" + suffix;
    Map<String, String> settings = new HashMap<>(StripeApiTest.stripeSettings());
    String database = TestDatabases.newDatabase();
    settings.putAll(Engine.onDatabase(database));
    settings.put("ledger.stripe.secret-key", stripeSecretKey);
    settings.put("ledger.stripe.webhook-secret", webhookSecret);
    settings.put("ledger.log-format", "json");
    String pi = "pi_logscan" + suffix;
    String deadEvent = "evt_logscan_" + suffix;
    FakeStripe.server()
        .stubFor(
            get(urlPathEqualTo("/v1/payment_intents/" + pi))
                .willReturn(
                    aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"down\"}}")));

    String apiSecret;
    ChildEngine engine = ChildEngine.start(settings, "512m");
    try {
      Http admin = engine.admin().with("X-Request-Id", "logscan-admin-" + suffix);
      assertThat(admin.post("/v1/admin/tenants", Map.of("id", "logscan")).status()).isIn(200, 201);
      Http.Response key =
          admin.post(
              "/v1/admin/api-keys",
              Map.of(
                  "tenant",
                  "logscan",
                  "name",
                  "scan",
                  "scopes",
                  List.of("ledger:read", "ledger:write")));
      apiSecret = key.body().get("secret").asText();
      Http api = new Http(engine.port(), apiSecret).with("X-Request-Id", "logscan-" + suffix);
      assertThat(
              api.post("/v1/accounts", Map.of("id", "user:1:points", "asset", "POINTS")).status())
          .isEqualTo(201);
      Http.Response overdraw =
          api.post(
              "/v1/transfers",
              Map.of(
                  "id",
                  "overdraw",
                  "debitAccount",
                  "user:1:points",
                  "creditAccount",
                  "user:2:points",
                  "amount",
                  5,
                  "asset",
                  "POINTS"));
      assertThat(overdraw.status()).isIn(404, 409);
      assertThat(new Http(engine.port(), wrongKey).get("/v1/accounts").status()).isEqualTo(401);

      // a signed webhook with a card number in it, whose processing fails until it is dead
      String charge =
          """
          {"id":"ch_%s","object":"charge","amount":100,"amount_refunded":100,"currency":"usd",
           "refunded":true,"payment_intent":"%s","metadata":{"card":"%s"},
           "payment_method_details":{"card":{"number":"%s","cvc":"123"}}}"""
              .formatted(suffix, pi, CARD_NUMBER, CARD_NUMBER);
      String payload = FakeStripe.event(deadEvent, "charge.refunded", charge, null);
      Http webhook = new Http(engine.port(), null);
      String signature =
          Webhook.Signature.generateSignatureHeader(payload, webhookSecret, FakeStripe.now());
      assertThat(
              webhook
                  .with("Stripe-Signature", signature)
                  .postRaw("/v1/webhooks/stripe", payload, "application/json")
                  .status())
          .isEqualTo(200);
      // and the same body with a bad signature, which is refused and logged
      assertThat(
              webhook
                  .with("Stripe-Signature", "t=" + FakeStripe.now() + ",v1=" + suffix)
                  .postRaw("/v1/webhooks/stripe", payload, "application/json")
                  .status())
          .isEqualTo(400);
      JdbcTemplate jdbc =
          new JdbcTemplate(
              new DriverManagerDataSource(
                  database, TestDatabases.user(), TestDatabases.password()));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          jdbc.queryForObject(
                              "SELECT status FROM stripe_webhook_event WHERE event_id = ?",
                              String.class,
                              deadEvent))
                      .isEqualTo("DEAD"));
    } finally {
      engine.stop(); // as SIGTERM: the shutdown is logged too
    }

    String log = Files.readString(engine.log());
    assertThat(log)
        .as("the log holds a secret")
        .doesNotContain(
            ApiTest.ADMIN_SECRET, apiSecret, wrongKey, stripeSecretKey, webhookSecret, CARD_NUMBER);
    assertThat(log).contains(deadEvent); // the failure was logged, by its id only

    List<JsonNode> lines = jsonLines(log);
    assertThat(lines).hasSizeGreaterThan(20);
    JsonNode accepted = commandLine(lines, "logscan-" + suffix, "OpenAccount");
    assertThat(accepted.path("tenant").asText()).isEqualTo("logscan");
    assertThat(accepted.path("keyId").asText()).isNotBlank();
    assertThat(accepted.path("outcome").asText()).isEqualTo("accepted");
    assertThat(accepted.path("code").asText()).isEqualTo("none");
    assertThat(accepted.path("durationMs").isNumber()).isTrue();
    assertThat(accepted.path("level").asText()).isEqualTo("INFO");
    assertThat(accepted.path("@timestamp").asText()).isNotBlank();
    JsonNode refused = commandLine(lines, "logscan-" + suffix, "PostTransfer");
    assertThat(refused.path("outcome").asText()).isEqualTo("rejected");
    assertThat(refused.path("code").asText()).isIn("account_not_found", "insufficient_funds");
  }

  /** The lines of the log, each one JSON object: one event each. */
  private static List<JsonNode> jsonLines(String log) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : log.split("\\R")) {
      if (!line.isBlank()) {
        lines.add(Http.JSON.readTree(line)); // fails the test if a line is not whole JSON
      }
    }
    return lines;
  }

  private static JsonNode commandLine(List<JsonNode> lines, String requestId, String command) {
    return lines.stream()
        .filter(line -> requestId.equals(line.path("requestId").asText()))
        .filter(line -> command.equals(line.path("command").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no log line of " + command + " in " + requestId));
  }
}
