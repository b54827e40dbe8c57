package dev.ledger.api.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Accounts over HTTP: open, read, list by prefix and asset, statement, past balances, freeze. */
class AccountsApiTest extends ApiTest {

  @Test
  void opensAnAccountAndReadsItBackAtItsPosition() {
    Http.Response opened =
        api.post(
            "/v1/accounts",
            Map.of("id", "user:42:points", "asset", "POINTS", "metadata", Map.of("tier", "gold")));
    assertThat(opened.status()).isEqualTo(201);
    assertThat(opened.body().get("balance").get("available").asLong()).isZero();
    long position = opened.body().get("position").asLong();
    assertThat(position).isPositive();

    Http.Response read = api.get("/v1/accounts/user:42:points?minPosition=" + position);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("asset").asText()).isEqualTo("POINTS");
    assertThat(read.body().get("flags").get("allowNegative").asBoolean()).isFalse();
    assertThat(read.body().get("metadata").get("tier").asText()).isEqualTo("gold");
    assertThat(read.body().get("position").asLong()).isGreaterThanOrEqualTo(position);
  }

  @Test
  void answersARepeatedOpenWithTheAccountAndRefusesOtherContent() {
    openAccount("user:1:points", "POINTS", false);
    Http.Response same =
        api.post(
            "/v1/accounts",
            Map.of(
                "id", "user:1:points", "asset", "POINTS", "flags", Map.of("allowNegative", false)));
    assertThat(same.status()).isEqualTo(200);
    Http.Response other = api.post("/v1/accounts", Map.of("id", "user:1:points", "asset", "COINS"));
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.code()).isEqualTo("id_conflict");
  }

  @Test
  void listsAccountsByPrefixAndAssetInPages() {
    for (int i = 0; i < 5; i++) {
      openAccount("user:" + i + ":points", "POINTS", false);
      openAccount("user:" + i + ":coins", "COINS", false);
    }
    long position = openAccount("shop:1:points", "POINTS", false).body().get("position").asLong();
    Http.Response first =
        api.get("/v1/accounts?prefix=user:&asset=POINTS&limit=3&minPosition=" + position);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().get("data")).hasSize(3);
    String cursor = first.body().get("nextCursor").asText();
    Http.Response second =
        api.get("/v1/accounts?prefix=user:&asset=POINTS&limit=3&cursor=" + cursor);
    assertThat(second.body().get("data")).hasSize(2);
    assertThat(second.body().get("nextCursor").isNull()).isTrue();
    second.body().get("data").forEach(a -> assertThat(a.get("asset").asText()).isEqualTo("POINTS"));
  }

  @Test
  void keepsAStatementNewestFirstWithTheBalanceAfterEachEntry() {
    funded("platform:points:issuance", "user:7:points", 100, "POINTS");
    transfer("spend-1", "user:7:points", "platform:points:issuance", 30, "POINTS");
    Http.Response last =
        transfer("spend-2", "user:7:points", "platform:points:issuance", 20, "POINTS");
    long position = last.body().get("position").asLong();

    Http.Response entries = api.get("/v1/accounts/user:7:points/entries?minPosition=" + position);
    assertThat(entries.status()).isEqualTo(200);
    var data = entries.body().get("data");
    assertThat(data).hasSize(3);
    assertThat(data.get(0).get("transferId").asText()).isEqualTo("spend-2");
    assertThat(data.get(0).get("amount").asLong()).isEqualTo(-20);
    assertThat(data.get(0).get("balanceAfter").asLong()).isEqualTo(50);
    assertThat(data.get(1).get("balanceAfter").asLong()).isEqualTo(70);
    assertThat(data.get(2).get("amount").asLong()).isEqualTo(100);
  }

  @Test
  void computesPastBalancesFromTheEventHistory() {
    funded("platform:points:issuance", "user:8:points", 100, "POINTS");
    Http.Response before = api.get("/v1/accounts/user:8:points/balance");
    long positionAfterFunding = before.body().get("position").asLong();
    Http.Response spent =
        transfer("spend", "user:8:points", "platform:points:issuance", 40, "POINTS");
    assertThat(spent.status()).isEqualTo(201);

    Http.Response now = api.get("/v1/accounts/user:8:points/balance");
    assertThat(now.body().get("posted").asLong()).isEqualTo(60);
    Http.Response then =
        api.get("/v1/accounts/user:8:points/balance?atPosition=" + positionAfterFunding);
    assertThat(then.body().get("posted").asLong()).isEqualTo(100);
    assertThat(then.body().get("position").asLong()).isEqualTo(positionAfterFunding);
    Http.Response asOf =
        api.get("/v1/accounts/user:8:points/balance?asOf=" + before.body().get("asOf").asText());
    assertThat(asOf.body().get("posted").asLong()).isEqualTo(100);
    Http.Response beforeItExisted =
        api.get("/v1/accounts/user:8:points/balance?asOf=2000-01-01T00:00:00Z");
    assertThat(beforeItExisted.status()).isEqualTo(404);
    assertThat(beforeItExisted.code()).isEqualTo("account_not_found");
  }

  @Test
  void aFrozenAccountRejectsMovementsUntilUnfrozen() {
    funded("platform:points:issuance", "user:9:points", 100, "POINTS");
    Http.Response forbidden =
        api.post("/v1/accounts/user:9:points/freeze", Map.of("reason", "fraud"));
    assertThat(forbidden.status()).isEqualTo(403);

    Http.Response freezer =
        new Http(port, newKey(tenant, "admin"))
            .post("/v1/accounts/user:9:points/freeze", Map.of("reason", "fraud"));
    assertThat(freezer.status()).as(freezer.toString()).isEqualTo(200);
    assertThat(freezer.body().get("flags").get("frozen").asBoolean()).isTrue();

    Http.Response out = transfer("out", "user:9:points", "platform:points:issuance", 1, "POINTS");
    assertThat(out.status()).isEqualTo(409);
    assertThat(out.code()).isEqualTo("account_frozen");
    Http.Response in = transfer("in", "platform:points:issuance", "user:9:points", 1, "POINTS");
    assertThat(in.code()).isEqualTo("account_frozen");

    new Http(port, newKey(tenant, "admin")).post("/v1/accounts/user:9:points/unfreeze", null);
    assertThat(transfer("out-2", "user:9:points", "platform:points:issuance", 1, "POINTS").status())
        .isEqualTo(201);
  }

  @Test
  void anotherTenantsAccountDoesNotExistForThisTenant() {
    openAccount("user:10:points", "POINTS", false);
    Http other = new Http(port, newKey("other" + tenant, "ledger:read", "ledger:write"));
    Http.Response read = other.get("/v1/accounts/user:10:points");
    assertThat(read.status()).isEqualTo(404);
    assertThat(read.code()).isEqualTo("account_not_found");
    Http.Response move =
        other.post(
            "/v1/transfers",
            Map.of(
                "id",
                "x",
                "debitAccount",
                "user:10:points",
                "creditAccount",
                "user:11:points",
                "amount",
                1,
                "asset",
                "POINTS"));
    assertThat(move.status()).isEqualTo(404);
  }
}
