package dev.ledger.api.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the checkout tests do over and over, through the HTTP API of one tenant. */
final class Shop {
  private Shop() {}

  /** A product's body for {@code PUT /v1/products/{sku}}; a null price is left out. */
  static Map<String, Object> product(
      String name, Long pricePoints, Long priceMinor, String currency) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    if (pricePoints != null) {
      body.put("pricePoints", pricePoints);
    }
    if (priceMinor != null) {
      body.put("priceMinor", priceMinor);
    }
    if (currency != null) {
      body.put("currency", currency);
    }
    return body;
  }

  static Http.Response define(
      Http api, String sku, String name, Long pricePoints, Long priceMinor, String currency) {
    return api.put("/v1/products/" + sku, product(name, pricePoints, priceMinor, currency));
  }

  /** Defines a product and gives it {@code stock} units; answers the position of the last write. */
  static long stocked(
      Http api, String sku, Long pricePoints, Long priceMinor, String currency, long stock) {
    Http.Response defined = define(api, sku, sku, pricePoints, priceMinor, currency);
    assertThat(defined.status()).as(defined.toString()).isIn(200, 201);
    if (stock == 0) {
      return defined.body().get("position").asLong();
    }
    Http.Response adjusted = adjust(api, sku, stock, "delivery");
    assertThat(adjusted.status()).as(adjusted.toString()).isEqualTo(200);
    return adjusted.body().get("position").asLong();
  }

  static Http.Response adjust(Http api, String sku, long delta, String reason) {
    return api.post(
        "/v1/products/" + sku + "/stock-adjustments", Map.of("delta", delta, "reason", reason));
  }

  /** The product as the catalog shows it once it has read up to {@code position}. */
  static JsonNode read(Http api, String sku, long position) {
    Http.Response product = api.get("/v1/products/" + sku + "?minPosition=" + position);
    assertThat(product.status()).as(product.toString()).isEqualTo(200);
    return product.body();
  }

  /** {@code onHand}, {@code reserved}, {@code available} of a product as the catalog shows it. */
  static List<Long> stock(Http api, String sku, long position) {
    JsonNode product = read(api, sku, position);
    return List.of(
        product.get("onHand").asLong(),
        product.get("reserved").asLong(),
        product.get("available").asLong());
  }

  static Map<String, Object> item(String sku, long quantity) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("sku", sku);
    item.put("quantity", quantity);
    return item;
  }

  static Map<String, Object> order(
      String id, String userId, String payWith, List<Map<String, Object>> items) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (id != null) {
      body.put("id", id);
    }
    body.put("userId", userId);
    body.put("items", new ArrayList<>(items));
    body.put("payWith", payWith);
    return body;
  }

  @SafeVarargs
  static Http.Response pointsOrder(
      Http api, String id, String userId, Map<String, Object>... items) {
    return api.post("/v1/orders", order(id, userId, "points", List.of(items)));
  }

  @SafeVarargs
  static Http.Response cardOrder(Http api, String id, String userId, Map<String, Object>... items) {
    return api.post("/v1/orders", order(id, userId, "card", List.of(items)));
  }

  /** The order as the catalog shows it once it has read up to {@code position}. */
  static Http.Response readOrder(Http api, String id, long position) {
    return api.get("/v1/orders/" + id + "?minPosition=" + position);
  }

  static Http.Response award(Http api, String id, String userId, long points) {
    Http.Response awarded =
        api.post(
            "/v1/points/awards",
            Map.of("id", id, "userId", userId, "amount", points, "reason", "test award"));
    assertThat(awarded.status()).as(awarded.toString()).isEqualTo(201);
    return awarded;
  }

  /** The user's points as the wallet shows them once it has read up to {@code position}. */
  static long points(Http api, String userId, long position) {
    Http.Response wallet = api.get("/v1/users/" + userId + "/wallet?minPosition=" + position);
    assertThat(wallet.status()).as(wallet.toString()).isEqualTo(200);
    return wallet.body().get("points").get("balance").asLong();
  }

  /** The balances of every POINTS account of the tenant, read at {@code position}. */
  static Map<String, Long> pointsBalances(Http api, long position) {
    Map<String, Long> balances = new LinkedHashMap<>();
    String cursor = null;
    do {
      Http.Response page =
          api.get(
              "/v1/accounts?asset=POINTS&limit=500&minPosition="
                  + position
                  + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      for (JsonNode account : page.body().get("data")) {
        balances.put(account.get("id").asText(), account.get("balance").get("posted").asLong());
      }
      JsonNode next = page.body().get("nextCursor");
      cursor = next == null || next.isNull() ? null : next.asText();
    } while (cursor != null);
    return balances;
  }

  /** Every event recorded for aggregates of {@code tenant}: a refused command adds none. */
  static int events(JdbcTemplate jdbc, String tenant) {
    Integer events =
        jdbc.queryForObject(
            "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?",
            Integer.class,
            tenant + "/%");
    return events == null ? 0 : events;
  }

  /** How many events of this type (simple class name) the tenant's aggregates recorded. */
  static int events(JdbcTemplate jdbc, String tenant, String type) {
    Integer events =
        jdbc.queryForObject(
            "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier LIKE ?"
                + " AND payload_type LIKE ?",
            Integer.class,
            tenant + "/%",
            "%$" + type);
    return events == null ? 0 : events;
  }
}
