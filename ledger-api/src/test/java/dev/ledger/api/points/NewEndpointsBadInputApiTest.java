package dev.ledger.api.points;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Bad input to the points, wallet, investment, administration and Stripe webhook endpoints gets a
 * 4xx problem with a stable code, never a 500, and records nothing: after each case the tenant has
 * no events, and a refused webhook leaves no row in the inbox.
 */
class NewEndpointsBadInputApiTest extends ApiTest {
  private static final String AWARD =
      "{\"id\":\"a-1\",\"userId\":\"alice\",\"amount\":%s,\"reason\":\"signup\"}";
  private static final String REDEMPTION =
      "{\"id\":\"r-1\",\"userId\":\"alice\",\"amount\":%s,\"reason\":\"shop\"}";
  private static final String INVESTMENT =
      "{\"id\":\"i-1\",\"userId\":\"alice\",\"amount\":%s,\"currency\":\"USD\",\"pointsReward\":10}";
  private static final String WEBHOOK_SECRET = "whsec_test_0123456789abcdef";
  private static final String WEBHOOK = "/v1/webhooks/stripe";

  /** An engine of its own with a webhook secret, for the cases that must pass the 503 first. */
  private static Engine withWebhookSecret;

  @Autowired JdbcTemplate jdbc;

  /** Who sends a case: a key of this test's tenant with the ledger scopes, or the admin key. */
  enum Caller {
    LEDGER,
    ADMIN
  }

  static Stream<Arguments> badRequests() {
    List<Arguments> cases = new ArrayList<>();
    Map<String, String> bodies =
        Map.of(
            "/v1/points/awards", AWARD,
            "/v1/points/redemptions", REDEMPTION,
            "/v1/investments", INVESTMENT);
    for (var endpoint : bodies.entrySet()) {
      String path = endpoint.getKey();
      String body = endpoint.getValue();
      cases.add(post("malformed JSON on " + path, path, "{\"id\":", 400, "malformed_json"));
      cases.add(post("a JSON array on " + path, path, "[1,2]", 400, "malformed_json"));
      cases.add(post("empty body on " + path, path, "", 400, "malformed_json"));
      cases.add(
          post(
              "duplicate field on " + path,
              path,
              body.formatted("1").replace("}", ",\"amount\":2}"),
              400,
              "malformed_json"));
      cases.add(post("missing fields on " + path, path, "{}", 400, "validation_failed"));
      cases.add(post("only an id on " + path, path, "{\"id\":\"x-1\"}", 400, "validation_failed"));
      cases.add(
          post("zero amount on " + path, path, body.formatted("0"), 400, "validation_failed"));
      cases.add(
          post("negative amount on " + path, path, body.formatted("-5"), 400, "validation_failed"));
      cases.add(
          post(
              "fractional amount on " + path,
              path,
              body.formatted("1.5"),
              400,
              "validation_failed"));
      cases.add(
          post(
              "exponent amount on " + path, path, body.formatted("1e3"), 400, "validation_failed"));
      cases.add(
          post(
              "string amount on " + path,
              path,
              body.formatted("\"100\""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "amount beyond 64 bits on " + path,
              path,
              body.formatted("9223372036854775808"),
              400,
              "validation_failed"));
      cases.add(
          post("null amount on " + path, path, body.formatted("null"), 400, "validation_failed"));
      cases.add(
          post(
              "wrong types on " + path,
              path,
              body.formatted("1")
                  .replace("\"alice\"", "42")
                  .replaceFirst("\"id\":\"([^\"]*)\"", "\"id\":[\"$1\"]"),
              400,
              "validation_failed"));
      cases.add(
          post(
              "userId not a string on " + path,
              path,
              body.formatted("1").replace("\"alice\"", "true"),
              400,
              "validation_failed"));
      cases.add(
          post(
              "userId with a colon on " + path,
              path,
              body.formatted("1").replace("\"alice\"", "\"a:b\""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "userId of 65 characters on " + path,
              path,
              body.formatted("1").replace("alice", "u".repeat(65)),
              400,
              "validation_failed"));
      cases.add(
          post(
              "empty userId on " + path,
              path,
              body.formatted("1").replace("\"alice\"", "\"\""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "userId with a space on " + path,
              path,
              body.formatted("1").replace("\"alice\"", "\"al ice\""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "ill-formed id on " + path,
              path,
              body.formatted("1").replaceFirst("\"id\":\"[^\"]*\"", "\"id\":\"a b\""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "over-long id on " + path,
              path,
              body.formatted("1")
                  .replaceFirst("\"id\":\"[^\"]*\"", "\"id\":\"" + "x".repeat(129) + "\""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "unknown field on " + path,
              path,
              body.formatted("1").replace("}", ",\"ammount\":1}"),
              400,
              "validation_failed"));
    }
    for (String path : List.of("/v1/points/awards", "/v1/points/redemptions")) {
      String body = bodies.get(path);
      cases.add(
          post(
              "missing reason on " + path,
              path,
              body.formatted("1").replaceFirst(",\"reason\":\"[a-z]*\"", ""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "reason not a string on " + path,
              path,
              body.formatted("1").replaceFirst("\"reason\":\"[a-z]*\"", "\"reason\":7"),
              400,
              "validation_failed"));
      cases.add(
          post(
              "over-long reason on " + path,
              path,
              body.formatted("1")
                  .replaceFirst("\"reason\":\"[a-z]*\"", "\"reason\":\"" + "r".repeat(257) + "\""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "over-long reference on " + path,
              path,
              body.formatted("1").replace("}", ",\"reference\":\"" + "f".repeat(257) + "\"}"),
              400,
              "validation_failed"));
    }
    String award = AWARD.formatted("1");
    cases.add(
        post(
            "expiresAt not a time",
            "/v1/points/awards",
            award.replace("}", ",\"expiresAt\":\"tomorrow\"}"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "expiresAt a date without time",
            "/v1/points/awards",
            award.replace("}", ",\"expiresAt\":\"2027-01-01\"}"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "expiresAt without zone",
            "/v1/points/awards",
            award.replace("}", ",\"expiresAt\":\"2027-01-01T00:00:00\"}"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "expiresAt a number",
            "/v1/points/awards",
            award.replace("}", ",\"expiresAt\":1798761600}"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "expiresAt on a redemption",
            "/v1/points/redemptions",
            REDEMPTION.formatted("1").replace("}", ",\"expiresAt\":\"2027-01-01T00:00:00Z\"}"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "award without id or Idempotency-Key",
            "/v1/points/awards",
            "{\"userId\":\"alice\",\"amount\":1,\"reason\":\"signup\"}",
            400,
            "idempotency_key_required"));
    cases.add(
        post(
            "redemption without id or Idempotency-Key",
            "/v1/points/redemptions",
            "{\"userId\":\"alice\",\"amount\":1,\"reason\":\"shop\"}",
            400,
            "idempotency_key_required"));

    String investment = INVESTMENT.formatted("1000");
    for (String currency : List.of("DOGE", "POINTS", "usd", "US", "")) {
      cases.add(
          post(
              "currency '" + currency + "'",
              "/v1/investments",
              investment.replace("\"USD\"", "\"" + currency + "\""),
              400,
              "validation_failed"));
    }
    cases.add(
        post(
            "currency not a string",
            "/v1/investments",
            investment.replace("\"USD\"", "840"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "missing currency",
            "/v1/investments",
            investment.replace(",\"currency\":\"USD\"", ""),
            400,
            "validation_failed"));
    for (String reward : List.of("-1", "1.5", "\"10\"", "null", "9223372036854775808")) {
      cases.add(
          post(
              "pointsReward " + reward,
              "/v1/investments",
              investment.replace("\"pointsReward\":10", "\"pointsReward\":" + reward),
              400,
              "validation_failed"));
    }
    cases.add(
        post(
            "missing pointsReward",
            "/v1/investments",
            investment.replace(",\"pointsReward\":10", ""),
            400,
            "validation_failed"));
    cases.add(
        post(
            "investment without id or Idempotency-Key",
            "/v1/investments",
            investment.replace("\"id\":\"i-1\",", ""),
            400,
            "idempotency_key_required"));

    cases.add(get("wallet of a userId with a colon", "/v1/users/a:b/wallet", 400));
    cases.add(
        get("wallet of a 65-character userId", "/v1/users/" + "u".repeat(65) + "/wallet", 400));
    cases.add(get("wallet of a userId with a space", "/v1/users/a%20b/wallet", 400));
    cases.add(
        get("wallet with a negative minPosition", "/v1/users/alice/wallet?minPosition=-1", 400));
    cases.add(
        get("wallet with minPosition not a number", "/v1/users/alice/wallet?minPosition=x", 400));
    cases.add(get("investment of an ill-formed id", "/v1/investments/a%20b", 400));
    cases.add(get("investment of a 129-character id", "/v1/investments/" + "i".repeat(129), 400));
    cases.add(
        get("investment with a negative minPosition", "/v1/investments/i-1?minPosition=-1", 400));
    cases.add(
        Arguments.of(
            "unknown investment",
            Caller.LEDGER,
            "GET",
            "/v1/investments/i-unknown",
            null,
            404,
            "investment_not_found"));
    cases.add(
        Arguments.of(
            "wrong method on wallet",
            Caller.LEDGER,
            "POST",
            "/v1/users/alice/wallet",
            "{}",
            405,
            "method_not_allowed"));

    cases.add(admin("GET", "/v1/admin/webhook-events?status=bogus", 400, "validation_failed"));
    cases.add(admin("GET", "/v1/admin/webhook-events?limit=0", 400, "validation_failed"));
    cases.add(admin("GET", "/v1/admin/webhook-events?limit=501", 400, "validation_failed"));
    cases.add(admin("GET", "/v1/admin/webhook-events?limit=ten", 400, "validation_failed"));
    cases.add(admin("GET", "/v1/admin/webhook-events?cursor=%21%21", 400, "validation_failed"));
    cases.add(admin("GET", "/v1/admin/dead-letters?limit=0", 400, "validation_failed"));
    cases.add(admin("POST", "/v1/admin/dead-letters/nope/retry", 404, "not_found"));
    cases.add(admin("POST", "/v1/admin/dead-letters/webhook:evt_unknown/retry", 404, "not_found"));
    cases.add(
        admin(
            "POST",
            "/v1/admin/dead-letters/processor:00000000-0000-0000-0000-000000000000/retry",
            404,
            "not_found"));
    return cases.stream();
  }

  private static Arguments post(String name, String path, String body, int status, String code) {
    return Arguments.of(name, Caller.LEDGER, "POST", path, body, status, code);
  }

  private static Arguments get(String name, String path, int status) {
    return Arguments.of(name, Caller.LEDGER, "GET", path, null, status, "validation_failed");
  }

  private static Arguments admin(String method, String path, int status, String code) {
    return Arguments.of(method + " " + path, Caller.ADMIN, method, path, null, status, code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void answersBadInputWithAProblemAndRecordsNothing(
      String name,
      Caller caller,
      String method,
      String path,
      String body,
      int status,
      String code) {
    Http client = caller == Caller.ADMIN ? admin : api;
    long webhooksBefore = webhookRows(jdbc);
    Http.Response response =
        method.equals("POST")
            ? client.postRaw(path, body == null ? "" : body, "application/json")
            : client.get(path);
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.code()).as(response.toString()).isEqualTo(code);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body().path("requestId").asText()).isNotBlank();
    if (code.equals("validation_failed") && method.equals("POST")) {
      assertThat(response.body().path("errors")).as(response.toString()).isNotEmpty();
    }
    assertThat(webhookRows(jdbc)).isEqualTo(webhooksBefore);
  }

  @ParameterizedTest(name = "wrong content type on {0}")
  @MethodSource("postPaths")
  void refusesBodiesThatAreNotJson(String path) {
    Http.Response response =
        api.postRaw(path, AWARD.formatted("1"), "application/x-www-form-urlencoded");
    assertThat(response.status()).as(response.toString()).isEqualTo(415);
    assertThat(response.code()).isEqualTo("unsupported_media_type");
    Http.Response text = api.postRaw(path, AWARD.formatted("1"), "text/plain");
    assertThat(text.status()).as(text.toString()).isEqualTo(415);
    assertThat(text.code()).isEqualTo("unsupported_media_type");
  }

  @ParameterizedTest(name = "oversized body on {0}")
  @MethodSource("postPaths")
  void refusesOversizedBodies(String path) {
    Http.Response response =
        api.postRaw(
            path,
            AWARD.formatted("1").replace("signup", "x".repeat(3 * 1024 * 1024)),
            "application/json");
    assertThat(response.status()).as(response.toString()).isEqualTo(413);
    assertThat(response.code()).isEqualTo("payload_too_large");
  }

  static Stream<String> postPaths() {
    return Stream.of("/v1/points/awards", "/v1/points/redemptions", "/v1/investments");
  }

  @Test
  void aKeyWithoutTheAdminScopeIsForbiddenTheAdminEndpoints() {
    for (Http.Response response :
        List.of(
            api.get("/v1/admin/webhook-events"),
            api.get("/v1/admin/webhook-events?status=dead"),
            api.get("/v1/admin/dead-letters"),
            api.postRaw("/v1/admin/dead-letters/webhook:evt_1/retry", "", "application/json"))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(403);
      assertThat(response.code()).isEqualTo("forbidden");
    }
    Http.Response allowed = admin.get("/v1/admin/webhook-events?status=dead&limit=1");
    assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
    assertThat(allowed.body().get("data").isArray()).isTrue();
  }

  @Test
  void aReadOnlyKeyCannotMovePointsNorCreateInvestments() {
    Http reader = api.as(newKey(tenant, "ledger:read"));
    for (Http.Response response :
        List.of(
            reader.postRaw("/v1/points/awards", AWARD.formatted("1"), "application/json"),
            reader.postRaw("/v1/points/redemptions", REDEMPTION.formatted("1"), "application/json"),
            reader.postRaw("/v1/investments", INVESTMENT.formatted("1000"), "application/json"))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(403);
      assertThat(response.code()).isEqualTo("forbidden");
    }
    assertThat(reader.get("/v1/users/alice/wallet").status()).isEqualTo(200);
  }

  @Test
  void theNewEndpointsNeedAnApiKey() {
    Http anonymous = api.as(null);
    for (Http.Response response :
        List.of(
            anonymous.postRaw("/v1/points/awards", AWARD.formatted("1"), "application/json"),
            anonymous.get("/v1/users/alice/wallet"),
            anonymous.postRaw("/v1/investments", INVESTMENT.formatted("1"), "application/json"),
            anonymous.get("/v1/admin/webhook-events"))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(401);
      assertThat(response.code()).isEqualTo("unauthenticated");
    }
  }

  /** Bad webhooks, sent to an engine that has a webhook secret, so they get past the 503. */
  static Stream<Arguments> badWebhooks() {
    long now = Instant.now().getEpochSecond();
    String event = event("evt_bad_signature");
    List<Arguments> cases = new ArrayList<>();
    cases.add(webhook("no signature", event, null, 400, "signature_missing"));
    cases.add(webhook("blank signature", event, " ", 400, "signature_missing"));
    cases.add(webhook("signature nonsense", event, "nonsense", 400, "signature_invalid"));
    cases.add(
        webhook(
            "signed with another secret",
            event,
            sign(event, now, "whsec_other"),
            400,
            "signature_invalid"));
    cases.add(
        webhook(
            "signature of another body",
            event,
            sign(event("evt_other"), now, WEBHOOK_SECRET),
            400,
            "signature_invalid"));
    cases.add(
        webhook(
            "stale signature",
            event,
            sign(event, now - 3600, WEBHOOK_SECRET),
            400,
            "signature_invalid"));
    cases.add(
        webhook(
            "signature from the future",
            event,
            sign(event, now + 3600, WEBHOOK_SECRET),
            400,
            "signature_invalid"));
    cases.add(signed("signed malformed JSON", "{\"id\":", 400, "malformed_event"));
    cases.add(signed("signed JSON array", "[1,2]", 400, "malformed_event"));
    cases.add(
        signed(
            "signed event without id",
            "{\"object\":\"event\",\"type\":\"customer.created\"}",
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed event without type",
            "{\"id\":\"evt_no_type\",\"object\":\"event\"}",
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed object that is not an event",
            "{\"id\":\"pi_1\",\"object\":\"payment_intent\",\"type\":\"customer.created\"}",
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed event with an id of 256 characters",
            event("evt_" + "x".repeat(252)),
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed event whose id is an object",
            "{\"id\":{\"a\":1},\"object\":\"event\",\"type\":\"customer.created\"}",
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed event whose id is a number",
            "{\"id\":42,\"object\":\"event\",\"type\":\"customer.created\"}",
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed event whose type is an array",
            "{\"id\":\"evt_array_type\",\"object\":\"event\",\"type\":[\"customer.created\"]}",
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed event with an empty id",
            "{\"id\":\"\",\"object\":\"event\",\"type\":\"customer.created\"}",
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed event with an empty type",
            "{\"id\":\"evt_empty_type\",\"object\":\"event\",\"type\":\"\"}",
            400,
            "malformed_event"));
    cases.add(
        signed(
            "signed event with an api_version of 65 characters",
            event("evt_long_version").replace("2025-03-31.basil", "v".repeat(65)),
            400,
            "malformed_event"));
    String oversized =
        event("evt_oversized").replace("}", ",\"padding\":\"" + "p".repeat(70_000) + "\"}");
    cases.add(signed("oversized event", oversized, 413, "payload_too_large"));
    return cases.stream();
  }

  private static Arguments webhook(
      String name, String body, String signature, int status, String code) {
    return Arguments.of(name, body, signature, status, code);
  }

  private static Arguments signed(String name, String body, int status, String code) {
    return webhook(
        name, body, sign(body, Instant.now().getEpochSecond(), WEBHOOK_SECRET), status, code);
  }

  @ParameterizedTest(name = "webhook: {0}")
  @MethodSource("badWebhooks")
  void refusesABadWebhookAndStoresNothing(
      String name, String body, String signature, int status, String code) {
    Engine engine = engineWithWebhookSecret();
    JdbcTemplate inbox = engine.bean(JdbcTemplate.class);
    long before = webhookRows(inbox);
    Http stripe = new Http(engine.port(), null);
    Http.Response response =
        signature == null
            ? stripe.postRaw(WEBHOOK, body, "application/json")
            : stripe.with("Stripe-Signature", signature).postRaw(WEBHOOK, body, "application/json");
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.code()).as(response.toString()).isEqualTo(code);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(webhookRows(inbox)).isEqualTo(before);
  }

  @Test
  void aWellSignedWebhookIsStoredOnceAndARedeliveryCountsAsADuplicate() {
    Engine engine = engineWithWebhookSecret();
    JdbcTemplate inbox = engine.bean(JdbcTemplate.class);
    String id = "evt_good_" + tenant;
    String event = event(id);
    Http stripe =
        new Http(engine.port(), null)
            .with("Stripe-Signature", sign(event, Instant.now().getEpochSecond(), WEBHOOK_SECRET));

    Http.Response first = stripe.postRaw(WEBHOOK, event, "application/json");
    Http.Response again = stripe.postRaw(WEBHOOK, event, "application/json");

    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.body().get("duplicate").asBoolean()).isFalse();
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.body().get("duplicate").asBoolean()).isTrue();
    assertThat(
            inbox.queryForObject(
                "SELECT deliveries FROM stripe_webhook_event WHERE event_id = ?",
                Integer.class,
                id))
        .isEqualTo(2);
  }

  private static synchronized Engine engineWithWebhookSecret() {
    if (withWebhookSecret == null) {
      Map<String, String> settings = new HashMap<>(Engine.onDatabase(TestDatabases.newDatabase()));
      settings.put("ledger.stripe.webhook-secret", WEBHOOK_SECRET);
      withWebhookSecret = Engine.start(settings);
    }
    return withWebhookSecret;
  }

  @AfterAll
  static void stopTheEngineWithAWebhookSecret() {
    if (withWebhookSecret != null) {
      withWebhookSecret.close();
      withWebhookSecret = null;
    }
  }

  /** A Stripe event of a type the engine ignores. */
  private static String event(String id) {
    return "{\"id\":\""
        + id
        + "\",\"object\":\"event\",\"api_version\":\"2025-03-31.basil\",\"type\":\"customer.created\","
        + "\"livemode\":false,\"data\":{\"object\":{\"id\":\"cus_1\",\"object\":\"customer\"}}}";
  }

  /** The Stripe-Signature header Stripe would send: t=timestamp, v1=HMAC-SHA256 of "t.body". */
  static String sign(String body, long timestamp, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(digest);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long webhookRows(JdbcTemplate jdbc) {
    Long rows = jdbc.queryForObject("SELECT count(*) FROM stripe_webhook_event", Long.class);
    return rows == null ? 0 : rows;
  }

  @AfterEach
  void nothingWasRecordedForTheTenant() {
    Integer events =
        jdbc.queryForObject(
            "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
            Integer.class,
            tenant + "/%");
    assertThat(events).isZero();
  }
}
