package dev.ledger.api.escrow;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.FakeStripe;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Bad input to every escrow and escrow reconciliation endpoint gets a 4xx problem with a stable
 * code, never a 500, and changes nothing: no event of the tenant, no PaymentIntent asked of Stripe.
 */
class EscrowBadInputApiTest extends EscrowTest {
  private static final String BODY =
      "{\"id\":\"e-1\",\"payerId\":\"alice\",\"payeeStripeAccount\":\"acct_1X\",\"amount\":%s,"
          + "\"currency\":\"USD\",\"platformFee\":0}";

  @Autowired JdbcTemplate jdbc;

  enum Caller {
    LEDGER,
    ADMIN,
    AUDITOR
  }

  static Stream<Arguments> badRequests() {
    List<Arguments> cases = new ArrayList<>();
    String path = "/v1/escrows";
    String ok = BODY.formatted("1000");
    cases.add(post("malformed JSON", path, "{\"id\":", 400, "malformed_json"));
    cases.add(post("a JSON array", path, "[1]", 400, "malformed_json"));
    cases.add(post("an empty body", path, "", 400, "malformed_json"));
    cases.add(post("no fields", path, "{}", 400, "validation_failed"));
    for (String amount : List.of("0", "-5", "1.5", "\"100\"", "null", "9223372036854775808")) {
      cases.add(post("amount " + amount, path, BODY.formatted(amount), 400, "validation_failed"));
    }
    for (String currency : List.of("DOGE", "POINTS", "usd", "")) {
      cases.add(
          post(
              "currency '" + currency + "'",
              path,
              ok.replace("\"USD\"", "\"" + currency + "\""),
              400,
              "validation_failed"));
    }
    for (String payee : List.of("bob", "acct_", "acct_a b", "ACCT_1", "acct_" + "x".repeat(65))) {
      cases.add(
          post(
              "payee '" + payee + "'",
              path,
              ok.replace("acct_1X", payee),
              400,
              "validation_failed"));
    }
    cases.add(
        post(
            "no platformFee",
            path,
            ok.replace(",\"platformFee\":0", ""),
            400,
            "validation_failed"));
    cases.add(
        post(
            "negative platformFee",
            path,
            ok.replace("\"platformFee\":0", "\"platformFee\":-1"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "platformFee above the amount",
            path,
            ok.replace("\"platformFee\":0", "\"platformFee\":1001"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "fractional platformFee",
            path,
            ok.replace("\"platformFee\":0", "\"platformFee\":0.5"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "payerId with a colon",
            path,
            ok.replace("\"alice\"", "\"a:b\""),
            400,
            "validation_failed"));
    cases.add(
        post("ill-formed id", path, ok.replace("\"e-1\"", "\"a b\""), 400, "validation_failed"));
    cases.add(
        post(
            "an id reserved for the engine",
            path,
            ok.replace("\"e-1\"", "\"engine:x\""),
            400,
            "validation_failed"));
    cases.add(
        post(
            "unknown field", path, ok.replace("}", ",\"payee\":\"x\"}"), 400, "validation_failed"));
    cases.add(
        post(
            "neither id nor Idempotency-Key",
            path,
            ok.replace("\"id\":\"e-1\",", ""),
            400,
            "idempotency_key_required"));

    for (String action : List.of("capture", "release")) {
      cases.add(
          post(
              action + " of an unknown escrow",
              "/v1/escrows/nope/" + action,
              "",
              404,
              "escrow_not_found"));
      cases.add(
          post(
              action + " of an ill-formed id",
              "/v1/escrows/a%20b/" + action,
              "",
              400,
              "validation_failed"));
      cases.add(
          post(
              action + " with a body",
              "/v1/escrows/nope/" + action,
              "{\"amount\":1}",
              400,
              "validation_failed"));
    }
    cases.add(get("an unknown escrow", "/v1/escrows/nope", 404, "escrow_not_found"));
    cases.add(get("an ill-formed id", "/v1/escrows/a%20b", 400, "validation_failed"));
    cases.add(get("a bad minPosition", "/v1/escrows/nope?minPosition=x", 400, "validation_failed"));

    cases.add(
        admin(
            "retry of an unknown escrow",
            "/v1/admin/escrows/nope/retry",
            "",
            404,
            "escrow_not_found"));
    String resolve = "{\"stripeTransferId\":\"tr_1\",\"note\":\"paid by hand\"}";
    cases.add(
        admin(
            "resolve of an unknown escrow",
            "/v1/admin/escrows/nope/resolve",
            resolve,
            404,
            "escrow_not_found"));
    cases.add(
        admin(
            "resolve without a note",
            "/v1/admin/escrows/nope/resolve",
            "{\"stripeTransferId\":\"tr_1\"}",
            400,
            "validation_failed"));
    cases.add(
        admin(
            "resolve with a bad transfer id",
            "/v1/admin/escrows/nope/resolve",
            "{\"stripeTransferId\":\"po_1\",\"note\":\"x\"}",
            400,
            "validation_failed"));
    cases.add(
        admin(
            "resolve without a body", "/v1/admin/escrows/nope/resolve", "", 400, "malformed_json"));

    String daily = "/v1/reconciliation/escrows/daily";
    cases.add(audit("from not a date", daily + "?from=yesterday"));
    cases.add(audit("to not a date", daily + "?to=2026-13-01"));
    cases.add(audit("from after to", daily + "?from=2026-02-01&to=2026-01-01"));
    cases.add(audit("a range over a year", daily + "?from=2024-01-01&to=2026-01-01"));
    cases.add(audit("an unknown currency", daily + "?currency=DOGE"));
    cases.add(audit("points as a currency", daily + "?currency=POINTS"));
    cases.add(audit("a bad minPosition", daily + "?minPosition=-1"));
    String stuck = "/v1/reconciliation/escrows/stuck";
    cases.add(audit("olderThan not a duration", stuck + "?olderThan=1h"));
    cases.add(audit("olderThan too short", stuck + "?olderThan=PT1S"));
    cases.add(audit("olderThan too long", stuck + "?olderThan=P400D"));
    cases.add(audit("limit zero", stuck + "?limit=0"));
    cases.add(audit("limit too large", stuck + "?limit=100000"));
    cases.add(audit("a cursor we did not issue", stuck + "?cursor=!!"));
    cases.add(audit("a well-formed foreign cursor", stuck + "?cursor=bm90LWEta2V5"));
    return cases.stream();
  }

  private static Arguments post(String name, String path, String body, int status, String code) {
    return Arguments.of(name, Caller.LEDGER, "POST", path, body, status, code);
  }

  private static Arguments get(String name, String path, int status, String code) {
    return Arguments.of(name, Caller.LEDGER, "GET", path, null, status, code);
  }

  private static Arguments admin(String name, String path, String body, int status, String code) {
    return Arguments.of(name, Caller.ADMIN, "POST", path, body, status, code);
  }

  private static Arguments audit(String name, String path) {
    return Arguments.of(name, Caller.AUDITOR, "GET", path, null, 400, "validation_failed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void answersBadInputWithAProblemAndChangesNothing(
      String name,
      Caller caller,
      String method,
      String path,
      String body,
      int status,
      String code) {
    Http client =
        switch (caller) {
          case LEDGER -> api;
          case ADMIN -> new Http(port, newKey(tenant, "admin"));
          case AUDITOR -> new Http(port, newKey(tenant, "audit:read"));
        };
    long eventsBefore = events();

    Http.Response response =
        method.equals("POST")
            ? client.postRaw(path, body == null ? "" : body, "application/json")
            : client.get(path);

    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.code()).as(response.toString()).isEqualTo(code);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(events()).isEqualTo(eventsBefore);
    assertThat(
            FakeStripe.server()
                .findAll(
                    postRequestedFor(urlEqualTo("/v1/payment_intents"))
                        .withRequestBody(containing("metadata[tenant]=" + tenant))))
        .isEmpty();
  }

  @Test
  void anEscrowOfAnotherTenantIsNotFound() {
    Escrow escrow = create(api, tenant, 1_000, 0);
    Http stranger = new Http(port, newKey("x" + tenant, "ledger:read", "ledger:write"));

    assertThat(stranger.get("/v1/escrows/" + escrow.id()).code()).isEqualTo("escrow_not_found");
    assertThat(stranger.post("/v1/escrows/" + escrow.id() + "/capture", Map.of()).code())
        .isEqualTo("escrow_not_found");
  }

  @Test
  void theEndpointsNeedTheirScopes() {
    Http reader = new Http(port, newKey(tenant, "ledger:read"));
    assertThat(reader.postRaw("/v1/escrows", BODY.formatted("1"), "application/json").status())
        .isEqualTo(403);
    assertThat(reader.post("/v1/escrows/e-1/capture", Map.of()).status()).isEqualTo(403);
    assertThat(api.post("/v1/admin/escrows/e-1/retry", Map.of()).status()).isEqualTo(403);
    assertThat(api.get("/v1/reconciliation/escrows/daily").status()).isEqualTo(403);
    assertThat(new Http(port, null).get("/v1/escrows/e-1").status()).isEqualTo(401);
  }

  @Test
  void aCaptureBeforeTheAuthorisationIsAConflictAndAResolveOutsideReviewToo() {
    Escrow escrow = create(api, tenant, 1_000, 0);

    Http.Response capture = api.post("/v1/escrows/" + escrow.id() + "/capture", Map.of());
    assertThat(capture.status()).isEqualTo(409);
    assertThat(capture.code()).isEqualTo("invalid_state");
    Http operator = new Http(port, newKey(tenant, "admin"));
    Http.Response resolve =
        operator.post(
            "/v1/admin/escrows/" + escrow.id() + "/resolve",
            Map.of("stripeTransferId", "tr_1", "note", "x"));
    assertThat(resolve.status()).isEqualTo(409);
    assertThat(resolve.code()).isEqualTo("invalid_state");
  }

  private long events() {
    return jdbc.queryForObject(
        "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
        Long.class,
        tenant + "/%");
  }
}
