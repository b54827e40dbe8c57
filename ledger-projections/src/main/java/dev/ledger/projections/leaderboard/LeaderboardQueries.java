package dev.ledger.projections.leaderboard;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads the top of a board, in the order {@link LeaderboardProjection} defines. */
public class LeaderboardQueries {
  private final JdbcTemplate jdbc;

  public LeaderboardQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The first {@code limit} users of a board in one period: highest value first; of equal values,
   * the one reached at the lower position, then the lower user id (byte order).
   */
  public List<LeaderboardEntry> top(String tenant, Board board, String periodKey, int limit) {
    List<LeaderboardEntry> entries = new ArrayList<>();
    jdbc.query(
        """
        SELECT user_id, value FROM leaderboard_entry
        WHERE tenant_id = ? AND board = ? AND period_key = ?
        ORDER BY value DESC, reached_position ASC, user_id ASC
        LIMIT ?""",
        rs -> {
          entries.add(
              new LeaderboardEntry(
                  entries.size() + 1, rs.getString("user_id"), rs.getLong("value")));
        },
        tenant,
        board.slug(),
        periodKey,
        limit);
    return List.copyOf(entries);
  }
}
