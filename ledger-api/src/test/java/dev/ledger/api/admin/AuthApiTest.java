package dev.ledger.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** API keys: scopes, tenants, revocation, hashed secrets, request ids. */
class AuthApiTest extends ApiTest {
  @Autowired JdbcTemplate jdbc;

  @Test
  void everythingUnderV1NeedsAKey() {
    Http anonymous = api.as(null);
    Http.Response response = anonymous.get("/v1/accounts");
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.code()).isEqualTo("unauthenticated");
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(api.as("lk_not-a-key").get("/v1/accounts").status()).isEqualTo(401);
  }

  @Test
  void aKeyCanOnlyDoWhatItsScopesAllow() {
    Http reader = new Http(port, newKey(tenant, "ledger:read"));
    Http.Response write =
        reader.post("/v1/accounts", Map.of("id", "user:1:points", "asset", "POINTS"));
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.code()).isEqualTo("forbidden");
    assertThat(reader.get("/v1/accounts").status()).isEqualTo(200);
    assertThat(api.post("/v1/admin/tenants", Map.of("id", "nope")).status()).isEqualTo(403);
  }

  @Test
  void aRevokedKeyStopsWorkingAtOnce() {
    Http.Response created =
        admin.post(
            "/v1/admin/api-keys",
            Map.of("tenant", tenant, "name", "short-lived", "scopes", List.of("ledger:read")));
    Http key = new Http(port, created.body().get("secret").asText());
    assertThat(key.get("/v1/accounts").status()).isEqualTo(200);
    assertThat(admin.delete("/v1/admin/api-keys/" + created.body().get("id").asText()).status())
        .isEqualTo(204);
    assertThat(key.get("/v1/accounts").status()).isEqualTo(401);
    assertThat(admin.delete("/v1/admin/api-keys/" + created.body().get("id").asText()).status())
        .isEqualTo(404);
  }

  @Test
  void secretsAreStoredOnlyAsHashes() {
    Http.Response created =
        admin.post(
            "/v1/admin/api-keys",
            Map.of("tenant", tenant, "name", "hashed", "scopes", List.of("ledger:read")));
    String secret = created.body().get("secret").asText();
    Integer plain =
        jdbc.queryForObject(
            "SELECT count(*) FROM api_key WHERE secret_hash = ? OR name = ?",
            Integer.class,
            secret,
            secret);
    assertThat(plain).isZero();
    String hash =
        jdbc.queryForObject(
            "SELECT secret_hash FROM api_key WHERE id = ?",
            String.class,
            created.body().get("id").asText());
    assertThat(hash).hasSize(64).doesNotContain(secret);
  }

  @Test
  void refusesKeysForUnknownTenantsAndUnknownScopes() {
    Http.Response tenantless =
        admin.post(
            "/v1/admin/api-keys",
            Map.of("tenant", "no-such-tenant", "name", "x", "scopes", List.of("ledger:read")));
    assertThat(tenantless.status()).isEqualTo(404);
    assertThat(tenantless.code()).isEqualTo("tenant_not_found");
    Http.Response scope =
        admin.post(
            "/v1/admin/api-keys", Map.of("tenant", tenant, "name", "x", "scopes", List.of("root")));
    assertThat(scope.code()).isEqualTo("validation_failed");
    Http.Response badTenant = admin.post("/v1/admin/tenants", Map.of("id", "Not Valid!"));
    assertThat(badTenant.code()).isEqualTo("validation_failed");
  }

  @Test
  void echoesTheRequestIdAndStoresItWithTheTenantAndKeyInEventMetadata() {
    Http traced = api.with("X-Request-Id", "req-trace-1");
    Http.Response opened =
        traced.post("/v1/accounts", Map.of("id", "user:trace:points", "asset", "POINTS"));
    assertThat(opened.header("X-Request-Id")).isEqualTo("req-trace-1");
    String metadata =
        jdbc.queryForObject(
            "SELECT convert_from(meta_data, 'UTF8') FROM domain_event_entry WHERE aggregate_identifier = ?",
            String.class,
            tenant + "/account/user:trace:points");
    assertThat(metadata)
        .contains("\"requestId\":\"req-trace-1\"")
        .contains("\"tenant\":\"" + tenant + "\"")
        .contains("\"keyId\":\"key_");
    assertThat(api.get("/v1/accounts").header("X-Request-Id")).isNotBlank();
  }
}
