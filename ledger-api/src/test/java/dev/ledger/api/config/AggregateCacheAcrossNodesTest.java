package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Accounts kept in memory by one node are checked against the event store before each use: a
 * movement made on another node is seen at once, so no node decides on a stale balance.
 */
class AggregateCacheAcrossNodesTest {

  @Test
  void aNodeSeesAnotherNodesMovementOnAnAccountItHoldsInMemory() {
    Map<String, String> settings = Engine.onDatabase(TestDatabases.newDatabase());
    try (Engine first = Engine.start(settings);
        Engine second = Engine.start(settings)) {
      Http one = first.admin();
      Http two = second.admin();
      open(one, "bank", true);
      open(one, "alice", false);
      open(one, "bob", false);
      assertThat(transfer(one, "fund-1", "bank", "alice", 100).status()).isEqualTo(201);
      // the first node now holds alice at 40 in memory
      assertThat(transfer(one, "spend-1", "alice", "bob", 60).status()).isEqualTo(201);
      // the second node gives alice another 100: 140 in the event store
      assertThat(transfer(two, "fund-2", "bank", "alice", 100).status()).isEqualTo(201);

      // with a stale copy (40) the first node would refuse this as insufficient funds
      Http.Response spend = transfer(one, "spend-2", "alice", "bob", 120);
      assertThat(spend.status()).as(spend.toString()).isEqualTo(201);
      // and with a stale copy that allowed it, this would overdraw alice
      Http.Response overdraw = transfer(two, "spend-3", "alice", "bob", 30);
      assertThat(overdraw.status()).as(overdraw.toString()).isEqualTo(409);
      assertThat(overdraw.code()).isEqualTo("insufficient_funds");

      Http.Response alice =
          one.get("/v1/accounts/alice?minPosition=" + spend.body().get("position").asLong());
      assertThat(alice.body().get("balance").get("available").asLong()).isEqualTo(20);
    }
  }

  /**
   * A batch reads the sequence numbers of all its accounts in one query before it loads them
   * (SequencePrefetch): the copy in memory is still checked against the event store.
   */
  @Test
  void aBatchSeesAnotherNodesMovementOnAnAccountItHoldsInMemory() {
    Map<String, String> settings = Engine.onDatabase(TestDatabases.newDatabase());
    try (Engine first = Engine.start(settings);
        Engine second = Engine.start(settings)) {
      Http one = first.admin();
      Http two = second.admin();
      open(one, "bank", true);
      open(one, "alice", false);
      open(one, "bob", false);
      assertThat(batch(one, item("fund-1", "bank", "alice", 100)).get(0).get("status").asText())
          .isEqualTo("created");
      // the first node now holds alice at 40 in memory
      assertThat(batch(one, item("spend-1", "alice", "bob", 60)).get(0).get("status").asText())
          .isEqualTo("created");
      // the second node gives alice another 100: 140 in the event store
      assertThat(batch(two, item("fund-2", "bank", "alice", 100)).get(0).get("status").asText())
          .isEqualTo("created");

      // with a stale copy (40) the first node would refuse the first as insufficient funds, and
      // then let the second overdraw alice
      JsonNode results =
          batch(one, item("spend-2", "alice", "bob", 120), item("spend-3", "alice", "bob", 30));
      assertThat(results.get(0).get("status").asText()).as(results.toString()).isEqualTo("created");
      assertThat(results.get(1).get("code").asText())
          .as(results.toString())
          .isEqualTo("insufficient_funds");

      Http.Response alice =
          one.get(
              "/v1/accounts/alice?minPosition="
                  + results.get(0).get("transfer").get("position").asLong());
      assertThat(alice.body().get("balance").get("available").asLong()).isEqualTo(20);
    }
  }

  @SafeVarargs
  private static JsonNode batch(Http node, Map<String, Object>... items) {
    Http.Response batch = node.post("/v1/transfers/batch", Map.of("transfers", List.of(items)));
    assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
    return batch.body().get("results");
  }

  private static Map<String, Object> item(String id, String debit, String credit, long amount) {
    return Map.of(
        "id",
        id,
        "debitAccount",
        debit,
        "creditAccount",
        credit,
        "amount",
        amount,
        "asset",
        "POINTS");
  }

  private static void open(Http node, String id, boolean allowNegative) {
    Http.Response opened =
        node.post(
            "/v1/accounts",
            Map.of("id", id, "asset", "POINTS", "flags", Map.of("allowNegative", allowNegative)));
    assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
  }

  private static Http.Response transfer(
      Http node, String id, String debit, String credit, long amount) {
    return node.post(
        "/v1/transfers",
        Map.of(
            "id",
            id,
            "debitAccount",
            debit,
            "creditAccount",
            credit,
            "amount",
            amount,
            "asset",
            "POINTS"));
  }
}
