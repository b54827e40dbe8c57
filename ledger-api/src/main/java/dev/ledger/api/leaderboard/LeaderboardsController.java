package dev.ledger.api.leaderboard;

import dev.ledger.api.ledger.Positions;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.projections.leaderboard.Board;
import dev.ledger.projections.leaderboard.LeaderboardEntry;
import dev.ledger.projections.leaderboard.LeaderboardProjection;
import dev.ledger.projections.leaderboard.LeaderboardQueries;
import dev.ledger.projections.leaderboard.Period;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The top users of a board in the current period (UTC now), from the {@code leaderboards}
 * projection. Answers JSON, or CSV ({@code rank,userId,value}) to {@code Accept: text/csv}.
 */
@RestController
public class LeaderboardsController {
  /** Entries answered when the client names no {@code limit}. */
  static final int ENTRIES_DEFAULT = 10;

  /** The most entries one answer holds. */
  static final int ENTRIES_MAX = 1_000;

  static final List<String> CSV_HEADER = List.of("rank", "userId", "value");

  private final LeaderboardQueries queries;
  private final Positions positions;
  private final Clock clock;

  public LeaderboardsController(LeaderboardQueries queries, Positions positions, Clock clock) {
    this.queries = queries;
    this.positions = positions;
    this.clock = clock;
  }

  @GetMapping("/v1/leaderboards/{board}")
  @RequiresScope(Scope.LEDGER_READ)
  ResponseEntity<Object> board(
      @PathVariable("board") String boardName,
      @RequestParam(required = false) String period,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String minPosition,
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
    Board board =
        Board.parse(boardName)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "leaderboard_not_found",
                        "no leaderboard "
                            + (boardName.length() > 64 ? boardName.substring(0, 64) : boardName)));
    Period kind =
        period == null
            ? Period.ALL
            : Period.parse(period)
                .orElseThrow(() -> ApiException.invalid("period", "must be all, month or week"));
    int size = entries(limit);
    long position =
        positions.await(LeaderboardProjection.NAME, Positions.parseMinPosition(minPosition));
    String periodKey = kind.keyAt(clock.instant());
    List<LeaderboardEntry> entries =
        queries.top(RequestContext.current().tenant(), board, periodKey, size);

    if (Csv.isPreferred(accept)) {
      Csv csv = new Csv(CSV_HEADER);
      for (LeaderboardEntry entry : entries) {
        csv.row(Integer.toString(entry.rank()), entry.userId(), Long.toString(entry.value()));
      }
      return ResponseEntity.ok().contentType(Csv.MEDIA_TYPE).body(csv.toString());
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("board", board.slug());
    view.put("period", kind.slug());
    view.put("periodKey", periodKey);
    view.put("entries", entries.stream().map(LeaderboardsController::entry).toList());
    view.put("position", position);
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(view);
  }

  private static Map<String, Object> entry(LeaderboardEntry entry) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("rank", entry.rank());
    view.put("userId", entry.userId());
    view.put("value", entry.value());
    return view;
  }

  private static int entries(String raw) {
    if (raw == null) {
      return ENTRIES_DEFAULT;
    }
    int limit;
    try {
      limit = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      limit = 0;
    }
    if (limit < 1 || limit > ENTRIES_MAX) {
      throw ApiException.invalid("limit", "must be an integer from 1 to " + ENTRIES_MAX);
    }
    return limit;
  }
}
