package dev.ledger.api.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.leaderboard.BoardsFromHistory.Line;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A replay rebuilds identical leaderboards: resetting the {@code leaderboards} processor empties
 * its tables, and reading the history again restores every row (value, position reached, last
 * position) and every answer of every board and period.
 */
class LeaderboardReplayTest extends ApiTest {
  private static final Duration REPLAY_WAIT = Duration.ofSeconds(120);

  @Autowired EventProcessingConfiguration processing;
  @Autowired JdbcTemplate jdbc;

  @Test
  void aReplayRebuildsIdenticalBoards() {
    long position = history();
    Map<String, JsonNode> before = boards(position);
    List<Map<String, Object>> rowsBefore = rows();
    assertThat(rowsBefore).as("rows of this tenant").hasSizeGreaterThanOrEqualTo(20);
    assertThat(LeaderboardApiTest.lines(before.get("points-balance all")))
        .as("what the history says")
        .isEqualTo(BoardsFromHistory.read(jdbc, tenant).board("points-balance", "all", "all"))
        .hasSize(4);
    assertThat(LeaderboardApiTest.lines(before.get("gifts-sent all")))
        .isEqualTo(BoardsFromHistory.read(jdbc, tenant).board("gifts-sent", "all", "all"))
        .containsExactly(new Line(1, "kim", 100), new Line(2, "lee", 100));
    assertThat(LeaderboardApiTest.lines(before.get("gifts-received all")))
        .containsExactly(new Line(1, "moe", 105), new Line(2, "ned", 35));

    PooledStreamingEventProcessor processor =
        processing
            .eventProcessor("leaderboards", PooledStreamingEventProcessor.class)
            .orElseThrow();
    assertThat(processing.deadLetterQueue("leaderboards")).as("a dead-letter queue").isPresent();
    processor.shutDown();
    try {
      processor.resetTokens();
      assertThat(rows()).as("the reset handler empties the boards").isEmpty();
    } finally {
      processor.start();
    }
    assertThat(processor.isRunning()).isTrue();

    Map<String, JsonNode> after = boards(position);
    for (Map.Entry<String, JsonNode> board : before.entrySet()) {
      assertThat(LeaderboardApiTest.lines(after.get(board.getKey())))
          .as(board.getKey())
          .isEqualTo(LeaderboardApiTest.lines(board.getValue()));
    }
    assertThat(rows()).isEqualTo(rowsBefore);

    // and the rebuilt boards keep following new events
    Http.Response award =
        api.post(
            "/v1/points/awards",
            Map.of("id", "after-replay", "userId", "dee", "amount", 1_000, "reason", "test"));
    assertThat(award.status()).as(award.toString()).isEqualTo(201);
    JsonNode latest = read("points-earned", "all", award.body().get("position").asLong());
    assertThat(LeaderboardApiTest.lines(latest).get(0)).isEqualTo(new Line(1, "dee", 1_000));
  }

  /** Awards and redemptions for four users, with a tie on each board. */
  private long history() {
    long position = 0;
    Object[][] moves = {
      {"awards", "a-1", "kim", 50},
      {"awards", "a-2", "lee", 80},
      {"redemptions", "r-1", "lee", 30}, // lee 50 after kim: kim ranks higher
      {"awards", "a-3", "moe", 20},
      {"awards", "a-4", "ned", 70},
      {"awards", "a-5", "moe", 60}, // moe earns 80, as lee did, but later
      {"redemptions", "r-2", "ned", 70},
    };
    for (Object[] move : moves) {
      Http.Response response =
          api.post(
              "/v1/points/" + move[0],
              Map.of("id", move[1], "userId", move[2], "amount", move[3], "reason", "test"));
      assertThat(response.status()).as(response.toString()).isEqualTo(201);
      position = response.body().get("position").asLong();
    }
    // gifts between them, from coins funded by hand
    openAccount("platform:coins:issuance", "COINS", true);
    for (String user : List.of("kim", "lee")) {
      openAccount("user:" + user + ":coins", "COINS", false);
      Http.Response funded =
          transfer(
              "coins-" + user,
              "platform:coins:issuance",
              "user:" + user + ":coins",
              1_000,
              "COINS");
      assertThat(funded.status()).as(funded.toString()).isEqualTo(201);
    }
    Object[][] gifts = {
      {"g-1", "kim", "moe", 100}, {"g-2", "lee", "moe", 50}, {"g-3", "lee", "ned", 50}
    };
    for (Object[] gift : gifts) {
      Http.Response response =
          api.post(
              "/v1/gifts",
              Map.of("id", gift[0], "senderId", gift[1], "recipientId", gift[2], "coins", gift[3]));
      assertThat(response.status()).as(response.toString()).isEqualTo(201);
      position = response.body().get("position").asLong();
    }
    return position;
  }

  private Map<String, JsonNode> boards(long position) {
    Map<String, JsonNode> boards = new LinkedHashMap<>();
    for (String board :
        List.of("points-balance", "points-earned", "gifts-sent", "gifts-received")) {
      for (String period : List.of("all", "month", "week")) {
        boards.put(board + " " + period, read(board, period, position));
      }
    }
    return boards;
  }

  /**
   * Reads a board at {@code position}. A replay runs through the whole shared history, which can
   * take longer than one read's wait: a {@code 503 projection_lagging} is asked again.
   */
  private JsonNode read(String board, String period, long position) {
    long deadline = System.nanoTime() + REPLAY_WAIT.toNanos();
    while (true) {
      Http.Response response =
          api.get(
              "/v1/leaderboards/"
                  + board
                  + "?period="
                  + period
                  + "&limit=1000&minPosition="
                  + position);
      if (response.status() != 503 || System.nanoTime() > deadline) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.body();
      }
    }
  }

  private List<Map<String, Object>> rows() {
    return jdbc.queryForList(
        "SELECT board, period_key, user_id, value, reached_position, last_position"
            + " FROM leaderboard_entry WHERE tenant_id = ? ORDER BY board, period_key, user_id",
        tenant);
  }
}
