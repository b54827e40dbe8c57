package dev.ledger.api.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code GET /v1/reconciliation/ledger}: per asset, the balances of the event history sum to zero
 * (and pending holds equal pending credits); an account whose cached balance differs from its
 * history is listed with both; JSON or CSV.
 */
class LedgerReconciliationApiTest extends ApiTest {
  @Autowired JdbcTemplate jdbc;

  private Http auditor;
  private long position;

  @BeforeEach
  void history() {
    auditor = new Http(port, newKey(tenant, "audit:read"));
    funded("platform:points:issuance", "user:uma:points", 700, "POINTS");
    funded("platform:coins:issuance", "user:uma:coins", 40, "COINS");
    Http.Response hold =
        api.post(
            "/v1/transfers",
            Map.of(
                "id",
                "hold-1",
                "debitAccount",
                "user:uma:points",
                "creditAccount",
                "platform:points:issuance",
                "amount",
                200,
                "asset",
                "POINTS",
                "pending",
                true,
                "timeoutSeconds",
                3600));
    assertThat(hold.status()).as(hold.toString()).isEqualTo(201);
    position = hold.body().get("position").asLong();
  }

  @Test
  void eachAssetOfABalancedLedgerSumsToZero() {
    JsonNode report = ledger();
    assertThat(report.get("balanced").asBoolean()).as(report.toString()).isTrue();
    assertThat(report.get("mismatches")).isEmpty();
    assertThat(report.get("position").asLong()).isGreaterThanOrEqualTo(position);
    JsonNode assets = report.get("assets");
    assertThat(assets).hasSize(2);
    JsonNode coins = assets.get(0);
    assertThat(coins.get("asset").asText()).isEqualTo("COINS");
    assertThat(coins.get("accounts").asLong()).isEqualTo(2);
    assertThat(coins.get("postedSum").asLong()).isZero();
    JsonNode points = assets.get(1);
    assertThat(points.get("asset").asText()).isEqualTo("POINTS");
    assertThat(points.get("postedSum").asLong()).isZero();
    assertThat(points.get("pendingDebitsSum").asLong()).isEqualTo(200);
    assertThat(points.get("pendingCreditsSum").asLong()).isEqualTo(200);
    assertThat(points.get("balanced").asBoolean()).isTrue();

    Http.Response csv =
        auditor.with("Accept", "text/csv").get("/v1/reconciliation/ledger?minPosition=" + position);
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    List<String> lines = List.of(csv.raw().body().split("\r\n"));
    assertThat(lines.get(0))
        .isEqualTo(String.join(",", ReconciliationController.LEDGER_CSV_HEADER));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith("asset,COINS,,,");
    assertThat(lines.get(2)).startsWith("asset,POINTS,,,").contains(",2,0,200,200,true,");
  }

  @Test
  void anAccountWhoseCachedBalanceDiffersFromItsHistoryIsListed() {
    assertThat(ledger().get("balanced").asBoolean()).isTrue(); // the cache has caught up
    jdbc.update(
        "UPDATE account_balance SET debits_posted = debits_posted + 3 WHERE tenant_id = ? AND address = ?",
        tenant,
        "user:uma:coins");

    JsonNode report = ledger();
    assertThat(report.get("balanced").asBoolean()).isFalse();
    assertThat(report.get("assets").get(0).get("balanced").asBoolean())
        .as("the history itself still balances")
        .isTrue();
    JsonNode mismatch = report.get("mismatches").get(0);
    assertThat(report.get("mismatches")).hasSize(1);
    assertThat(mismatch.get("accountId").asText()).isEqualTo("user:uma:coins");
    assertThat(mismatch.get("asset").asText()).isEqualTo("COINS");
    assertThat(mismatch.get("issue").asText()).isEqualTo("BALANCE_DIFFERS");
    assertThat(mismatch.get("cached").get("posted").asLong()).isEqualTo(37);
    assertThat(mismatch.get("history").get("posted").asLong()).isEqualTo(40);

    String csv = auditor.with("Accept", "text/csv").get("/v1/reconciliation/ledger").raw().body();
    assertThat(csv)
        .contains("\r\naccount,COINS,user:uma:coins,BALANCE_DIFFERS,")
        .contains(",false,37,40,0,0,0,0\r\n");
  }

  @Test
  void aKeyWithoutAuditReadIsRefused() {
    assertThat(api.get("/v1/reconciliation/ledger").status()).isEqualTo(403);
    assertThat(api.get("/v1/reconciliation/payments").status()).isEqualTo(403);
  }

  private JsonNode ledger() {
    Http.Response response = auditor.get("/v1/reconciliation/ledger?minPosition=" + position);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }
}
