package dev.ledger.projections.support;

import java.util.List;

/**
 * One page of a list, and the cursor of the next page (null on the last).
 *
 * @param nextCursor opaque to clients; it encodes the sort key of the last row
 */
public record Page<T>(List<T> data, String nextCursor) {
  /** Builds a page from {@code limit + 1} fetched rows: the extra row only says there is more. */
  public static <T> Page<T> of(
      List<T> rows, int limit, java.util.function.Function<T, String> cursorOf) {
    if (rows.size() <= limit) {
      return new Page<>(rows, null);
    }
    List<T> page = rows.subList(0, limit);
    return new Page<>(List.copyOf(page), Cursors.encode(cursorOf.apply(page.get(limit - 1))));
  }
}
