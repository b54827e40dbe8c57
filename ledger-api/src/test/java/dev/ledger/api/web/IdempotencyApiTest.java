package dev.ledger.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Key: stored responses, replays, conflicts, and the rule that value never moves twice.
 */
class IdempotencyApiTest extends ApiTest {
  private static final Map<String, Object> MOVE =
      Map.of(
          "debitAccount",
          "user:a:points",
          "creditAccount",
          "user:b:points",
          "amount",
          5,
          "asset",
          "POINTS");

  @Test
  void replaysTheStoredResponseForTheSameKeyAndBody() {
    funded("platform:points:issuance", "user:a:points", 100, "POINTS");
    openAccount("user:b:points", "POINTS", false);
    Http keyed = api.with("Idempotency-Key", "k-1");
    Http.Response first = keyed.post("/v1/transfers", MOVE);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    Http.Response second = keyed.post("/v1/transfers", MOVE);
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.body()).isEqualTo(first.body());
    long position = second.body().get("position").asLong();
    assertThat(
            api.get("/v1/accounts/user:a:points?minPosition=" + position)
                .body()
                .get("balance")
                .get("available")
                .asLong())
        .isEqualTo(95);
  }

  @Test
  void refusesTheSameKeyWithAnotherBody() {
    funded("platform:points:issuance", "user:a:points", 100, "POINTS");
    openAccount("user:b:points", "POINTS", false);
    Http keyed = api.with("Idempotency-Key", "k-2");
    assertThat(keyed.post("/v1/transfers", MOVE).status()).isEqualTo(201);
    Http.Response other =
        keyed.post(
            "/v1/transfers",
            Map.of(
                "debitAccount",
                "user:a:points",
                "creditAccount",
                "user:b:points",
                "amount",
                6,
                "asset",
                "POINTS"));
    assertThat(other.status()).isEqualTo(409);
    assertThat(other.code()).isEqualTo("idempotency_key_conflict");
  }

  @Test
  void storesRejectionsTooSoTheyReplay() {
    funded("platform:points:issuance", "user:a:points", 1, "POINTS");
    openAccount("user:b:points", "POINTS", false);
    Http keyed = api.with("Idempotency-Key", "k-3");
    Http.Response first = keyed.post("/v1/transfers", MOVE);
    assertThat(first.code()).isEqualTo("insufficient_funds");
    Http.Response second = keyed.post("/v1/transfers", MOVE);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
  }

  @Test
  void aValueMovingRequestNeedsAnIdOrAKey() {
    Http.Response response = api.post("/v1/transfers", MOVE);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("idempotency_key_required");
    Http.Response entry =
        api.post("/v1/journal-entries", Map.of("postings", java.util.List.of(MOVE)));
    assertThat(entry.code()).isEqualTo("idempotency_key_required");
  }

  @Test
  void keysAreScopedToTheTenant() {
    funded("platform:points:issuance", "user:a:points", 100, "POINTS");
    openAccount("user:b:points", "POINTS", false);
    assertThat(api.with("Idempotency-Key", "shared").post("/v1/transfers", MOVE).status())
        .isEqualTo(201);
    Http other =
        new Http(port, newKey("o" + tenant, "ledger:read", "ledger:write"))
            .with("Idempotency-Key", "shared");
    Http.Response response = other.post("/v1/transfers", MOVE);
    assertThat(response.header("Idempotent-Replayed")).isNull();
    assertThat(response.code()).isEqualTo("account_not_found");
  }

  @Test
  void refusesAnIllFormedKey() {
    Http.Response response =
        api.with("Idempotency-Key", "x".repeat(256)).post("/v1/transfers", MOVE);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.code()).isEqualTo("validation_failed");
  }
}
