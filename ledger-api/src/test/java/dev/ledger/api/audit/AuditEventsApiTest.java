package dev.ledger.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An auditor reads a tenant's history as it is stored: every event with its position, aggregate,
 * sequence, type, time, payload and metadata (tenant, key, request, correlation and causation), and
 * a hash that chains it to the previous event of its aggregate, which the documented encoding
 * recomputes from the answer alone. Page by page with a cursor and filters, or as one NDJSON
 * export; never another tenant's events.
 */
class AuditEventsApiTest extends ApiTest {
  private Http auditor;

  @BeforeEach
  void auditorOfThisTenant() {
    auditor = new Http(port, newKey(tenant, "audit:read"));
  }

  @Test
  void everyEventCarriesItsMetadataAndChainsToThePreviousEventOfItsAggregate() {
    openAccount("platform:points:issuance", "POINTS", true);
    openAccount("user:ann:points", "POINTS", false);
    Http.Response moved =
        api.with("X-Request-Id", "req-audit-" + tenant)
            .post(
                "/v1/transfers",
                Map.of(
                    "id",
                    "t-1",
                    "debitAccount",
                    "platform:points:issuance",
                    "creditAccount",
                    "user:ann:points",
                    "amount",
                    100,
                    "asset",
                    "POINTS"));
    assertThat(moved.status()).as(moved.toString()).isEqualTo(201);

    JsonNode events = page("/v1/audit/events?limit=500").get("data");
    assertThat(types(events))
        .containsExactly(
            "AccountOpened",
            "AccountOpened",
            "TransferPosted",
            "AccountDebited",
            "AccountCredited");
    Map<String, String> lastHashOfAggregate = new HashMap<>();
    long lastPosition = 0;
    for (JsonNode event : events) {
      assertThat(event.get("position").asLong()).isGreaterThan(lastPosition);
      lastPosition = event.get("position").asLong();
      JsonNode metadata = event.get("metadata");
      assertThat(metadata.get("tenant").asText()).isEqualTo(tenant);
      assertThat(metadata.get("keyId").asText()).startsWith("key_");
      assertThat(metadata.get("requestId").asText()).isNotBlank();
      assertThat(metadata.get("correlationId").asText()).isNotBlank();
      assertThat(metadata.get("causationId").asText()).isNotBlank();
      assertThat(event.get("hash").asText())
          .as("the documented encoding of event %s", event.get("position"))
          .isEqualTo(DocumentedHash.of(event));
      String aggregate = event.get("aggregateId").asText();
      assertThat(event.get("sequence").asLong())
          .isEqualTo(lastHashOfAggregate.containsKey(aggregate) ? 1 : 0);
      assertThat(event.get("previousHash").isNull() ? null : event.get("previousHash").asText())
          .as("previousHash of %s", event.get("position"))
          .isEqualTo(lastHashOfAggregate.get(aggregate));
      lastHashOfAggregate.put(aggregate, event.get("hash").asText());
    }

    JsonNode posted = events.get(2);
    assertThat(posted.get("aggregateType").asText()).isEqualTo("Transfer");
    assertThat(posted.get("aggregateId").asText()).isEqualTo(tenant + "/transfer/t-1");
    assertThat(posted.get("payloadType").asText())
        .isEqualTo("dev.ledger.core.transfer.TransferEvents$TransferPosted");
    assertThat(posted.get("payload").get("spec").get("amount").asLong()).isEqualTo(100);
    assertThat(posted.get("timestamp").asText()).endsWith("Z");
    // the three events of the transfer were caused by one command of one request
    for (int i = 2; i < 5; i++) {
      JsonNode metadata = events.get(i).get("metadata");
      assertThat(metadata.get("requestId").asText()).isEqualTo("req-audit-" + tenant);
      assertThat(metadata.get("causationId").asText())
          .isEqualTo(posted.get("metadata").get("causationId").asText());
      assertThat(metadata.get("correlationId").asText())
          .as("a command sent by the API starts its chain")
          .isEqualTo(metadata.get("causationId").asText());
    }
    assertThat(events.get(0).get("metadata").get("causationId").asText())
        .isNotEqualTo(posted.get("metadata").get("causationId").asText());
  }

  @Test
  void pagesThroughTheHistoryWithACursorAndFilters() {
    for (int i = 1; i <= 5; i++) {
      openAccount("acc-" + i, "POINTS", true);
    }
    List<JsonNode> all = new ArrayList<>();
    String path = "/v1/audit/events?limit=2";
    int pages = 0;
    while (path != null) {
      JsonNode page = page(path);
      pages++;
      page.get("data").forEach(all::add);
      assertThat(page.get("data").size()).isLessThanOrEqualTo(2);
      path =
          page.get("nextCursor").isNull()
              ? null
              : "/v1/audit/events?limit=2&cursor=" + page.get("nextCursor").asText();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(all).hasSize(5);
    assertThat(all.stream().map(e -> e.get("aggregateId").asText()).distinct()).hasSize(5);

    JsonNode one = page("/v1/audit/events?aggregateId=" + tenant + "/account/acc-3").get("data");
    assertThat(one).hasSize(1);
    assertThat(one.get(0).get("aggregateId").asText()).isEqualTo(tenant + "/account/acc-3");

    assertThat(page("/v1/audit/events?type=AccountOpened").get("data")).hasSize(5);
    assertThat(
            page("/v1/audit/events?type=dev.ledger.core.account.AccountEvents$AccountOpened")
                .get("data"))
        .hasSize(5);
    assertThat(page("/v1/audit/events?type=TransferPosted").get("data")).isEmpty();

    long third = all.get(2).get("position").asLong();
    JsonNode after = page("/v1/audit/events?after=" + third).get("data");
    assertThat(after).hasSize(2);
    assertThat(after.get(0).get("position").asLong())
        .isEqualTo(all.get(3).get("position").asLong());
  }

  @Test
  void anAuditorSeesOnlyTheEventsOfItsOwnTenant() {
    openAccount("mine", "POINTS", false);
    String other = tenant + "x";
    Http otherApi = new Http(port, newKey(other, "ledger:write", "ledger:read"));
    assertThat(otherApi.post("/v1/accounts", Map.of("id", "theirs", "asset", "POINTS")).status())
        .isEqualTo(201);

    JsonNode mine = page("/v1/audit/events").get("data");
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).get("aggregateId").asText()).isEqualTo(tenant + "/account/mine");
    assertThat(page("/v1/audit/events?aggregateId=" + other + "/account/theirs").get("data"))
        .isEmpty();
    assertThat(export("/v1/audit/export")).hasSize(1);
    assertThat(api.get("/v1/audit/events").status()).as("a key without audit:read").isEqualTo(403);
  }

  @Test
  void theExportStreamsTheSameEventsAsNdjsonWithinItsBounds() {
    for (int i = 1; i <= 4; i++) {
      openAccount("exp-" + i, "COINS", true);
    }
    JsonNode events = page("/v1/audit/events").get("data");
    HttpResponse<String> raw = exportRaw("/v1/audit/export");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/x-ndjson");
    List<JsonNode> lines = lines(raw.body());
    assertThat(lines).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(lines.get(i)).isEqualTo(events.get(i));
    }
    long first = events.get(0).get("position").asLong();
    long third = events.get(2).get("position").asLong();
    List<JsonNode> middle = export("/v1/audit/export?after=" + first + "&until=" + third);
    assertThat(middle)
        .extracting(e -> e.get("position").asLong())
        .containsExactly(events.get(1).get("position").asLong(), third);
  }

  private JsonNode page(String path) {
    Http.Response response = auditor.get(path);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }

  private List<JsonNode> export(String path) {
    HttpResponse<String> response = exportRaw(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return lines(response.body());
  }

  private HttpResponse<String> exportRaw(String path) {
    return auditor.get(path).raw();
  }

  private static List<JsonNode> lines(String body) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isEmpty()) {
        try {
          lines.add(Http.JSON.readTree(line));
        } catch (IOException e) {
          throw new IllegalStateException("not JSON: " + line, e);
        }
      }
    }
    return lines;
  }

  private static List<String> types(JsonNode events) {
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.get("type").asText()));
    return types;
  }
}
