package dev.ledger.api.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.config.EventProcessingConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code GET /v1/admin/projections} lists every read model with its position, the head, the lag and
 * its status; every projection of the engine is there, so every one can be replayed. An unknown
 * projection is {@code 404}, a second replay while one runs {@code 409}, and only {@code admin} may
 * ask.
 */
class ProjectionsAdminApiTest extends ApiTest {
  @Autowired EventProcessingConfiguration processing;
  @Autowired ReadModels models;
  @Autowired JdbcTemplate jdbc;

  @Test
  void everyProjectionOfTheEngineIsAReplayableReadModel() {
    List<String> projections = new ArrayList<>();
    for (String processor : processing.eventProcessors().keySet()) {
      if (!processor.endsWith("SagaProcessor")) {
        projections.add(processor);
      }
    }
    assertThat(models.all())
        .extracting(ReadModel::name)
        .containsExactlyInAnyOrderElementsOf(projections);
  }

  @Test
  void listsEachReadModelWithItsPositionTheHeadItsLagAndItsStatus() {
    openAccount("user:lis:points", "POINTS", false);
    Http.Response list = admin.get("/v1/admin/projections");
    assertThat(list.status()).as(list.toString()).isEqualTo(200);
    JsonNode projections = list.body();
    assertThat(projections.isArray()).isTrue();
    List<String> names = new ArrayList<>();
    for (JsonNode projection : projections) {
      names.add(projection.get("name").asText());
      long head = projection.get("headPosition").asLong();
      long position = projection.get("position").asLong();
      assertThat(head).isPositive();
      assertThat(position).isBetween(0L, head);
      assertThat(projection.get("lag").asLong()).isEqualTo(head - position);
      assertThat(projection.get("status").asText()).isIn("RUNNING", "REPLAYING");
    }
    assertThat(names)
        .containsExactly(
            "balances",
            "transfers",
            "investments",
            "catalog",
            "leaderboards",
            "escrows",
            "coins",
            "payments");

    JsonNode balances = admin.get("/v1/admin/projections/balances").body();
    assertThat(balances.get("tables"))
        .extracting(JsonNode::asText)
        .containsExactly("account_balance", "account_entry");
  }

  @Test
  void anUnknownProjectionIsNotFound() {
    for (Http.Response response :
        List.of(
            admin.get("/v1/admin/projections/nope"),
            admin.post("/v1/admin/projections/nope/replay", null),
            admin.post("/v1/admin/projections/PendingTransferExpirySagaProcessor/replay", null))) {
      assertThat(response.status()).as(response.toString()).isEqualTo(404);
      assertThat(response.code()).isEqualTo("projection_not_found");
    }
  }

  @Test
  void onlyAdminsSeeOrReplayProjections() {
    Http auditor = new Http(port, newKey(tenant, "audit:read", "ledger:read", "ledger:write"));
    assertThat(auditor.get("/v1/admin/projections").status()).isEqualTo(403);
    assertThat(auditor.post("/v1/admin/projections/balances/replay", null).status()).isEqualTo(403);
    assertThat(new Http(port, null).get("/v1/admin/projections").status()).isEqualTo(401);
  }

  @Test
  void aSecondReplayWhileOneIsUnderWayIsAConflict() {
    // a replay under way on another instance, as the database records it
    String id = UUID.randomUUID().toString();
    jdbc.update(
        "INSERT INTO projection_replay (id, projection, state, runner) VALUES (?, 'catalog', 'BUILDING', 'elsewhere')",
        id);
    try {
      Http.Response second = admin.post("/v1/admin/projections/catalog/replay", null);
      assertThat(second.status()).as(second.toString()).isEqualTo(409);
      assertThat(second.code()).isEqualTo("replay_in_progress");
      JsonNode catalog = admin.get("/v1/admin/projections/catalog").body();
      assertThat(catalog.get("status").asText()).isEqualTo("REPLAYING");
      assertThat(catalog.get("replay").get("id").asText()).isEqualTo(id);
      assertThat(catalog.get("replay").get("runner").asText()).isEqualTo("elsewhere");
    } finally {
      jdbc.update("UPDATE projection_replay SET state = 'FAILED', error = 'test' WHERE id = ?", id);
    }
  }
}
