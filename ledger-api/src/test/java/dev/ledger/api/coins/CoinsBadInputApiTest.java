package dev.ledger.api.coins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Bad input to the coin purchase and gift endpoints gets a 4xx problem with a stable code, never a
 * 500, and records nothing: after each case the tenant has no event at all. This engine has no
 * Stripe key, so a purchase that passes validation answers {@code 503} and records nothing either:
 * its PaymentIntent would be made first.
 */
class CoinsBadInputApiTest extends ApiTest {
  private static final String PURCHASES = "/v1/coins/purchases";
  private static final String GIFTS = "/v1/gifts";
  private static final String PURCHASE =
      "{\"id\":\"cp-1\",\"userId\":\"alice\",\"coins\":%s,\"priceMinor\":499,\"currency\":\"USD\"}";
  private static final String GIFT =
      "{\"id\":\"g-1\",\"senderId\":\"alice\",\"recipientId\":\"bob\",\"coins\":%s}";

  @Autowired JdbcTemplate jdbc;

  static Stream<Arguments> badRequests() {
    List<Arguments> cases = new ArrayList<>();
    for (String[] endpoint : new String[][] {{PURCHASES, PURCHASE}, {GIFTS, GIFT}}) {
      String path = endpoint[0];
      String body = endpoint[1];
      cases.add(post("malformed JSON on " + path, path, "{\"id\":", 400, "malformed_json"));
      cases.add(post("a JSON array on " + path, path, "[1,2]", 400, "malformed_json"));
      cases.add(post("empty body on " + path, path, "", 400, "malformed_json"));
      cases.add(
          post(
              "trailing garbage on " + path,
              path,
              body.formatted("1") + " x",
              400,
              "malformed_json"));
      cases.add(
          post(
              "duplicate field on " + path,
              path,
              body.formatted("1").replace("}", ",\"coins\":2}"),
              400,
              "malformed_json"));
      cases.add(post("missing fields on " + path, path, "{}", 400, "validation_failed"));
      cases.add(post("only an id on " + path, path, "{\"id\":\"x-1\"}", 400, "validation_failed"));
      for (String coins :
          List.of("0", "-5", "1.5", "1e3", "\"100\"", "9223372036854775808", "null", "true")) {
        cases.add(
            post(
                "coins " + coins + " on " + path,
                path,
                body.formatted(coins),
                400,
                "validation_failed"));
      }
      cases.add(
          post(
              "coins missing on " + path,
              path,
              body.formatted("1").replace(",\"coins\":1", ""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "ill-formed id on " + path,
              path,
              body.formatted("1").replace("\"id\":\"", "\"id\":\"a b"),
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
              "id reserved for the engine on " + path,
              path,
              body.formatted("1").replaceFirst("\"id\":\"[^\"]*\"", "\"id\":\"engine:x\""),
              400,
              "validation_failed"));
      cases.add(
          post(
              "id not a string on " + path,
              path,
              body.formatted("1").replaceFirst("\"id\":\"[^\"]*\"", "\"id\":7"),
              400,
              "validation_failed"));
      cases.add(
          post(
              "unknown field on " + path,
              path,
              body.formatted("1").replace("}", ",\"coinz\":1}"),
              400,
              "validation_failed"));
      for (String user :
          List.of("\"a:b\"", "\"\"", "\"al ice\"", "42", "\"" + "u".repeat(65) + "\"")) {
        cases.add(
            post(
                "user id " + user.substring(0, Math.min(user.length(), 8)) + " on " + path,
                path,
                body.formatted("1").replace("\"alice\"", user),
                400,
                "validation_failed"));
      }
      cases.add(
          post(
              "no id and no Idempotency-Key on " + path,
              path,
              body.formatted("1").replaceFirst("\"id\":\"[^\"]*\",", ""),
              400,
              "idempotency_key_required"));
    }

    String purchase = PURCHASE.formatted("100");
    for (String price : List.of("0", "-1", "4.99", "\"499\"", "9223372036854775808", "null")) {
      cases.add(
          post(
              "priceMinor " + price,
              PURCHASES,
              purchase.replace("\"priceMinor\":499", "\"priceMinor\":" + price),
              400,
              "validation_failed"));
    }
    cases.add(
        post(
            "priceMinor missing",
            PURCHASES,
            purchase.replace("\"priceMinor\":499,", ""),
            400,
            "validation_failed"));
    for (String currency : List.of("DOGE", "XXX", "POINTS", "COINS", "usd", "US", "")) {
      cases.add(
          post(
              "currency '" + currency + "'",
              PURCHASES,
              purchase.replace("\"USD\"", "\"" + currency + "\""),
              400,
              "validation_failed"));
    }
    cases.add(
        post(
            "currency a number",
            PURCHASES,
            purchase.replace("\"USD\"", "840"),
            400,
            "validation_failed"));
    cases.add(
        post(
            "currency missing",
            PURCHASES,
            purchase.replace(",\"currency\":\"USD\"", ""),
            400,
            "validation_failed"));

    String gift = GIFT.formatted("10");
    cases.add(
        post(
            "a gift to oneself",
            GIFTS,
            gift.replace("\"bob\"", "\"alice\""),
            400,
            "validation_failed"));
    cases.add(
        post(
            "recipient missing",
            GIFTS,
            gift.replace(",\"recipientId\":\"bob\"", ""),
            400,
            "validation_failed"));
    cases.add(
        post(
            "sender missing",
            GIFTS,
            gift.replace("\"senderId\":\"alice\",", ""),
            400,
            "validation_failed"));

    for (String base : List.of("/v1/coins/purchases/", "/v1/gifts/")) {
      cases.add(get("ill-formed id at " + base, base + "a%20b", 400, "validation_failed"));
      cases.add(
          get("129-character id at " + base, base + "i".repeat(129), 400, "validation_failed"));
      cases.add(
          get(
              "negative minPosition at " + base,
              base + "x-1?minPosition=-1",
              400,
              "validation_failed"));
      cases.add(
          get(
              "minPosition not a number at " + base,
              base + "x-1?minPosition=x",
              400,
              "validation_failed"));
    }
    cases.add(
        get("unknown purchase", "/v1/coins/purchases/cp-unknown", 404, "coin_purchase_not_found"));
    cases.add(get("unknown gift", "/v1/gifts/g-unknown", 404, "gift_not_found"));
    cases.add(
        Arguments.of("GET on the purchases", "GET", PURCHASES, null, 405, "method_not_allowed"));
    cases.add(Arguments.of("GET on the gifts", "GET", GIFTS, null, 405, "method_not_allowed"));
    return cases.stream();
  }

  private static Arguments post(String name, String path, String body, int status, String code) {
    return Arguments.of(name, "POST", path, body, status, code);
  }

  private static Arguments get(String name, String path, int status, String code) {
    return Arguments.of(name, "GET", path, null, status, code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void answersBadInputWithAProblemAndRecordsNothing(
      String name, String method, String path, String body, int status, String code) {
    Http.Response response =
        method.equals("POST") ? api.postRaw(path, body, "application/json") : api.get(path);

    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.code()).as(response.toString()).isEqualTo(code);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body().path("requestId").asText()).isNotBlank();
    if (code.equals("validation_failed") && method.equals("POST")) {
      assertThat(response.body().path("errors")).as(response.toString()).isNotEmpty();
    }
    assertThat(eventsOfThisTenant()).isZero();
  }

  @Test
  void aValidPurchaseWithoutStripeIsUnavailableAndRecordsNothing() {
    Http.Response response = api.postRaw(PURCHASES, PURCHASE.formatted("100"), "application/json");

    assertThat(response.status()).as(response.toString()).isEqualTo(503);
    assertThat(response.code()).isEqualTo("unavailable");
    assertThat(eventsOfThisTenant()).isZero();
  }

  @Test
  void aReadOnlyKeyCannotBuyCoinsNorSendGifts() {
    Http reader = api.as(newKey(tenant, "ledger:read"));
    for (Http.Response response :
        List.of(
            reader.postRaw(PURCHASES, PURCHASE.formatted("100"), "application/json"),
            reader.postRaw(GIFTS, GIFT.formatted("10"), "application/json"))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(403);
      assertThat(response.code()).isEqualTo("forbidden");
    }
    Http anonymous = api.as(null);
    assertThat(anonymous.get("/v1/gifts/g-1").status()).isEqualTo(401);
    assertThat(anonymous.postRaw(GIFTS, GIFT.formatted("10"), "application/json").status())
        .isEqualTo(401);
    assertThat(eventsOfThisTenant()).isZero();
  }

  @Test
  void refusesBodiesThatAreNotJson() {
    for (String path : List.of(PURCHASES, GIFTS)) {
      Http.Response response = api.postRaw(path, GIFT.formatted("1"), "text/plain");
      assertThat(response.status()).as(response.toString()).isEqualTo(415);
      assertThat(response.code()).isEqualTo("unsupported_media_type");
    }
  }

  private long eventsOfThisTenant() {
    return jdbc.queryForObject(
        "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
        Long.class,
        tenant + "/%");
  }
}
