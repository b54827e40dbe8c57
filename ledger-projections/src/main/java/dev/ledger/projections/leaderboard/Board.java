package dev.ledger.projections.leaderboard;

import java.util.Arrays;
import java.util.Optional;

/** The leaderboards, each named in the API by its slug. Every value is in minor units. */
public enum Board {
  /**
   * A user's posted points balance: for {@link Period#ALL} the current one, for a month or week the
   * balance after the user's latest event inside that period.
   */
  POINTS_BALANCE("points-balance"),
  /** The points awarded to a user (credits with code {@code points_award}), summed per period. */
  POINTS_EARNED("points-earned"),
  /**
   * Coins a user gave away as gifts, summed per period: every coin that left {@code
   * user:{userId}:coins} by a gift, the platform's fee included.
   */
  GIFTS_SENT("gifts-sent"),
  /**
   * Coins a user received from gifts, summed per period: what reached {@code
   * user:{userId}:earnings}, after the platform's fee.
   */
  GIFTS_RECEIVED("gifts-received");

  private final String slug;

  Board(String slug) {
    this.slug = slug;
  }

  /** The board's name in URLs and in the {@code board} column. */
  public String slug() {
    return slug;
  }

  public static Optional<Board> parse(String slug) {
    return Arrays.stream(values()).filter(b -> b.slug.equals(slug)).findFirst();
  }
}
