package dev.ledger.api.admin;

import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.BodyFilter;
import dev.ledger.api.web.JsonRequest;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.core.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Tenants and API keys. Platform administration: the {@code admin} scope spans tenants. */
@RestController
@RequestMapping("/v1/admin")
public class AdminController {
  private final ApiKeys apiKeys;

  public AdminController(ApiKeys apiKeys) {
    this.apiKeys = apiKeys;
  }

  @PostMapping("/tenants")
  @RequiresScope(Scope.ADMIN)
  ResponseEntity<Object> createTenant(HttpServletRequest request) {
    JsonRequest body = JsonRequest.parse(BodyFilter.of(request), false).allowOnly(Set.of("id"));
    String id = body.requiredString("id", 64);
    if (id != null && !TenantId.isValid(id)) {
      body.problem(
          "id", "must be 1 to 64 characters of [a-z0-9_-], starting with a letter or digit");
    }
    body.throwIfInvalid();
    boolean created = apiKeys.createTenant(id);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", id);
    view.put("createdAt", apiKeys.tenantCreatedAt(id).toString());
    return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(view);
  }

  @PostMapping("/api-keys")
  @RequiresScope(Scope.ADMIN)
  ResponseEntity<Object> createKey(HttpServletRequest request) {
    JsonRequest body =
        JsonRequest.parse(BodyFilter.of(request), false)
            .allowOnly(Set.of("tenant", "name", "scopes"));
    String tenant = body.requiredString("tenant", 64);
    String name = body.requiredString("name", 128);
    Set<Scope> scopes = readScopes(body);
    body.throwIfInvalid();
    if (!apiKeys.tenantExists(tenant)) {
      throw ApiException.notFound("tenant_not_found", "no tenant " + tenant);
    }
    var key = apiKeys.create(tenant, name, scopes);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", key.id());
    view.put("tenant", key.tenant());
    view.put("name", key.name());
    view.put("scopes", key.scopes());
    view.put("secret", key.secret());
    view.put("createdAt", key.createdAt().toString());
    return ResponseEntity.status(HttpStatus.CREATED).body(view);
  }

  @DeleteMapping("/api-keys/{id}")
  @RequiresScope(Scope.ADMIN)
  ResponseEntity<Void> revokeKey(@PathVariable String id) {
    if (id.length() > 64 || !apiKeys.revoke(id)) {
      throw ApiException.notFound("not_found", "no live API key " + id);
    }
    return ResponseEntity.noContent().build();
  }

  private static Set<Scope> readScopes(JsonRequest body) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    var values = body.stringArray("scopes", 1, Scope.values().length);
    for (String value : values) {
      Scope.parse(value)
          .ifPresentOrElse(scopes::add, () -> body.problem("scopes", "unknown scope " + value));
    }
    return scopes;
  }
}
