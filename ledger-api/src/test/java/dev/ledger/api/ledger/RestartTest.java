package dev.ledger.api.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ledger.api.support.Engine;
import dev.ledger.api.support.Http;
import dev.ledger.api.support.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nothing acknowledged is lost across a restart, and a pending transfer's timeout, persisted as a
 * deadline, still fires when the engine that scheduled it is gone.
 */
class RestartTest {

  @Test
  void acknowledgedTransfersSurviveARestartAndAPendingTimeoutStillFires() {
    Map<String, String> settings = Engine.onDatabase(TestDatabases.newDatabase());
    List<String> acknowledged = new ArrayList<>();
    try (Engine first = Engine.start(settings)) {
      Http api = first.admin();
      api.post(
          "/v1/accounts",
          Map.of(
              "id",
              "platform:points:issuance",
              "asset",
              "POINTS",
              "flags",
              Map.of("allowNegative", true)));
      api.post("/v1/accounts", Map.of("id", "user:1:points", "asset", "POINTS"));
      for (int i = 0; i < 20; i++) {
        Http.Response response =
            api.post(
                "/v1/transfers",
                Map.of(
                    "id",
                    "t-" + i,
                    "debitAccount",
                    "platform:points:issuance",
                    "creditAccount",
                    "user:1:points",
                    "amount",
                    10,
                    "asset",
                    "POINTS"));
        assertThat(response.status()).isEqualTo(201);
        acknowledged.add("t-" + i);
      }
      Http.Response pending =
          api.post(
              "/v1/transfers",
              Map.of(
                  "id",
                  "hold",
                  "debitAccount",
                  "user:1:points",
                  "creditAccount",
                  "platform:points:issuance",
                  "amount",
                  150,
                  "asset",
                  "POINTS",
                  "pending",
                  true,
                  "timeoutSeconds",
                  4));
      assertThat(pending.status()).isEqualTo(201);
    } // stopped before the timeout

    try (Engine second = Engine.start(settings)) {
      Http api = second.admin();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(api.get("/v1/transfers/hold").body().path("status").asText())
                      .isEqualTo("EXPIRED"));
      Http.Response balance = api.get("/v1/accounts/user:1:points/balance");
      assertThat(balance.body().get("posted").asLong()).isEqualTo(200);
      assertThat(balance.body().get("pendingDebits").asLong()).isZero();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                Http.Response list = api.get("/v1/transfers?account=user:1:points&limit=100");
                List<String> ids = new ArrayList<>();
                list.body().get("data").forEach(t -> ids.add(t.get("id").asText()));
                assertThat(ids).hasSize(21).containsAll(acknowledged).contains("hold");
              });
    }
  }
}
