package dev.ledger.api.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.leaderboard.BoardsFromHistory.Line;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.Movement;
import dev.ledger.core.shared.AccountId;
import dev.ledger.projections.leaderboard.Board;
import dev.ledger.projections.leaderboard.LeaderboardQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Leaderboards over HTTP: after awards, redemptions and transfers, every board and period ranks
 * exactly as a brute-force reading of the event store does (ties to whoever reached the value
 * first), for the current UTC month and week; only a tenant's own users of POINTS accounts appear;
 * {@code limit}, CSV and bad input are answered as the API says; and a write shows on the board
 * within a second, without {@code minPosition}.
 */
class LeaderboardApiTest extends ApiTest {
  private static final List<String> POINTS_BOARDS = List.of("points-balance", "points-earned");
  private static final List<String> PERIODS = List.of("all", "month", "week");

  @Autowired JdbcTemplate jdbc;
  @Autowired EventStorageEngine storageEngine;
  @Autowired LeaderboardQueries queries;

  @Test
  void ranksEveryBoardAndPeriodAsTheEventHistoryDoesWithTiesToWhoeverReachedTheValueFirst() {
    long position = scenario();

    BoardsFromHistory history = BoardsFromHistory.read(jdbc, tenant);
    assertThat(history.eventCount()).as("events of the users' points accounts").isGreaterThan(15);
    Instant now = Instant.now();
    for (String board : POINTS_BOARDS) {
      for (String period : PERIODS) {
        JsonNode answer = read(board, "?period=" + period + "&limit=1000&minPosition=" + position);
        assertThat(answer.get("board").asText()).isEqualTo(board);
        assertThat(answer.get("period").asText()).isEqualTo(period);
        String key = answer.get("periodKey").asText();
        assertThat(key)
            .as("the current UTC period")
            .isEqualTo(BoardsFromHistory.keyOf(period, now));
        assertThat(answer.get("position").asLong()).isGreaterThanOrEqualTo(position);
        List<Line> expected = history.board(board, period, key);
        assertThat(expected).as("%s %s from history", board, period).hasSizeGreaterThanOrEqualTo(5);
        assertThat(lines(answer)).as("%s %s", board, period).isEqualTo(expected);
      }
    }
    // the same, spelled out: a tie goes to who reached the value first, not to the lower user id
    assertThat(lines(read("points-balance", "?minPosition=" + position)))
        .containsExactly(
            new Line(1, "erin", 500),
            new Line(2, "zed", 120),
            new Line(3, "amy", 120),
            new Line(4, "cal", 60),
            new Line(5, "bea", 60),
            new Line(6, "dan", 0));
    assertThat(lines(read("points-earned", "?period=all&minPosition=" + position)))
        .containsExactly(
            new Line(1, "amy", 140),
            new Line(2, "zed", 100),
            new Line(3, "cal", 60),
            new Line(4, "bea", 60),
            new Line(5, "dan", 10));
  }

  @Test
  void ranksTheGiftBoardsAsTheEventHistoryDoes() {
    openAccount("platform:coins:issuance", "COINS", true);
    for (String user : List.of("amy", "bea", "cal")) {
      openAccount("user:" + user + ":coins", "COINS", false);
      Http.Response funded =
          transfer(
              "coins-" + user,
              "platform:coins:issuance",
              "user:" + user + ":coins",
              10_000,
              "COINS");
      assertThat(funded.status()).as(funded.toString()).isEqualTo(201);
    }
    Object[][] gifts = {
      {"amy", "dan", 100}, // dan receives 70
      {"bea", "eve", 200}, // eve 140
      {"cal", "dan", 3}, // no fee: dan 73
      {"amy", "eve", 100}, // amy has sent 200, as bea has, but later; eve 210
      {"cal", "amy", 1_000}, // amy receives 700
    };
    long position = 0;
    for (int i = 0; i < gifts.length; i++) {
      Http.Response sent =
          api.post(
              "/v1/gifts",
              Map.of(
                  "id",
                  "g-" + i,
                  "senderId",
                  gifts[i][0],
                  "recipientId",
                  gifts[i][1],
                  "coins",
                  gifts[i][2]));
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      position = sent.body().get("position").asLong();
    }

    // a client's transfer into someone's earnings is no gift and counts for no board
    Http.Response notAGift =
        transfer("not-a-gift", "user:cal:coins", "user:eve:earnings", 5_000, "COINS");
    assertThat(notAGift.status()).as(notAGift.toString()).isEqualTo(201);
    position = notAGift.body().get("position").asLong();

    BoardsFromHistory history = BoardsFromHistory.read(jdbc, tenant);
    for (String board : List.of("gifts-sent", "gifts-received")) {
      for (String period : PERIODS) {
        JsonNode answer = read(board, "?period=" + period + "&minPosition=" + position);
        String key = answer.get("periodKey").asText();
        assertThat(lines(answer))
            .as("%s %s", board, period)
            .isEqualTo(history.board(board, period, key))
            .hasSize(3);
      }
    }
    assertThat(lines(read("gifts-sent", "?minPosition=" + position)))
        .containsExactly(
            new Line(1, "cal", 1_003), new Line(2, "bea", 200), new Line(3, "amy", 200));
    assertThat(lines(read("gifts-received", "?period=week&minPosition=" + position)))
        .containsExactly(new Line(1, "amy", 700), new Line(2, "eve", 210), new Line(3, "dan", 73));
  }

  @Test
  void theCurrentMonthAndWeekHoldThisPeriodsBalancesAndAwards() {
    award("a-1", "amy", 300);
    redeem("r-1", "amy", 100);
    award("a-2", "bob", 250);
    long position = redeem("r-2", "bob", 250).body().get("position").asLong();

    for (String period : List.of("month", "week")) {
      JsonNode answer = read("points-balance", "?period=" + period + "&minPosition=" + position);
      assertThat(answer.get("periodKey").asText())
          .isEqualTo(BoardsFromHistory.keyOf(period, Instant.now()));
      assertThat(lines(answer)).containsExactly(new Line(1, "amy", 200), new Line(2, "bob", 0));
      assertThat(lines(read("points-earned", "?period=" + period + "&minPosition=" + position)))
          .containsExactly(new Line(1, "amy", 300), new Line(2, "bob", 250));
    }
  }

  @Test
  void keepsEachPastMonthAndWeekAtTheBalanceOfTheUsersLastEventInIt() {
    // a history from early 2025, written to the event store as the accounts would have written it
    Instant jan05 = Instant.parse("2025-01-05T09:00:00Z"); // 2025-W01
    Instant jan10 = Instant.parse("2025-01-10T10:00:00Z"); // 2025-W02
    Instant jan20 = Instant.parse("2025-01-20T11:00:00Z"); // 2025-W04
    Instant feb03 = Instant.parse("2025-02-03T12:00:00Z"); // 2025-W06
    Instant now = Instant.now();
    String issuance = "platform:points:issuance";
    String redeemed = "platform:points:redeemed";
    String user = "user:old:points";
    append(
        issuance,
        new Timed(opened(issuance, true), jan05),
        new Timed(
            new AccountDebited(id(issuance), move("h-1", user, 100, "points_award"), -100), jan10),
        new Timed(
            new AccountDebited(id(issuance), move("h-3", user, 50, "points_award"), -150), feb03),
        new Timed(
            new AccountDebited(id(issuance), move("h-4", user, 10, "points_award"), -160), now));
    append(
        redeemed,
        new Timed(opened(redeemed, true), jan05),
        new Timed(
            new AccountCredited(id(redeemed), move("h-2", user, 30, "points_redemption"), 30),
            jan20));
    append(
        user,
        new Timed(opened(user, false), jan05),
        new Timed(
            new AccountCredited(id(user), move("h-1", issuance, 100, "points_award"), 100), jan10),
        new Timed(
            new AccountDebited(id(user), move("h-2", redeemed, 30, "points_redemption"), 70),
            jan20),
        new Timed(
            new AccountCredited(id(user), move("h-3", issuance, 50, "points_award"), 120), feb03),
        new Timed(
            new AccountCredited(id(user), move("h-4", issuance, 10, "points_award"), 130), now));
    long position = award("a-1", "new", 200).body().get("position").asLong();
    read("points-balance", "?minPosition=" + position);

    BoardsFromHistory history = BoardsFromHistory.read(jdbc, tenant);
    Object[][] expected = {
      {Board.POINTS_BALANCE, "2025-01", List.of(new Line(1, "old", 70))},
      {Board.POINTS_BALANCE, "2025-W02", List.of(new Line(1, "old", 100))},
      {Board.POINTS_BALANCE, "2025-W04", List.of(new Line(1, "old", 70))},
      {Board.POINTS_BALANCE, "2025-02", List.of(new Line(1, "old", 120))},
      {Board.POINTS_BALANCE, "2025-W06", List.of(new Line(1, "old", 120))},
      {Board.POINTS_EARNED, "2025-01", List.of(new Line(1, "old", 100))},
      {Board.POINTS_EARNED, "2025-W02", List.of(new Line(1, "old", 100))},
      {Board.POINTS_EARNED, "2025-W04", List.of()},
      {Board.POINTS_EARNED, "2025-02", List.of(new Line(1, "old", 50))},
      {Board.POINTS_EARNED, "2025-W01", List.of()},
    };
    for (Object[] row : expected) {
      Board board = (Board) row[0];
      String key = (String) row[1];
      String period = key.contains("W") ? "week" : "month";
      List<Line> stored =
          queries.top(tenant, board, key, 1000).stream()
              .map(e -> new Line(e.rank(), e.userId(), e.value()))
              .toList();
      assertThat(stored).as("%s %s", board.slug(), key).isEqualTo(row[2]);
      assertThat(history.board(board.slug(), period, key)).as("history").isEqualTo(row[2]);
    }
    // the current periods hold only what happened in them; all time holds everything
    for (String period : List.of("month", "week")) {
      assertThat(lines(read("points-balance", "?period=" + period)))
          .containsExactly(new Line(1, "new", 200), new Line(2, "old", 130));
      assertThat(lines(read("points-earned", "?period=" + period)))
          .containsExactly(new Line(1, "new", 200), new Line(2, "old", 10));
    }
    assertThat(lines(read("points-earned", "?period=all")))
        .containsExactly(new Line(1, "new", 200), new Line(2, "old", 160))
        .isEqualTo(history.board("points-earned", "all", "all"));
  }

  @Test
  void limitCutsTheTopDefaultingToTenAndAllowingAThousand() {
    long position = 0;
    for (int i = 1; i <= 12; i++) {
      position = award("a-" + i, "u" + i, i * 10L).body().get("position").asLong();
    }
    List<Line> all = BoardsFromHistory.read(jdbc, tenant).board("points-earned", "all", "all");
    assertThat(all).hasSize(12);
    assertThat(all.get(0)).isEqualTo(new Line(1, "u12", 120));

    assertThat(lines(read("points-earned", "?minPosition=" + position)))
        .isEqualTo(all.subList(0, LeaderboardsController.ENTRIES_DEFAULT));
    assertThat(lines(read("points-earned", "?limit=3&minPosition=" + position)))
        .isEqualTo(all.subList(0, 3));
    assertThat(lines(read("points-earned", "?limit=1&minPosition=" + position)))
        .containsExactly(new Line(1, "u12", 120));
    assertThat(
            lines(
                read(
                    "points-earned",
                    "?limit=" + LeaderboardsController.ENTRIES_MAX + "&minPosition=" + position)))
        .isEqualTo(all);
  }

  @Test
  void answersCsvWithTheSameRankingToAcceptTextCsv() {
    long position = scenario();
    Http csvClient = api.with("Accept", "text/csv");
    for (String board : POINTS_BOARDS) {
      for (String period : PERIODS) {
        String query = "?period=" + period + "&limit=1000&minPosition=" + position;
        Http.Response csv = csvClient.get("/v1/leaderboards/" + board + query);
        assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        String[] rows = csv.raw().body().split("\r\n", -1);
        assertThat(rows[0]).isEqualTo("rank,userId,value");
        assertThat(rows[rows.length - 1]).as("the last line ends with CRLF").isEmpty();
        List<String> expected = new ArrayList<>();
        for (Line line : lines(read(board, query))) {
          expected.add(line.rank() + "," + line.userId() + "," + line.value());
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
        assertThat(List.of(rows).subList(1, rows.length - 1)).isEqualTo(expected);
      }
    }
    // JSON unless CSV is asked for above it
    Http.Response preferJson =
        api.with("Accept", "application/json, text/csv;q=0.5")
            .get("/v1/leaderboards/points-balance?minPosition=" + position);
    assertThat(preferJson.header("Content-Type")).startsWith("application/json");
    assertThat(preferJson.body().get("entries").size()).isEqualTo(6);
    Http.Response anything =
        api.with("Accept", "*/*").get("/v1/leaderboards/points-balance?minPosition=" + position);
    assertThat(anything.header("Content-Type")).startsWith("application/json");
    Http.Response preferCsv =
        api.with("Accept", "application/json;q=0.5, text/csv")
            .get("/v1/leaderboards/points-balance?minPosition=" + position);
    assertThat(preferCsv.header("Content-Type")).startsWith("text/csv");
    assertThat(preferCsv.raw().body()).startsWith("rank,userId,value\r\n1,erin,500\r\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "unknown board, /v1/leaderboards/points-bal, 404, leaderboard_not_found, ",
    "unknown board with a period, /v1/leaderboards/coins?period=week, 404, leaderboard_not_found, ",
    "period year, /v1/leaderboards/points-balance?period=year, 400, validation_failed, period",
    "empty period, /v1/leaderboards/points-balance?period=, 400, validation_failed, period",
    "period in capitals, /v1/leaderboards/points-earned?period=WEEK, 400, validation_failed, period",
    "limit 0, /v1/leaderboards/points-balance?limit=0, 400, validation_failed, limit",
    "limit 1001, /v1/leaderboards/points-balance?limit=1001, 400, validation_failed, limit",
    "limit -1, /v1/leaderboards/points-earned?limit=-1, 400, validation_failed, limit",
    "limit not a number, /v1/leaderboards/points-balance?limit=ten, 400, validation_failed, limit",
    "limit beyond int, /v1/leaderboards/points-balance?limit=99999999999, 400, validation_failed, limit",
    "minPosition -1, /v1/leaderboards/points-balance?minPosition=-1, 400, validation_failed, minPosition",
    "minPosition not a number, /v1/leaderboards/gifts-sent?minPosition=x, 400, validation_failed, minPosition",
  })
  void answersBadInputWithAProblemInJsonOrCsv(
      String name, String path, int status, String code, String field) {
    for (Http client : List.of(api, api.with("Accept", "text/csv"))) {
      Http.Response response = client.get(path);
      assertThat(response.status()).as(response.toString()).isEqualTo(status);
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
      assertThat(response.code()).isEqualTo(code);
      if (field != null) {
        assertThat(response.body().get("errors").get(0).get("field").asText()).isEqualTo(field);
      }
    }
  }

  @Test
  void needsAKeyWithTheReadScope() {
    Http writeOnly = new Http(port, newKey(tenant, "ledger:write"));
    Http.Response forbidden = writeOnly.get("/v1/leaderboards/points-balance");
    assertThat(forbidden.status()).as(forbidden.toString()).isEqualTo(403);
    assertThat(forbidden.code()).isEqualTo("forbidden");
    Http.Response anonymous = api.as(null).get("/v1/leaderboards/points-balance");
    assertThat(anonymous.status()).isEqualTo(401);
    Http readOnly = new Http(port, newKey(tenant, "ledger:read"));
    assertThat(readOnly.get("/v1/leaderboards/points-balance").status()).isEqualTo(200);
  }

  @Test
  void theGiftBoardsAnswerEmptyWhileNobodyHasGivenAGift() {
    long position = scenario();
    for (String board : List.of("gifts-sent", "gifts-received")) {
      for (String period : PERIODS) {
        JsonNode answer = read(board, "?period=" + period + "&minPosition=" + position);
        assertThat(answer.get("board").asText()).isEqualTo(board);
        assertThat(answer.get("periodKey").asText())
            .isEqualTo(BoardsFromHistory.keyOf(period, Instant.now()));
        assertThat(answer.get("entries").isArray()).isTrue();
        assertThat(answer.get("entries")).isEmpty();
        assertThat(answer.get("position").asLong()).isGreaterThanOrEqualTo(position);
      }
    }
  }

  @Test
  void anotherTenantSeesNoneOfTheseUsers() {
    long position = scenario();
    Http other = new Http(port, newKey(tenant + "x", "ledger:read", "ledger:write"));

    JsonNode theirs = other.get("/v1/leaderboards/points-balance?minPosition=" + position).body();
    assertThat(theirs.get("entries")).isEmpty();
    Http.Response awarded =
        other.post(
            "/v1/points/awards",
            Map.of("id", "a-1", "userId", "zed", "amount", 7, "reason", "signup"));
    long later = awarded.body().get("position").asLong();
    assertThat(lines(other.get("/v1/leaderboards/points-earned?minPosition=" + later).body()))
        .containsExactly(new Line(1, "zed", 7));
    assertThat(lines(read("points-earned", "?minPosition=" + later)).get(1))
        .isEqualTo(new Line(2, "zed", 100));
  }

  @Test
  void keepsValuesUpToTheLargestBalanceExactly() {
    award("a-1", "max", Long.MAX_VALUE - 5);
    award("a-2", "max", 5);
    // the issuance account has given out all it can: min's award comes from another account
    openAccount("platform:points:other", "POINTS", true);
    openAccount("user:min:points", "POINTS", false);
    long position =
        created(transfer("platform:points:other", "user:min:points", 1, "points_award"))
            .body()
            .get("position")
            .asLong();

    for (String board : POINTS_BOARDS) {
      assertThat(lines(read(board, "?minPosition=" + position)))
          .as(board)
          .containsExactly(new Line(1, "max", Long.MAX_VALUE), new Line(2, "min", 1))
          .isEqualTo(BoardsFromHistory.read(jdbc, tenant).board(board, "all", "all"));
    }
  }

  @Test
  void aWriteShowsOnTheBoardWithinOneSecond() {
    award("a-0", "fast", 1);
    for (int i = 1; i <= 5; i++) {
      long expected = 1 + 10L * i;
      award("a-" + i, "fast", 10);
      long written = System.nanoTime();
      Duration seen = null;
      while (System.nanoTime() - written < Duration.ofSeconds(3).toNanos()) {
        List<Line> board = lines(read("points-balance", ""));
        if (board.contains(new Line(1, "fast", expected))) {
          seen = Duration.ofNanos(System.nanoTime() - written);
          break;
        }
        sleep(10);
      }
      assertThat(seen).as("write %d never showed on the board", i).isNotNull();
      assertThat(seen).as("write %d", i).isLessThan(Duration.ofSeconds(1));
    }
  }

  /**
   * Six users and a stranger's coins. Ties, each against the order of the user ids: zed reaches a
   * balance of 120 before amy, and cal earns 60 before bea. Erin's points come by a plain transfer
   * (a balance, nothing earned); dave's account has the points name but holds coins.
   */
  private long scenario() {
    award("a-1", "zed", 5);
    award("a-2", "amy", 100);
    created(transfer("user:amy:points", "user:zed:points", 20, "gift")); // amy 80, zed 25
    award("a-3", "zed", 95); // zed 120, earned 100
    award("a-4", "amy", 40); // amy 120 after zed, earned 140
    award("a-5", "cal", 60);
    award("a-6", "bea", 60);
    award("a-7", "dan", 10);
    redeem("r-1", "dan", 10); // dan 0, earned 10
    openAccount("user:erin:points", "POINTS", false);
    created(transfer("platform:points:issuance", "user:erin:points", 500, "bonus"));
    openAccount("platform:coins:issuance", "COINS", true);
    openAccount("user:dave:points", "COINS", false);
    Http.Response last =
        created(transfer("platform:coins:issuance", "user:dave:points", 999, "points_award"));
    return last.body().get("position").asLong();
  }

  private record Timed(Object event, Instant at) {}

  private void append(String address, Timed... events) {
    List<GenericDomainEventMessage<?>> messages = new ArrayList<>();
    for (int i = 0; i < events.length; i++) {
      messages.add(
          new GenericDomainEventMessage<>(
              "Account",
              id(address).toString(),
              i,
              events[i].event(),
              Map.of("tenant", tenant),
              UUID.randomUUID().toString(),
              events[i].at()));
    }
    storageEngine.appendEvents(messages);
  }

  private AccountId id(String address) {
    return AccountId.of(tenant, address);
  }

  private AccountOpened opened(String address, boolean allowNegative) {
    return new AccountOpened(
        id(address), "POINTS", allowNegative, Map.of(), Instant.parse("2025-01-05T09:00:00Z"));
  }

  private static Movement move(String transferId, String counterparty, long amount, String code) {
    return new Movement(transferId, counterparty, amount, code, null);
  }

  private Http.Response award(String id, String userId, long amount) {
    return created(
        api.post(
            "/v1/points/awards",
            Map.of("id", id, "userId", userId, "amount", amount, "reason", "test award")));
  }

  private Http.Response redeem(String id, String userId, long amount) {
    return created(
        api.post(
            "/v1/points/redemptions",
            Map.of("id", id, "userId", userId, "amount", amount, "reason", "test redemption")));
  }

  private Http.Response transfer(String debit, String credit, long amount, String code) {
    String asset = credit.equals("user:dave:points") ? "COINS" : "POINTS";
    return api.post(
        "/v1/transfers",
        Map.of(
            "id",
            "t-" + debit.replace(':', '-') + "-" + credit.replace(':', '-'),
            "debitAccount",
            debit,
            "creditAccount",
            credit,
            "amount",
            amount,
            "asset",
            asset,
            "code",
            code));
  }

  private static Http.Response created(Http.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response;
  }

  private JsonNode read(String board, String query) {
    Http.Response response = api.get("/v1/leaderboards/" + board + query);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    List<String> fields = new ArrayList<>();
    response.body().fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("board", "period", "periodKey", "entries", "position");
    return response.body();
  }

  static List<Line> lines(JsonNode answer) {
    List<Line> lines = new ArrayList<>();
    for (JsonNode entry : answer.get("entries")) {
      List<String> fields = new ArrayList<>();
      entry.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).containsExactly("rank", "userId", "value");
      lines.add(
          new Line(
              entry.get("rank").asInt(),
              entry.get("userId").asText(),
              entry.get("value").asLong()));
    }
    return lines;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
