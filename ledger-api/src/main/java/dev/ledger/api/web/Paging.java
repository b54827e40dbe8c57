package dev.ledger.api.web;

import dev.ledger.api.config.LedgerProperties;
import org.springframework.stereotype.Component;

/** Reads {@code limit} within the configured bounds. */
@Component
public class Paging {
  private final int defaultSize;
  private final int maxSize;

  public Paging(LedgerProperties properties) {
    this.defaultSize = properties.http().pageSizeDefault();
    this.maxSize = properties.http().pageSizeMax();
  }

  public int limit(String raw) {
    if (raw == null) {
      return defaultSize;
    }
    int limit;
    try {
      limit = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw ApiException.invalid("limit", "must be an integer from 1 to " + maxSize);
    }
    if (limit < 1 || limit > maxSize) {
      throw ApiException.invalid("limit", "must be an integer from 1 to " + maxSize);
    }
    return limit;
  }

  public static void checkCursor(String cursor) {
    if (cursor != null
        && (cursor.isEmpty() || cursor.length() > 1024 || !cursor.matches("[A-Za-z0-9_-]+"))) {
      throw ApiException.invalid("cursor", "is not a cursor this API issued");
    }
  }
}
