package dev.ledger.projections.leaderboard;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.Arrays;
import java.util.Optional;

/**
 * The periods a board is kept for. An event belongs to the month and the ISO week (Monday to
 * Sunday, UTC) of its timestamp; each period has a key: {@code all}, {@code 2026-11}, {@code
 * 2026-W47}.
 */
public enum Period {
  ALL("all"),
  MONTH("month"),
  WEEK("week");

  /** The key of the one period of {@link #ALL}. */
  public static final String ALL_KEY = "all";

  private final String slug;

  Period(String slug) {
    this.slug = slug;
  }

  public String slug() {
    return slug;
  }

  public static Optional<Period> parse(String slug) {
    return Arrays.stream(values()).filter(p -> p.slug.equals(slug)).findFirst();
  }

  /** The key of the period of this kind that holds {@code at} (UTC). */
  public String keyAt(Instant at) {
    ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
    return switch (this) {
      case ALL -> ALL_KEY;
      case MONTH -> String.format("%04d-%02d", utc.getYear(), utc.getMonthValue());
      // the ISO week-based year: 2027-01-01 is a Friday and belongs to 2026-W53
      case WEEK ->
          String.format(
              "%04d-W%02d",
              utc.get(IsoFields.WEEK_BASED_YEAR), utc.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    };
  }
}
