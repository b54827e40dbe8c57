package dev.ledger.api.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Invariants 3 and 7: an id takes effect once even when two requests race with it, and stored
 * events can be neither changed nor removed.
 */
class EventImmutabilityTest extends ApiTest {
  @Autowired JdbcTemplate jdbc;

  @Test
  void theEventStoreRefusesUpdatesAndDeletes() {
    openAccount("user:1:points", "POINTS", false);
    String aggregate = tenant + "/account/user:1:points";
    assertThatThrownBy(
            () ->
                jdbc.update(
                    "UPDATE domain_event_entry SET payload = '\\x00' WHERE aggregate_identifier = ?",
                    aggregate))
        .isInstanceOf(DataAccessException.class)
        .hasMessageContaining("events are immutable");
    assertThatThrownBy(
            () ->
                jdbc.update(
                    "DELETE FROM domain_event_entry WHERE aggregate_identifier = ?", aggregate))
        .hasMessageContaining("events are immutable");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Integer.class,
                aggregate))
        .isEqualTo(1);
  }

  @Test
  void racingRequestsWithOneIdMoveValueOnce() {
    funded("platform:points:issuance", "user:2:points", 1_000, "POINTS");
    openAccount("user:3:points", "POINTS", false);
    List<CompletableFuture<Http.Response>> racing = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      racing.add(
          CompletableFuture.supplyAsync(
              () -> transfer("once", "user:2:points", "user:3:points", 100, "POINTS")));
    }
    List<Integer> statuses =
        racing.stream().map(CompletableFuture::join).map(Http.Response::status).toList();
    assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
    long position =
        racing.stream()
            .map(CompletableFuture::join)
            .mapToLong(r -> r.body().get("position").asLong())
            .max()
            .orElseThrow();
    Http.Response account = api.get("/v1/accounts/user:3:points?minPosition=" + position);
    assertThat(account.body().get("balance").get("posted").asLong()).isEqualTo(100);
  }
}
