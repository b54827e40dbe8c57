package dev.ledger.projections.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque cursors: the URL-safe Base64 of a sort key. */
public final class Cursors {
  private Cursors() {}

  public static String encode(String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor, or throws {@link IllegalArgumentException} for one we did not issue. */
  public static String decode(String cursor) {
    if (cursor == null || cursor.isEmpty() || cursor.length() > 1024) {
      throw new IllegalArgumentException("invalid cursor");
    }
    return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
  }

  public static long decodeLong(String cursor) {
    try {
      return Long.parseLong(decode(cursor));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid cursor");
    }
  }
}
