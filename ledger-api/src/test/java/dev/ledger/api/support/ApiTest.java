package dev.ledger.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.LedgerApplication;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the HTTP tests: the whole engine on a random port against a real PostgreSQL (one database
 * shared by these tests, which keep apart by using a tenant each).
 */
@SpringBootTest(
    classes = LedgerApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTest {
  public static final String ADMIN_SECRET = "test-bootstrap-secret-0123456789";

  @LocalServerPort protected int port;

  /** Admin client of tenant {@code default}. */
  protected Http admin;

  /** A client with all ledger scopes in a fresh tenant of this test. */
  protected Http api;

  protected String tenant;

  /**
   * The database of a subclass's context, if it needs one of its own. (A subclass cannot register
   * {@code ledger.db.url} itself: the registration here runs after it and wins.)
   */
  protected static final String OWN_DATABASE = "ledger.test.own-database-url";

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("ledger.test.shared-database-url", TestDatabases::sharedDatabase);
    registry.add(
        "ledger.db.url", () -> "${" + OWN_DATABASE + ":${ledger.test.shared-database-url}}");
    registry.add("ledger.db.user", TestDatabases::user);
    registry.add("ledger.db.password", TestDatabases::password);
    registry.add("ledger.bootstrap-api-key", () -> ADMIN_SECRET);
  }

  @BeforeEach
  void tenantOfThisTest() {
    admin = new Http(port, ADMIN_SECRET);
    tenant = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    api = new Http(port, newKey(tenant, "ledger:read", "ledger:write"));
  }

  /** Creates the tenant if need be and a key with these scopes; answers its secret. */
  protected String newKey(String tenant, String... scopes) {
    Http.Response created = admin.post("/v1/admin/tenants", Map.of("id", tenant));
    assertThat(created.status()).as(created.toString()).isIn(200, 201);
    Http.Response key =
        admin.post(
            "/v1/admin/api-keys",
            Map.of("tenant", tenant, "name", "test", "scopes", List.of(scopes)));
    assertThat(key.status()).as(key.toString()).isEqualTo(201);
    return key.body().get("secret").asText();
  }

  protected Http.Response openAccount(String id, String asset, boolean allowNegative) {
    Http.Response response =
        api.post(
            "/v1/accounts",
            Map.of("id", id, "asset", asset, "flags", Map.of("allowNegative", allowNegative)));
    assertThat(response.status()).as(response.toString()).isIn(200, 201);
    return response;
  }

  protected Http.Response transfer(
      String id, String debit, String credit, long amount, String asset) {
    return api.post(
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
            asset));
  }

  /** Opens an issuance account (may go negative) and a user account funded with {@code amount}. */
  protected void funded(String issuance, String user, long amount, String asset) {
    openAccount(issuance, asset, true);
    openAccount(user, asset, false);
    if (amount > 0) {
      Http.Response funding = transfer("fund-" + UUID.randomUUID(), issuance, user, amount, asset);
      assertThat(funding.status()).as(funding.toString()).isEqualTo(201);
    }
  }
}
