package dev.ledger.api.admin;

import dev.ledger.api.web.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants and their API keys. A secret is 32 random bytes shown once; only its SHA-256 is stored. A
 * fast hash is enough here because the secret has 256 bits of entropy: there is nothing to guess,
 * only to look up.
 */
@Service
public class ApiKeys {
  public static final String DEFAULT_TENANT = "default";
  static final String BOOTSTRAP_KEY_ID = "key_bootstrap";

  private final JdbcTemplate jdbc;
  private final SecureRandom random = new SecureRandom();

  public ApiKeys(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A key as the request filter sees it. */
  public record Principal(String id, String tenant, Set<Scope> scopes) {}

  /** A key as the admin API shows it; {@code secret} is set only when the key is created. */
  public record ApiKey(
      String id,
      String tenant,
      String name,
      List<String> scopes,
      Instant createdAt,
      String secret) {}

  public Optional<Principal> authenticate(String secret) {
    return jdbc
        .query(
            "SELECT id, tenant_id, scopes FROM api_key WHERE secret_hash = ? AND revoked_at IS NULL",
            (rs, i) ->
                new Principal(
                    rs.getString("id"), rs.getString("tenant_id"), scopes(rs.getArray("scopes"))),
            hash(secret))
        .stream()
        .findFirst();
  }

  public boolean tenantExists(String tenant) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "SELECT EXISTS (SELECT 1 FROM tenant WHERE id = ?)", Boolean.class, tenant));
  }

  /** Creates a tenant; answers false if it existed already. */
  public boolean createTenant(String tenant) {
    return jdbc.update("INSERT INTO tenant (id) VALUES (?) ON CONFLICT DO NOTHING", tenant) == 1;
  }

  public Instant tenantCreatedAt(String tenant) {
    return jdbc.queryForObject(
            "SELECT created_at FROM tenant WHERE id = ?", java.sql.Timestamp.class, tenant)
        .toInstant();
  }

  @Transactional
  public ApiKey create(String tenant, String name, Set<Scope> scopes) {
    String id = "key_" + token(12);
    String secret = "lk_" + token(32);
    String[] values = scopes.stream().map(Scope::value).sorted().toArray(String[]::new);
    Instant createdAt =
        jdbc.queryForObject(
                "INSERT INTO api_key (id, tenant_id, name, secret_hash, scopes) VALUES (?, ?, ?, ?, ?) RETURNING created_at",
                java.sql.Timestamp.class,
                id,
                tenant,
                name,
                hash(secret),
                values)
            .toInstant();
    return new ApiKey(id, tenant, name, List.of(values), createdAt, secret);
  }

  /** Revokes a key; answers false if there was no such live key. */
  public boolean revoke(String id) {
    return jdbc.update(
            "UPDATE api_key SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL", id)
        == 1;
  }

  /**
   * Makes {@code secret} an all-scopes key of tenant {@code default}. Run at every start-up: a
   * changed secret replaces the previous bootstrap key.
   */
  @Transactional
  public void ensureBootstrapKey(String secret) {
    createTenant(DEFAULT_TENANT);
    String[] all =
        EnumSet.allOf(Scope.class).stream().map(Scope::value).sorted().toArray(String[]::new);
    jdbc.update(
        """
        INSERT INTO api_key (id, tenant_id, name, secret_hash, scopes) VALUES (?, ?, 'bootstrap', ?, ?)
        ON CONFLICT (id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, scopes = EXCLUDED.scopes, revoked_at = NULL""",
        BOOTSTRAP_KEY_ID,
        DEFAULT_TENANT,
        hash(secret),
        all);
  }

  private String token(int bytes) {
    byte[] buffer = new byte[bytes];
    random.nextBytes(buffer);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
  }

  static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static Set<Scope> scopes(Array array) throws java.sql.SQLException {
    String[] values = (String[]) array.getArray();
    return java.util.Arrays.stream(values)
        .map(Scope::parse)
        .flatMap(Optional::stream)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
  }
}
