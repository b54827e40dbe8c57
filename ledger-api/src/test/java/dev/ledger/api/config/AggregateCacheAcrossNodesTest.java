package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
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
