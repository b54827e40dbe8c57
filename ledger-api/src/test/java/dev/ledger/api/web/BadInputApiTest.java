package dev.ledger.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every kind of bad input gets a 4xx problem with a stable code, never a 500, and records nothing:
 * after each case the tenant has no events at all.
 */
class BadInputApiTest extends ApiTest {
  private static final String TRANSFER =
      "{\"id\":\"t\",\"debitAccount\":\"user:a:points\",\"creditAccount\":\"user:b:points\",\"amount\":%s,\"asset\":\"POINTS\"}";

  @Autowired JdbcTemplate jdbc;

  static Stream<Arguments> badRequests() {
    List<Arguments> cases = new ArrayList<>();
    for (String path :
        List.of(
            "/v1/accounts",
            "/v1/transfers",
            "/v1/journal-entries",
            "/v1/transfers/batch",
            "/v1/transfers/t/post")) {
      cases.add(
          Arguments.of(
              "malformed JSON on " + path, "POST", path, "{\"id\":", 400, "malformed_json"));
      cases.add(
          Arguments.of("a JSON array on " + path, "POST", path, "[1,2]", 400, "malformed_json"));
    }
    cases.add(Arguments.of("empty body", "POST", "/v1/transfers", "", 400, "malformed_json"));
    cases.add(
        Arguments.of(
            "duplicate field",
            "POST",
            "/v1/accounts",
            "{\"id\":\"a\",\"id\":\"b\",\"asset\":\"POINTS\"}",
            400,
            "malformed_json"));
    cases.add(
        Arguments.of(
            "zero amount",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("0"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "negative amount",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("-5"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "fractional amount",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1.5"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "exponent amount",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1e3"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "string amount",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("\"100\""),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "amount beyond 64 bits",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("9223372036854775808"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "missing fields", "POST", "/v1/transfers", "{\"id\":\"t\"}", 400, "validation_failed"));
    cases.add(
        Arguments.of(
            "wrong type",
            "POST",
            "/v1/transfers",
            "{\"id\":5,\"debitAccount\":true,\"creditAccount\":[],\"amount\":1,\"asset\":\"POINTS\"}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "unknown field",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1").replace("}", ",\"ammount\":1}"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "over-long id",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1").replace("\"id\":\"t\"", "\"id\":\"" + "x".repeat(129) + "\""),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "ill-formed id",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1").replace("\"id\":\"t\"", "\"id\":\"a b\""),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "id with the engine's reserved prefix",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1").replace("\"id\":\"t\"", "\"id\":\"engine:investment:x:award\""),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "ill-formed address",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1").replace("user:a:points", "user::a"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "over-long address",
            "POST",
            "/v1/accounts",
            "{\"id\":\"" + "a:".repeat(200) + "a\",\"asset\":\"POINTS\"}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "over-long segment",
            "POST",
            "/v1/accounts",
            "{\"id\":\"" + "a".repeat(65) + "\",\"asset\":\"POINTS\"}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "unknown asset",
            "POST",
            "/v1/accounts",
            "{\"id\":\"user:1\",\"asset\":\"DOGE\"}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "ill-formed asset",
            "POST",
            "/v1/accounts",
            "{\"id\":\"user:1\",\"asset\":\"points\"}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "metadata not strings",
            "POST",
            "/v1/accounts",
            "{\"id\":\"user:1\",\"asset\":\"POINTS\",\"metadata\":{\"a\":1}}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "flag not boolean",
            "POST",
            "/v1/accounts",
            "{\"id\":\"user:1\",\"asset\":\"POINTS\",\"flags\":{\"allowNegative\":\"yes\"}}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "timeout without pending",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1").replace("}", ",\"timeoutSeconds\":5}"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "timeout out of range",
            "POST",
            "/v1/transfers",
            TRANSFER.formatted("1").replace("}", ",\"pending\":true,\"timeoutSeconds\":0}"),
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "no postings",
            "POST",
            "/v1/journal-entries",
            "{\"id\":\"j\",\"postings\":[]}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "65 postings",
            "POST",
            "/v1/journal-entries",
            "{\"id\":\"j\",\"postings\":["
                + String.join(
                    ",",
                    java.util.Collections.nCopies(
                        65,
                        "{\"debitAccount\":\"a\",\"creditAccount\":\"b\",\"amount\":1,\"asset\":\"POINTS\"}"))
                + "]}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "1001 transfers in a batch",
            "POST",
            "/v1/transfers/batch",
            "{\"transfers\":["
                + String.join(",", java.util.Collections.nCopies(1001, TRANSFER.formatted("1")))
                + "]}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "partial post of zero",
            "POST",
            "/v1/transfers/t/post",
            "{\"amount\":0}",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "ill-formed transfer id in path",
            "POST",
            "/v1/transfers/a%20b/void",
            "",
            400,
            "validation_failed"));
    cases.add(
        Arguments.of("limit zero", "GET", "/v1/accounts?limit=0", null, 400, "validation_failed"));
    cases.add(
        Arguments.of(
            "limit over the maximum",
            "GET",
            "/v1/accounts?limit=501",
            null,
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "limit not a number",
            "GET",
            "/v1/transfers?limit=ten",
            null,
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "foreign cursor", "GET", "/v1/accounts?cursor=%21%21", null, 400, "validation_failed"));
    cases.add(
        Arguments.of(
            "negative minPosition",
            "GET",
            "/v1/transfers?minPosition=-1",
            null,
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "asOf not a time",
            "GET",
            "/v1/accounts/user:1/balance?asOf=yesterday",
            null,
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "asOf and atPosition",
            "GET",
            "/v1/accounts/user:1/balance?asOf=2026-01-01T00:00:00Z&atPosition=1",
            null,
            400,
            "validation_failed"));
    cases.add(
        Arguments.of(
            "ill-formed account in path",
            "GET",
            "/v1/accounts/user::1",
            null,
            400,
            "validation_failed"));
    cases.add(Arguments.of("unknown endpoint", "GET", "/v1/ledgers", null, 404, "not_found"));
    cases.add(
        Arguments.of("wrong method", "DELETE", "/v1/transfers", null, 405, "method_not_allowed"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void answersBadInputWithAProblemAndChangesNothing(
      String name, String method, String path, String body, int status, String code) {
    Http.Response response =
        switch (method) {
          case "POST" -> api.postRaw(path, body, "application/json");
          case "DELETE" -> api.delete(path);
          default -> api.get(path);
        };
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.code()).as(response.toString()).isEqualTo(code);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body().path("requestId").asText()).isNotBlank();
  }

  @ParameterizedTest(name = "wrong content type on {0}")
  @MethodSource("postPaths")
  void refusesBodiesThatAreNotJson(String path) {
    Http.Response response = api.postRaw(path, "id=1", "application/x-www-form-urlencoded");
    assertThat(response.status()).isEqualTo(415);
    assertThat(response.code()).isEqualTo("unsupported_media_type");
  }

  @ParameterizedTest(name = "oversized body on {0}")
  @MethodSource("postPaths")
  void refusesOversizedBodies(String path) {
    Http.Response response =
        api.postRaw(path, "{\"id\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}", "application/json");
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.code()).isEqualTo("payload_too_large");
  }

  static Stream<String> postPaths() {
    return Stream.of(
        "/v1/accounts",
        "/v1/transfers",
        "/v1/journal-entries",
        "/v1/transfers/batch",
        "/v1/admin/tenants");
  }

  @AfterEach
  void nothingWasRecorded() {
    Integer events =
        jdbc.queryForObject(
            "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
            Integer.class,
            tenant + "/%");
    assertThat(events).isZero();
  }
}
