package dev.ledger.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input to the audit and reconciliation endpoints is a {@code 400} problem naming the field,
 * never a 500 and never a partial answer; a key without the scope is {@code 403}, none at all
 * {@code 401}.
 */
class AuditBadInputApiTest extends ApiTest {
  private Http auditor;

  @BeforeEach
  void auditorOfThisTenant() {
    auditor = new Http(port, newKey(tenant, "audit:read"));
  }

  @Test
  void badPositionsAreRefused() {
    for (String query :
        new String[] {
          "/v1/audit/events?after=-1",
          "/v1/audit/events?after=x",
          "/v1/audit/events?after=1.5",
          "/v1/audit/events?after=99999999999999999999",
          "/v1/audit/export?after=-3",
          "/v1/audit/export?until=abc",
          "/v1/audit/export?until=-1",
          "/v1/reconciliation/ledger?minPosition=-1",
          "/v1/reconciliation/payments?minPosition=x"
        }) {
      refused(
          query,
          query.contains("until")
              ? "until"
              : query.contains("minPosition") ? "minPosition" : "after");
    }
    refused("/v1/audit/export?after=10&until=9", "until");
  }

  @Test
  void badLimitsAreRefused() {
    for (String limit : new String[] {"0", "-1", "501", "x", "1e2", ""}) {
      refused("/v1/audit/events?limit=" + limit, "limit");
      refused("/v1/reconciliation/payments?limit=" + limit, "limit");
    }
  }

  @Test
  void cursorsTheApiDidNotIssueAreRefused() {
    for (String cursor : new String[] {"!!", "abc", "bm90LWEtbnVtYmVy", "LTU", "x".repeat(1025)}) {
      refused("/v1/audit/events?cursor=" + cursor, "cursor");
      refused("/v1/reconciliation/payments?cursor=" + cursor, "cursor");
    }
  }

  @Test
  void badFiltersAreRefused() {
    refused("/v1/audit/events?type=Account%20Opened", "type");
    refused("/v1/audit/events?type=" + "A".repeat(256), "type");
    refused("/v1/audit/events?type=", "type");
    refused("/v1/audit/events?aggregateId=", "aggregateId");
    refused("/v1/audit/events?aggregateId=" + "a".repeat(513), "aggregateId");
    refused("/v1/audit/events?aggregateId=a%0Ab", "aggregateId");
    refused("/v1/reconciliation/payments?status=lost", "status");
    refused("/v1/reconciliation/payments?status=", "status");
  }

  @Test
  void theScopeIsRequired() {
    for (String path :
        new String[] {
          "/v1/audit/events",
          "/v1/audit/export",
          "/v1/audit/verify",
          "/v1/reconciliation/ledger",
          "/v1/reconciliation/payments"
        }) {
      Http.Response forbidden = api.get(path);
      assertThat(forbidden.status()).as(path).isEqualTo(403);
      assertThat(forbidden.code()).isEqualTo("forbidden");
      assertThat(new Http(port, null).get(path).status()).as(path).isEqualTo(401);
    }
  }

  @Test
  void theAuditEndpointsOnlyRead() {
    Http.Response post = auditor.post("/v1/audit/events", Map.of());
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.code()).isEqualTo("method_not_allowed");
  }

  private void refused(String path, String field) {
    Http.Response response = auditor.get(path);
    assertThat(response.status()).as(path + " → " + response).isEqualTo(400);
    assertThat(response.code()).as(path).isEqualTo("validation_failed");
    assertThat(response.body().get("errors").get(0).get("field").asText())
        .as(path)
        .isEqualTo(field);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }
}
