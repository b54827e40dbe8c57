package dev.ledger.api.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Bad input to the catalog and order endpoints gets a 4xx problem with a stable code, never a 500,
 * and records nothing for the tenant: no event, no product or order row, no stored idempotent
 * answer. Well-formed requests at the limits (a quantity of 1000000, 100 lines) are accepted as
 * input and meet the next rule (the product does not exist).
 */
class CheckoutBadInputApiTest extends ApiTest {
  private static final String PRODUCT = "/v1/products/mug";
  private static final String ADJUST = "/v1/products/mug/stock-adjustments";
  private static final String ORDERS = "/v1/orders";
  private static final String CANCEL = "/v1/orders/o-1/cancel";
  private static final String PRODUCT_BODY =
      "{\"name\":\"Mug\",\"pricePoints\":120,\"priceMinor\":1500,\"currency\":\"USD\"}";
  private static final String ADJUST_BODY = "{\"delta\":5,\"reason\":\"delivery\"}";
  private static final String ORDER_BODY =
      "{\"id\":\"o-1\",\"userId\":\"alice\",\"items\":[{\"sku\":\"mug\",\"quantity\":1}],"
          + "\"payWith\":\"points\"}";
  private static final String VALIDATION = "validation_failed";
  private static final String MALFORMED = "malformed_json";

  @Autowired JdbcTemplate jdbc;

  static Stream<Arguments> badRequests() {
    List<Arguments> cases = new ArrayList<>();
    for (String[] endpoint :
        List.of(
            new String[] {"PUT", PRODUCT},
            new String[] {"POST", ADJUST},
            new String[] {"POST", ORDERS},
            new String[] {"POST", CANCEL})) {
      String method = endpoint[0];
      String path = endpoint[1];
      cases.add(of("malformed JSON", method, path, "{\"name\":", 400, MALFORMED));
      cases.add(of("a JSON array", method, path, "[1,2]", 400, MALFORMED));
      cases.add(of("a JSON string", method, path, "\"mug\"", 400, MALFORMED));
      cases.add(of("trailing garbage", method, path, "{} x", 400, MALFORMED));
      cases.add(of("unknown field", method, path, "{\"colour\":\"blue\"}", 400, VALIDATION));
    }
    // an empty body is a cancellation without a reason; everywhere else it is malformed
    cases.add(of("empty body", "PUT", PRODUCT, "", 400, MALFORMED));
    cases.add(of("empty body", "POST", ADJUST, "", 400, MALFORMED));
    cases.add(of("empty body", "POST", ORDERS, "", 400, MALFORMED));

    // PUT /v1/products/{sku}
    cases.add(put("duplicate field", PRODUCT_BODY.replace("}", ",\"name\":\"Cup\"}"), MALFORMED));
    cases.add(put("missing name", "{\"pricePoints\":120}", VALIDATION));
    cases.add(put("name not a string", PRODUCT_BODY.replace("\"Mug\"", "5"), VALIDATION));
    cases.add(put("empty name", PRODUCT_BODY.replace("\"Mug\"", "\"\""), VALIDATION));
    cases.add(
        put("name of 257 characters", PRODUCT_BODY.replace("Mug", "m".repeat(257)), VALIDATION));
    cases.add(put("no price at all", "{\"name\":\"Mug\"}", VALIDATION));
    cases.add(put("prices null", "{\"name\":\"Mug\",\"pricePoints\":null}", VALIDATION));
    for (String price :
        List.of("0", "-1", "1.5", "1e3", "\"120\"", "true", "9223372036854775808", "[120]")) {
      cases.add(put("pricePoints " + price, PRODUCT_BODY.replace("120", price), VALIDATION));
      cases.add(put("priceMinor " + price, PRODUCT_BODY.replace("1500", price), VALIDATION));
    }
    cases.add(
        put("priceMinor without currency", "{\"name\":\"Mug\",\"priceMinor\":1500}", VALIDATION));
    cases.add(
        put(
            "priceMinor with a null currency",
            "{\"name\":\"Mug\",\"priceMinor\":1500,\"currency\":null}",
            VALIDATION));
    cases.add(
        put(
            "currency without priceMinor",
            "{\"name\":\"Mug\",\"pricePoints\":120,\"currency\":\"USD\"}",
            VALIDATION));
    for (String currency : List.of("DOGE", "usd", "POINTS", "COINS", "US", "", "XYZ", "US$")) {
      cases.add(
          put(
              "currency '" + currency + "'",
              PRODUCT_BODY.replace("\"USD\"", "\"" + currency + "\""),
              VALIDATION));
    }
    cases.add(put("currency a number", PRODUCT_BODY.replace("\"USD\"", "840"), VALIDATION));
    for (String field : List.of("stock", "onHand", "reserved", "available", "price", "sku")) {
      cases.add(
          put(
              "unknown field " + field,
              PRODUCT_BODY.replace("}", ",\"" + field + "\":5}"),
              VALIDATION));
    }
    for (String sku : illFormedSkus()) {
      cases.add(
          of(
              "ill-formed sku '" + sku + "'",
              "PUT",
              "/v1/products/" + sku,
              PRODUCT_BODY,
              400,
              VALIDATION));
    }

    // POST /v1/products/{sku}/stock-adjustments
    cases.add(adjust("missing delta", "{\"reason\":\"delivery\"}", VALIDATION));
    cases.add(adjust("missing reason", "{\"delta\":5}", VALIDATION));
    for (String delta :
        List.of(
            "0",
            "1.5",
            "-2.5",
            "1e3",
            "\"5\"",
            "null",
            "true",
            "9223372036854775808",
            "-9223372036854775809",
            "[5]")) {
      cases.add(adjust("delta " + delta, ADJUST_BODY.replace("5", delta), VALIDATION));
    }
    for (String reason : List.of("7", "\"\"", "null", "\"" + "r".repeat(257) + "\"")) {
      cases.add(
          adjust(
              "reason " + (reason.length() > 10 ? "of 257 characters" : reason),
              ADJUST_BODY.replace("\"delivery\"", reason),
              VALIDATION));
    }
    cases.add(
        adjust("unknown field onHand", "{\"delta\":5,\"reason\":\"x\",\"onHand\":9}", VALIDATION));
    for (String sku : illFormedSkus()) {
      cases.add(
          of(
              "adjustment of ill-formed sku '" + sku + "'",
              "POST",
              "/v1/products/" + sku + "/stock-adjustments",
              ADJUST_BODY,
              400,
              VALIDATION));
    }
    cases.add(
        of(
            "adjustment of an unknown product",
            "POST",
            ADJUST,
            ADJUST_BODY,
            404,
            "product_not_found"));
    cases.add(
        of(
            "removal from an unknown product",
            "POST",
            ADJUST,
            "{\"delta\":-5,\"reason\":\"stocktake\"}",
            404,
            "product_not_found"));

    // GET /v1/products/{sku}
    for (String sku : illFormedSkus()) {
      cases.add(
          get("read of ill-formed sku '" + sku + "'", "/v1/products/" + sku, 400, VALIDATION));
    }
    for (String position : List.of("-1", "x", "1.5", "99999999999999999999")) {
      cases.add(
          get(
              "product with minPosition " + position,
              PRODUCT + "?minPosition=" + position,
              400,
              VALIDATION));
    }
    cases.add(get("unknown product", PRODUCT, 404, "product_not_found"));
    cases.add(of("DELETE a product", "DELETE", PRODUCT, null, 405, "method_not_allowed"));

    // POST /v1/orders
    cases.add(order("duplicate field", withField(ORDER_BODY, "userId", "\"bob\""), MALFORMED));
    cases.add(order("empty object", "{}", VALIDATION));
    cases.add(order("missing userId", ORDER_BODY.replace("\"userId\":\"alice\",", ""), VALIDATION));
    cases.add(
        order(
            "missing items",
            ORDER_BODY.replace("\"items\":[{\"sku\":\"mug\",\"quantity\":1}],", ""),
            VALIDATION));
    cases.add(
        order("missing payWith", ORDER_BODY.replace(",\"payWith\":\"points\"", ""), VALIDATION));
    for (String userId :
        List.of("42", "\"a:b\"", "\"al ice\"", "\"\"", "\"" + "u".repeat(65) + "\"")) {
      cases.add(
          order(
              "userId " + (userId.length() > 10 ? "of 65 characters" : userId),
              ORDER_BODY.replace("\"alice\"", userId),
              VALIDATION));
    }
    String items = "[{\"sku\":\"mug\",\"quantity\":1}]";
    for (String[] bad :
        new String[][] {
          {"items a string", "\"mug\""},
          {"items an object", "{\"sku\":\"mug\",\"quantity\":1}"},
          {"items empty", "[]"},
          {"items null", "null"},
          {"an item that is a number", "[1]"},
          {"an item that is null", "[null]"},
          {"an item without sku", "[{\"quantity\":1}]"},
          {"an item without quantity", "[{\"sku\":\"mug\"}]"},
          {"an item with a price", "[{\"sku\":\"mug\",\"quantity\":1,\"unitPrice\":1}]"},
          {"an item with pricePoints", "[{\"sku\":\"mug\",\"quantity\":1,\"pricePoints\":1}]"},
          {"sku a number", "[{\"sku\":5,\"quantity\":1}]"},
          {"sku empty", "[{\"sku\":\"\",\"quantity\":1}]"},
          {"sku with a space", "[{\"sku\":\"a b\",\"quantity\":1}]"},
          {"sku with a colon", "[{\"sku\":\"a:b\",\"quantity\":1}]"},
          {"sku with a slash", "[{\"sku\":\"a/b\",\"quantity\":1}]"},
          {"sku of 65 characters", "[{\"sku\":\"" + "s".repeat(65) + "\",\"quantity\":1}]"},
          {
            "duplicate sku lines",
            "[{\"sku\":\"mug\",\"quantity\":1},{\"sku\":\"mug\",\"quantity\":2}]"
          },
          {"quantity 0", "[{\"sku\":\"mug\",\"quantity\":0}]"},
          {"quantity -1", "[{\"sku\":\"mug\",\"quantity\":-1}]"},
          {"quantity 1.5", "[{\"sku\":\"mug\",\"quantity\":1.5}]"},
          {"quantity 1e2", "[{\"sku\":\"mug\",\"quantity\":1e2}]"},
          {"quantity a string", "[{\"sku\":\"mug\",\"quantity\":\"1\"}]"},
          {"quantity null", "[{\"sku\":\"mug\",\"quantity\":null}]"},
          {"quantity true", "[{\"sku\":\"mug\",\"quantity\":true}]"},
          {"quantity 1000001", "[{\"sku\":\"mug\",\"quantity\":1000001}]"},
          {"quantity beyond 64 bits", "[{\"sku\":\"mug\",\"quantity\":9223372036854775808}]"},
          {"101 items", lines(101)},
        }) {
      cases.add(order(bad[0], ORDER_BODY.replace(items, bad[1]), VALIDATION));
    }
    for (String payWith :
        List.of("\"cash\"", "\"POINTS\"", "\"Card\"", "\"\"", "1", "null", "[\"points\"]")) {
      cases.add(order("payWith " + payWith, ORDER_BODY.replace("\"points\"", payWith), VALIDATION));
    }
    for (String field : List.of("totalPoints", "totalMinor", "currency", "status", "price")) {
      cases.add(order("unknown field " + field, withField(ORDER_BODY, field, "1"), VALIDATION));
    }
    for (String id :
        List.of("\"a b\"", "\"\"", "5", "\"engine:order:x\"", "\"" + "i".repeat(129) + "\"")) {
      cases.add(
          order(
              "id " + (id.length() > 20 ? "of 129 characters" : id),
              ORDER_BODY.replace("\"o-1\"", id),
              VALIDATION));
    }
    cases.add(
        order(
            "card order with a bad quantity (checked before Stripe is asked)",
            ORDER_BODY
                .replace("\"points\"", "\"card\"")
                .replace("\"quantity\":1", "\"quantity\":0"),
            VALIDATION));
    cases.add(
        of(
            "order without id or Idempotency-Key",
            "POST",
            ORDERS,
            ORDER_BODY.replace("\"id\":\"o-1\",", ""),
            400,
            "idempotency_key_required"));
    cases.add(
        of("order of an unknown product", "POST", ORDERS, ORDER_BODY, 404, "product_not_found"));
    cases.add(
        of(
            "order of 1000000 of an unknown product (the largest quantity)",
            "POST",
            ORDERS,
            ORDER_BODY.replace("\"quantity\":1", "\"quantity\":1000000"),
            404,
            "product_not_found"));
    cases.add(
        of(
            "order of 100 unknown products (the most lines)",
            "POST",
            ORDERS,
            ORDER_BODY.replace(items, lines(100)),
            404,
            "product_not_found"));
    cases.add(get("list of orders", ORDERS, 405, "method_not_allowed"));

    // GET /v1/orders/{id} and POST /v1/orders/{id}/cancel
    for (String id : List.of("a%20b", "i".repeat(129), "a%2Cb", "%C3%A9")) {
      cases.add(
          get("read of ill-formed order id '" + id + "'", "/v1/orders/" + id, 400, VALIDATION));
      cases.add(
          of(
              "cancel of ill-formed order id '" + id + "'",
              "POST",
              "/v1/orders/" + id + "/cancel",
              "",
              400,
              VALIDATION));
    }
    cases.add(get("order with minPosition -1", "/v1/orders/o-1?minPosition=-1", 400, VALIDATION));
    cases.add(get("order with minPosition x", "/v1/orders/o-1?minPosition=x", 400, VALIDATION));
    cases.add(get("unknown order", "/v1/orders/o-1", 404, "order_not_found"));
    cases.add(of("cancel with reason a number", "POST", CANCEL, "{\"reason\":5}", 400, VALIDATION));
    cases.add(
        of("cancel with an empty reason", "POST", CANCEL, "{\"reason\":\"\"}", 400, VALIDATION));
    cases.add(
        of(
            "cancel with a reason of 257 characters",
            "POST",
            CANCEL,
            "{\"reason\":\"" + "r".repeat(257) + "\"}",
            400,
            VALIDATION));
    cases.add(of("cancel of an unknown order", "POST", CANCEL, "", 404, "order_not_found"));
    cases.add(
        of(
            "cancel with a reason of an unknown order",
            "POST",
            CANCEL,
            "{\"reason\":\"changed my mind\"}",
            404,
            "order_not_found"));
    return cases.stream();
  }

  private static List<String> illFormedSkus() {
    return List.of("a%20b", "a:b", "m".repeat(65), "%C3%A9", "a%2Cb", "mug%21");
  }

  /** The body with one more field at its end (a repeated name makes it a duplicate). */
  private static String withField(String body, String field, String json) {
    return body.substring(0, body.length() - 1) + ",\"" + field + "\":" + json + "}";
  }

  private static String lines(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "{\"sku\":\"sku-" + i + "\",\"quantity\":1}")
        .collect(Collectors.joining(",", "[", "]"));
  }

  private static Arguments of(
      String name, String method, String path, String body, int status, String code) {
    return Arguments.of(
        method + " " + shorten(path) + ": " + name, method, path, body, status, code);
  }

  private static String shorten(String path) {
    return path.length() > 60 ? path.substring(0, 57) + "..." : path;
  }

  private static Arguments put(String name, String body, String code) {
    return of(name, "PUT", PRODUCT, body, 400, code);
  }

  private static Arguments adjust(String name, String body, String code) {
    return of(name, "POST", ADJUST, body, 400, code);
  }

  private static Arguments order(String name, String body, String code) {
    return of(name, "POST", ORDERS, body, 400, code);
  }

  private static Arguments get(String name, String path, int status, String code) {
    return of(name, "GET", path, null, status, code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void answersBadInputWithAProblemAndRecordsNothing(
      String name, String method, String path, String body, int status, String code) {
    Http.Response response =
        switch (method) {
          case "PUT" -> api.putRaw(path, body, "application/json");
          case "POST" -> api.postRaw(path, body, "application/json");
          case "DELETE" -> api.delete(path);
          default -> api.get(path);
        };

    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.code()).as(response.toString()).isEqualTo(code);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body().path("status").asInt()).isEqualTo(status);
    assertThat(response.body().path("requestId").asText()).isNotBlank();
    if (code.equals(VALIDATION)) {
      assertThat(response.body().path("errors")).as(response.toString()).isNotEmpty();
    }
  }

  static Stream<Arguments> bodies() {
    return Stream.of(
        Arguments.of("PUT", PRODUCT, PRODUCT_BODY),
        Arguments.of("POST", ADJUST, ADJUST_BODY),
        Arguments.of("POST", ORDERS, ORDER_BODY),
        Arguments.of("POST", CANCEL, "{\"reason\":\"changed my mind\"}"));
  }

  @ParameterizedTest(name = "wrong content type on {0} {1}")
  @MethodSource("bodies")
  void refusesBodiesThatAreNotJson(String method, String path, String body) {
    for (String type :
        List.of("text/plain", "application/x-www-form-urlencoded", "application/xml")) {
      Http.Response response =
          method.equals("PUT") ? api.putRaw(path, body, type) : api.postRaw(path, body, type);
      assertThat(response.status()).as(type + ": " + response).isEqualTo(415);
      assertThat(response.code()).isEqualTo("unsupported_media_type");
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }
    Http.Response none =
        method.equals("PUT") ? api.putRaw(path, body, null) : api.postRaw(path, body, null);
    assertThat(none.status()).as(none.toString()).isEqualTo(415);
    assertThat(none.code()).isEqualTo("unsupported_media_type");
  }

  @ParameterizedTest(name = "oversized body on {0} {1}")
  @MethodSource("bodies")
  void refusesOversizedBodies(String method, String path, String body) {
    String padded =
        body.replaceFirst("\\{", "{\"padding\":\"" + "p".repeat(3 * 1024 * 1024) + "\",");
    Http.Response response =
        method.equals("PUT")
            ? api.putRaw(path, padded, "application/json")
            : api.postRaw(path, padded, "application/json");
    assertThat(response.status()).as(response.toString()).isEqualTo(413);
    assertThat(response.code()).isEqualTo("payload_too_large");
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  @ParameterizedTest(name = "read-only key on {0} {1}")
  @MethodSource("bodies")
  void aReadOnlyKeyCannotChangeTheCatalogNorOrder(String method, String path, String body) {
    Http reader = api.as(newKey(tenant, "ledger:read"));
    Http.Response response =
        method.equals("PUT")
            ? reader.putRaw(path, body, "application/json")
            : reader.postRaw(path, body, "application/json");
    assertThat(response.status()).as(response.toString()).isEqualTo(403);
    assertThat(response.code()).isEqualTo("forbidden");
    Http.Response anonymous =
        method.equals("PUT")
            ? api.as(null).putRaw(path, body, "application/json")
            : api.as(null).postRaw(path, body, "application/json");
    assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
    assertThat(anonymous.code()).isEqualTo("unauthenticated");
  }

  /** Whatever the case, the tenant has nothing recorded. */
  @AfterEach
  void nothingIsRecordedForTheTenant() {
    assertThat(Shop.events(jdbc, tenant)).as("events of the tenant").isZero();
    assertThat(count("SELECT count(*) FROM product WHERE tenant_id = ?")).isZero();
    assertThat(count("SELECT count(*) FROM shop_order WHERE tenant_id = ?")).isZero();
    assertThat(count("SELECT count(*) FROM idempotency_record WHERE tenant_id = ?")).isZero();
  }

  private int count(String sql) {
    Integer count = jdbc.queryForObject(sql, Integer.class, tenant);
    return count == null ? 0 : count;
  }
}
