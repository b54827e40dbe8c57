package dev.ledger.api.checkout;

import static dev.ledger.api.checkout.Shop.award;
import static dev.ledger.api.checkout.Shop.define;
import static dev.ledger.api.checkout.Shop.events;
import static dev.ledger.api.checkout.Shop.item;
import static dev.ledger.api.checkout.Shop.points;
import static dev.ledger.api.checkout.Shop.pointsOrder;
import static dev.ledger.api.checkout.Shop.readOrder;
import static dev.ledger.api.checkout.Shop.stock;
import static dev.ledger.api.checkout.Shop.stocked;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The catalog and points checkout over HTTP: products are defined and restocked with a reason, the
 * catalog shows onHand, reserved and available; a points order prices every line from the catalog
 * and takes the stock of every line and the user's points together, or, refused for any reason,
 * changes nothing at all; an order id is taken once, and a completed order cannot be canceled.
 */
class CatalogApiTest extends ApiTest {
  private static final String REDEEMED = "platform:points:redeemed";
  private static final String ISSUANCE = "platform:points:issuance";

  @Autowired JdbcTemplate jdbc;

  @Test
  void aNewProductIs201AChangeIs200AndTheCatalogShowsEachVersion() {
    Http.Response created = define(api, "mug", "Mug", 120L, null, null);

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode body = created.body();
    assertThat(body.get("sku").asText()).isEqualTo("mug");
    assertThat(body.get("name").asText()).isEqualTo("Mug");
    assertThat(body.get("pricePoints").asLong()).isEqualTo(120);
    assertThat(body.get("priceMinor").isNull()).isTrue();
    assertThat(body.get("currency").isNull()).isTrue();
    assertThat(body.get("onHand").asLong()).isZero();
    assertThat(body.get("reserved").asLong()).isZero();
    assertThat(body.get("available").asLong()).isZero();
    long position = body.get("position").asLong();
    assertThat(position).isPositive();
    JsonNode read = Shop.read(api, "mug", position);
    assertThat(read.get("name").asText()).isEqualTo("Mug");
    assertThat(read.get("pricePoints").asLong()).isEqualTo(120);
    assertThat(read.get("priceMinor").isNull()).isTrue();
    assertThat(read.get("position").asLong()).isGreaterThanOrEqualTo(position);

    Http.Response same = define(api, "mug", "Mug", 120L, null, null);
    assertThat(same.status()).as(same.toString()).isEqualTo(200);
    Http.Response changed = define(api, "mug", "Big mug", 150L, 1_299L, "EUR");
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.body().get("name").asText()).isEqualTo("Big mug");
    long later = changed.body().get("position").asLong();
    assertThat(later).isGreaterThan(position);

    JsonNode current = Shop.read(api, "mug", later);
    assertThat(current.get("name").asText()).isEqualTo("Big mug");
    assertThat(current.get("pricePoints").asLong()).isEqualTo(150);
    assertThat(current.get("priceMinor").asLong()).isEqualTo(1_299);
    assertThat(current.get("currency").asText()).isEqualTo("EUR");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Integer.class,
                tenant + "/product/mug"))
        .as("the unchanged PUT recorded nothing")
        .isEqualTo(2);

    Http.Response unknown = api.get("/v1/products/teapot?minPosition=" + later);
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("product_not_found");
    Http other = new Http(port, newKey(tenant + "x", "ledger:read", "ledger:write"));
    Http.Response elsewhere = other.get("/v1/products/mug?minPosition=" + later);
    assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(404);
    assertThat(elsewhere.code()).isEqualTo("product_not_found");
  }

  @Test
  void stockIsAdjustedUpAndDownWithAReasonButNeverBelowZero() {
    define(api, "pen", "Pen", 30L, null, null);

    Http.Response delivered = Shop.adjust(api, "pen", 10, "delivery");
    assertThat(delivered.status()).as(delivered.toString()).isEqualTo(200);
    assertThat(delivered.body().get("sku").asText()).isEqualTo("pen");
    assertThat(delivered.body().get("onHand").asLong()).isEqualTo(10);
    assertThat(delivered.body().get("reserved").asLong()).isZero();
    assertThat(delivered.body().get("available").asLong()).isEqualTo(10);
    Http.Response broken = Shop.adjust(api, "pen", -4, "broken in the warehouse");
    assertThat(broken.status()).as(broken.toString()).isEqualTo(200);
    assertThat(broken.body().get("onHand").asLong()).isEqualTo(6);
    long position = broken.body().get("position").asLong();
    assertThat(stock(api, "pen", position)).containsExactly(6L, 0L, 6L);
    int before = events(jdbc, tenant);

    Http.Response belowZero = Shop.adjust(api, "pen", -7, "stocktake");
    assertThat(belowZero.status()).as(belowZero.toString()).isEqualTo(409);
    assertThat(belowZero.code()).isEqualTo("out_of_stock");
    assertThat(belowZero.header("Content-Type")).startsWith("application/problem+json");
    Http.Response farBelow = Shop.adjust(api, "pen", Long.MIN_VALUE, "stocktake");
    assertThat(farBelow.status()).as(farBelow.toString()).isEqualTo(409);
    assertThat(farBelow.code()).isEqualTo("out_of_stock");
    Http.Response unknown = Shop.adjust(api, "pencil", 5, "delivery");
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("product_not_found");
    assertThat(events(jdbc, tenant)).isEqualTo(before);

    // a change of name or price leaves the stock alone
    Http.Response renamed = define(api, "pen", "Blue pen", 35L, null, null);
    assertThat(renamed.body().get("onHand").asLong()).isEqualTo(6);
    Http.Response emptied = Shop.adjust(api, "pen", -6, "stocktake");
    assertThat(emptied.status()).as(emptied.toString()).isEqualTo(200);
    assertThat(stock(api, "pen", emptied.body().get("position").asLong()))
        .containsExactly(0L, 0L, 0L);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?"
                    + " AND payload_type LIKE '%$StockAdjusted'",
                Integer.class, tenant + "/product/pen"))
        .isEqualTo(3);
  }

  @Test
  void aPointsOrderTakesEveryLinesStockAndTheUsersPointsTogether() {
    stocked(api, "mug", 120L, null, null, 5);
    stocked(api, "pen", 30L, 250L, "USD", 10);
    award(api, "award-1", "alice", 1_000);

    Http.Response placed = pointsOrder(api, "o-1", "alice", item("mug", 2), item("pen", 3));

    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    JsonNode order = placed.body();
    assertThat(order.get("id").asText()).isEqualTo("o-1");
    assertThat(order.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(order.get("userId").asText()).isEqualTo("alice");
    assertThat(order.get("totalPoints").asLong()).isEqualTo(2 * 120 + 3 * 30);
    assertLines(order.get("items"));
    long position = order.get("position").asLong();
    assertThat(points(api, "alice", position)).isEqualTo(1_000 - 330);
    assertThat(stock(api, "mug", position)).containsExactly(3L, 0L, 3L);
    assertThat(stock(api, "pen", position)).containsExactly(7L, 0L, 7L);

    Http.Response read = readOrder(api, "o-1", position);
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(read.body().get("status").asText()).isEqualTo("COMPLETED");
    assertThat(read.body().get("payWith").asText()).isEqualTo("points");
    assertThat(read.body().get("userId").asText()).isEqualTo("alice");
    assertThat(read.body().get("totalPoints").asLong()).isEqualTo(330);
    assertLines(read.body().get("items"));

    // the debit is one posting to the redemption account, labelled with the order
    JsonNode entries =
        api.get("/v1/accounts/user:alice:points/entries?minPosition=" + position)
            .body()
            .get("data");
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).get("amount").asLong()).isEqualTo(-330);
    assertThat(entries.get(0).get("balanceAfter").asLong()).isEqualTo(670);
    assertThat(entries.get(0).get("code").asText()).isEqualTo("checkout");
    assertThat(entries.get(0).get("reference").asText()).isEqualTo("order:o-1");
    Map<String, Long> balances = Shop.pointsBalances(api, position);
    assertThat(balances)
        .containsEntry("user:alice:points", 670L)
        .containsEntry(REDEEMED, 330L)
        .containsEntry(ISSUANCE, -1_000L);
    assertThat(balances.values().stream().mapToLong(Long::longValue).sum()).isZero();
  }

  /** The shop of the refusal tests: mug and pen by points, a poster by card only. */
  private long shop() {
    stocked(api, "mug", 120L, null, null, 5);
    stocked(api, "pen", 30L, null, null, 10);
    stocked(api, "poster", null, 900L, "USD", 4);
    award(api, "award-alice", "alice", 1_000);
    return award(api, "award-bob", "bob", 100).body().get("position").asLong();
  }

  /**
   * The refusal is the expected problem, the tenant recorded no event for it, the order does not
   * exist, and stock and points are as they were.
   */
  private void assertRefusedAndNothingChanged(
      Http.Response refused, int status, String code, int eventsBefore, long position) {
    assertThat(refused.status()).as(refused.toString()).isEqualTo(status);
    assertThat(refused.code()).as(refused.toString()).isEqualTo(code);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(events(jdbc, tenant)).as("events of the tenant").isEqualTo(eventsBefore);
    Http.Response order = readOrder(api, "o-1", position);
    assertThat(order.status()).as(order.toString()).isEqualTo(404);
    assertThat(order.code()).isEqualTo("order_not_found");
    assertThat(stock(api, "mug", position)).containsExactly(5L, 0L, 5L);
    assertThat(stock(api, "pen", position)).containsExactly(10L, 0L, 10L);
    assertThat(stock(api, "poster", position)).containsExactly(4L, 0L, 4L);
    assertThat(points(api, "alice", position)).isEqualTo(1_000);
    assertThat(points(api, "bob", position)).isEqualTo(100);
  }

  @Test
  void anOrderWithOneLineOutOfStockChangesNothingAndLeavesItsIdFree() {
    long position = shop();
    int before = events(jdbc, tenant);

    // mug sorts first: its stock is taken in the unit of work before pen is found short
    Http.Response refused = pointsOrder(api, "o-1", "alice", item("mug", 2), item("pen", 11));

    assertRefusedAndNothingChanged(refused, 409, "out_of_stock", before, position);
    assertRefusedAndNothingChanged(
        pointsOrder(api, "o-1", "alice", item("mug", 6)), 409, "out_of_stock", before, position);
    Http.Response placed = pointsOrder(api, "o-1", "alice", item("mug", 2), item("pen", 10));
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    long after = placed.body().get("position").asLong();
    assertThat(stock(api, "mug", after)).containsExactly(3L, 0L, 3L);
    assertThat(stock(api, "pen", after)).containsExactly(0L, 0L, 0L);
    assertThat(points(api, "alice", after)).isEqualTo(1_000 - 240 - 300);
  }

  @Test
  void anOrderTheUserCannotPayChangesNothing() {
    long position = shop();
    int before = events(jdbc, tenant);

    Http.Response refused = pointsOrder(api, "o-1", "bob", item("pen", 1), item("mug", 1));

    assertRefusedAndNothingChanged(refused, 409, "insufficient_funds", before, position);
    Http.Response stranger = pointsOrder(api, "o-1", "carol", item("pen", 1));
    assertRefusedAndNothingChanged(stranger, 409, "insufficient_funds", before, position);
    assertThat(api.get("/v1/accounts/user:carol:points?minPosition=" + position).status())
        .as("a refused order opens no points account")
        .isEqualTo(404);
    Http.Response paid = pointsOrder(api, "o-1", "bob", item("pen", 3));
    assertThat(paid.status()).as(paid.toString()).isEqualTo(201);
    long after = paid.body().get("position").asLong();
    assertThat(points(api, "bob", after)).isEqualTo(10);
    assertThat(stock(api, "pen", after)).containsExactly(7L, 0L, 7L);
  }

  @Test
  void anOrderOfAnUnknownProductChangesNothing() {
    long position = shop();
    int before = events(jdbc, tenant);

    Http.Response refused = pointsOrder(api, "o-1", "alice", item("mug", 1), item("teapot", 1));

    assertRefusedAndNothingChanged(refused, 404, "product_not_found", before, position);
  }

  @Test
  void anOrderOfAProductWithoutAPointsPriceIsPriceNotAvailableAndChangesNothing() {
    long position = shop();
    int before = events(jdbc, tenant);

    Http.Response refused = pointsOrder(api, "o-1", "alice", item("mug", 1), item("poster", 1));

    assertRefusedAndNothingChanged(refused, 400, "price_not_available", before, position);
  }

  @Test
  void anOrderWhoseTotalWouldOverflowIsRefusedAndChangesNothing() {
    stocked(api, "gold", Long.MAX_VALUE, null, null, 2);
    long position = shop();
    int before = events(jdbc, tenant);

    Http.Response overflow = pointsOrder(api, "o-1", "alice", item("gold", 2));
    assertRefusedAndNothingChanged(overflow, 409, "balance_overflow", before, position);
    Http.Response tooDear = pointsOrder(api, "o-1", "alice", item("gold", 1));
    assertRefusedAndNothingChanged(tooDear, 409, "insufficient_funds", before, position);
    assertThat(stock(api, "gold", position)).containsExactly(2L, 0L, 2L);
  }

  @Test
  void aPointsAccountOpenedWithAllowNegativeStillCannotPayBelowZero() {
    long position = shop();
    openAccount("user:dave:points", "POINTS", true);
    int before = events(jdbc, tenant);

    Http.Response refused = pointsOrder(api, "o-1", "dave", item("pen", 1));

    assertRefusedAndNothingChanged(refused, 409, "insufficient_funds", before, position);
  }

  @Test
  void pricesComeFromTheCatalogNeverFromTheClient() {
    long position = shop();
    int before = events(jdbc, tenant);
    Map<String, Object> cheapLine = item("mug", 1);
    cheapLine.put("unitPrice", 1);
    Map<String, Object> cheap = Shop.order("o-1", "alice", "points", List.of(cheapLine));
    Map<String, Object> total = Shop.order("o-1", "alice", "points", List.of(item("mug", 1)));
    total.put("totalPoints", 1);
    Map<String, Object> pricedLine = item("mug", 1);
    pricedLine.put("pricePoints", 1);
    Map<String, Object> price = Shop.order("o-1", "alice", "points", List.of(pricedLine));

    Http.Response withUnitPrice = api.post("/v1/orders", cheap);
    assertRefusedAndNothingChanged(withUnitPrice, 400, "validation_failed", before, position);
    assertThat(withUnitPrice.body().get("errors").findValuesAsText("field"))
        .contains("items[0].unitPrice");
    Http.Response withTotal = api.post("/v1/orders", total);
    assertRefusedAndNothingChanged(withTotal, 400, "validation_failed", before, position);
    assertThat(withTotal.body().get("errors").findValuesAsText("field")).contains("totalPoints");
    assertRefusedAndNothingChanged(
        api.post("/v1/orders", price), 400, "validation_failed", before, position);

    // the catalog's price at the time of the order is what the user pays
    define(api, "mug", "Mug", 200L, null, null);
    Http.Response placed = pointsOrder(api, "o-1", "alice", item("mug", 2));
    assertThat(placed.status()).as(placed.toString()).isEqualTo(201);
    assertThat(placed.body().get("totalPoints").asLong()).isEqualTo(400);
    assertThat(placed.body().get("items").get(0).get("unitPrice").asLong()).isEqualTo(200);
    long after = placed.body().get("position").asLong();
    assertThat(points(api, "alice", after)).isEqualTo(600);
    // a later price change does not touch a placed order
    define(api, "mug", "Mug", 999L, null, null);
    Http.Response read = readOrder(api, "o-1", after);
    assertThat(read.body().get("totalPoints").asLong()).isEqualTo(400);
  }

  @Test
  void anOrderRepeatedWithItsIdIs200AndTakesNothingAgain() {
    shop();
    Http.Response first = pointsOrder(api, "o-1", "alice", item("mug", 1), item("pen", 2));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);

    Http.Response again = pointsOrder(api, "o-1", "alice", item("mug", 1), item("pen", 2));

    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.body().get("id").asText()).isEqualTo("o-1");
    assertThat(again.body().get("status").asText()).isEqualTo("COMPLETED");
    assertThat(again.body().get("totalPoints").asLong()).isEqualTo(180);
    assertThat(again.body().get("items")).isEqualTo(first.body().get("items"));
    long position = again.body().get("position").asLong();
    assertThat(position).isGreaterThanOrEqualTo(first.body().get("position").asLong());
    assertThat(points(api, "alice", position)).isEqualTo(820);
    assertThat(stock(api, "mug", position)).containsExactly(4L, 0L, 4L);
    assertThat(stock(api, "pen", position)).containsExactly(8L, 0L, 8L);
    assertThat(events(jdbc, tenant, "OrderPlaced")).isEqualTo(1);
    assertThat(events(jdbc, tenant, "StockTaken")).isEqualTo(2);
    assertThat(
            api.get("/v1/accounts/user:alice:points/entries?minPosition=" + position)
                .body()
                .get("data"))
        .hasSize(2);
  }

  @Test
  void anOrderIdReusedForOtherContentIsAConflictAndChangesNothing() {
    shop();
    Http.Response first = pointsOrder(api, "o-1", "alice", item("mug", 1));
    long position = first.body().get("position").asLong();
    int before = events(jdbc, tenant);

    Http.Response moreItems = pointsOrder(api, "o-1", "alice", item("mug", 2));
    Http.Response otherItems = pointsOrder(api, "o-1", "alice", item("pen", 1));
    Http.Response otherUser = pointsOrder(api, "o-1", "bob", item("mug", 1));

    for (Http.Response conflict : List.of(moreItems, otherItems, otherUser)) {
      assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
      assertThat(conflict.code()).isEqualTo("id_conflict");
    }
    assertThat(events(jdbc, tenant)).isEqualTo(before);
    assertThat(points(api, "alice", position)).isEqualTo(880);
    assertThat(points(api, "bob", position)).isEqualTo(100);
    assertThat(stock(api, "mug", position)).containsExactly(4L, 0L, 4L);
    assertThat(stock(api, "pen", position)).containsExactly(10L, 0L, 10L);
  }

  @Test
  void aCompletedOrderCannotBeCanceled() {
    shop();
    Http.Response placed = pointsOrder(api, "o-1", "alice", item("mug", 1));
    long position = placed.body().get("position").asLong();
    int before = events(jdbc, tenant);

    Http.Response cancel = api.post("/v1/orders/o-1/cancel", null);

    assertThat(cancel.status()).as(cancel.toString()).isEqualTo(409);
    assertThat(cancel.code()).isEqualTo("invalid_state");
    Http.Response unknown = api.post("/v1/orders/o-2/cancel", Map.of("reason", "changed my mind"));
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("order_not_found");
    assertThat(events(jdbc, tenant)).isEqualTo(before);
    assertThat(readOrder(api, "o-1", position).body().get("status").asText())
        .isEqualTo("COMPLETED");
    assertThat(stock(api, "mug", position)).containsExactly(4L, 0L, 4L);
    assertThat(points(api, "alice", position)).isEqualTo(880);
  }

  @Test
  void anOrderWithoutIdIsKeptUnderItsIdempotencyKey() {
    shop();
    Http keyed = api.with("Idempotency-Key", "checkout-alice-1");
    Map<String, Object> body = Shop.order(null, "alice", "points", List.of(item("mug", 1)));

    Http.Response first = keyed.post("/v1/orders", body);
    Http.Response replay = keyed.post("/v1/orders", body);

    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    String id = first.body().get("id").asText();
    assertThat(id).isNotBlank();
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(replay.body().get("id").asText()).isEqualTo(id);
    long position = first.body().get("position").asLong();
    assertThat(points(api, "alice", position)).isEqualTo(880);
    assertThat(readOrder(api, id, position).body().get("status").asText()).isEqualTo("COMPLETED");
    assertThat(events(jdbc, tenant, "OrderPlaced")).isEqualTo(1);
    Http.Response other =
        keyed.post("/v1/orders", Shop.order(null, "alice", "points", List.of(item("mug", 2))));
    assertThat(other.status()).as(other.toString()).isEqualTo(409);
    assertThat(other.code()).isEqualTo("idempotency_key_conflict");
  }

  @Test
  void anotherTenantSeesNeitherTheOrderNorTheProducts() {
    shop();
    Http.Response placed = pointsOrder(api, "o-1", "alice", item("mug", 1));
    long position = placed.body().get("position").asLong();
    Http other = new Http(port, newKey(tenant + "x", "ledger:read", "ledger:write"));

    Http.Response order = other.get("/v1/orders/o-1?minPosition=" + position);
    assertThat(order.status()).as(order.toString()).isEqualTo(404);
    assertThat(order.code()).isEqualTo("order_not_found");
    award(other, "award-alice", "alice", 1_000);
    Http.Response theirs = pointsOrder(other, "o-1", "alice", item("mug", 1));
    assertThat(theirs.status()).as(theirs.toString()).isEqualTo(404);
    assertThat(theirs.code()).isEqualTo("product_not_found");
    assertThat(other.post("/v1/orders/o-1/cancel", null).code()).isEqualTo("order_not_found");
  }

  @Test
  void aCardOrderWithoutStripeIsUnavailableAndChangesNothing() {
    long position = shop();
    int before = events(jdbc, tenant);

    Http.Response refused = Shop.cardOrder(api, "o-1", "alice", item("poster", 1));

    assertRefusedAndNothingChanged(refused, 503, "unavailable", before, position);
    Http.Response keyed =
        api.with("Idempotency-Key", "card-1")
            .post("/v1/orders", Shop.order(null, "alice", "card", List.of(item("poster", 1))));
    assertRefusedAndNothingChanged(keyed, 503, "unavailable", before, position);
  }

  private static void assertLines(JsonNode items) {
    assertThat(items).hasSize(2);
    Map<String, List<Long>> lines = new java.util.HashMap<>();
    for (JsonNode line : items) {
      lines.put(
          line.get("sku").asText(),
          List.of(
              line.get("quantity").asLong(),
              line.get("unitPrice").asLong(),
              line.get("lineTotal").asLong()));
    }
    assertThat(lines)
        .containsEntry("mug", List.of(2L, 120L, 240L))
        .containsEntry("pen", List.of(3L, 30L, 90L));
  }
}
