package dev.ledger.api.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.projections.leaderboard.Board;
import dev.ledger.projections.leaderboard.Period;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules of the boards that need no database: period keys (UTC months and ISO weeks, across year
 * ends), board and period names, the limits, and when an answer is CSV.
 */
class LeaderboardRulesTest {
  @ParameterizedTest(name = "{0} is in {1} and {2}")
  @CsvSource({
    "2026-11-21T12:00:00Z, 2026-11, 2026-W47",
    "2026-11-22T23:59:59.999999Z, 2026-11, 2026-W47", // Sunday ends the ISO week
    "2026-11-23T00:00:00Z, 2026-11, 2026-W48",
    "2026-01-01T00:00:00Z, 2026-01, 2026-W01", // a Thursday: week 1 of 2026
    "2027-01-01T00:00:00Z, 2027-01, 2026-W53", // a Friday: still the last week of 2026
    "2024-12-30T10:00:00Z, 2024-12, 2025-W01", // a Monday: week 1 of 2025
    "2026-03-01T00:00:00Z, 2026-03, 2026-W09",
    "2026-02-28T23:59:59Z, 2026-02, 2026-W09",
  })
  void keysPeriodsByTheUtcMonthAndTheIsoWeek(String at, String month, String week) {
    Instant instant = Instant.parse(at);
    assertThat(Period.MONTH.keyAt(instant))
        .isEqualTo(month)
        .isEqualTo(BoardsFromHistory.monthOf(instant));
    assertThat(Period.WEEK.keyAt(instant))
        .isEqualTo(week)
        .isEqualTo(BoardsFromHistory.weekOf(instant));
    assertThat(Period.ALL.keyAt(instant)).isEqualTo("all");
  }

  @Test
  void knowsTheBoardsAndPeriodsOfTheApiByTheirNamesOnly() {
    assertThat(List.of(Board.values()).stream().map(Board::slug))
        .containsExactly("points-balance", "points-earned", "gifts-sent", "gifts-received");
    assertThat(Board.parse("points-earned")).contains(Board.POINTS_EARNED);
    assertThat(Board.parse("POINTS-EARNED")).isEmpty();
    assertThat(Board.parse("points")).isEmpty();
    assertThat(Period.parse("week")).contains(Period.WEEK);
    assertThat(Period.parse("year")).isEmpty();
    assertThat(Period.parse("Week")).isEmpty();
  }

  @Test
  void theLimitsRelate() {
    assertThat(LeaderboardsController.ENTRIES_DEFAULT)
        .isPositive()
        .isLessThanOrEqualTo(LeaderboardsController.ENTRIES_MAX);
    assertThat(LeaderboardsController.ENTRIES_DEFAULT).isEqualTo(10);
    assertThat(LeaderboardsController.ENTRIES_MAX).isEqualTo(1_000);
  }

  @ParameterizedTest(name = "Accept: {0} -> csv {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "text/csv | true",
        "text/csv;charset=utf-8 | true",
        "TEXT/CSV | true",
        "application/json | false",
        "*/* | false",
        "text/* | false",
        "'' | false",
        "not a media type;;; | false",
        "text/csv;q=0 | false",
        "application/json, text/csv | false",
        "text/csv, application/json | true",
        "application/json;q=0.5, text/csv | true",
        "text/csv;q=0.5, application/json | false",
        "text/html, text/csv;q=0.9 | true",
      })
  void answersCsvOnlyWhenAskedAboveJson(String accept, boolean csv) {
    assertThat(Csv.isPreferred(accept)).isEqualTo(csv);
  }

  @Test
  void writesRfc4180() {
    String text =
        new Csv(List.of("rank", "userId", "value"))
            .row("1", "plain", "5")
            .row("2", "a,b", "say \"hi\"")
            .toString();
    assertThat(text)
        .isEqualTo("rank,userId,value\r\n1,plain,5\r\n2,\"a,b\",\"say \"\"hi\"\"\"\r\n");
  }
}
