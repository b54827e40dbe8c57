package dev.ledger.api.leaderboard;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * A CSV answer as RFC 4180 has it: a header line, comma-separated fields, CRLF line ends, and a
 * field quoted (with its quotes doubled) only when it holds a comma, a quote or a line break.
 */
public final class Csv {
  public static final MediaType MEDIA_TYPE = new MediaType("text", "csv", StandardCharsets.UTF_8);

  private final int columns;
  private final StringBuilder text = new StringBuilder();

  public Csv(List<String> header) {
    this.columns = header.size();
    line(header.toArray(String[]::new));
  }

  public Csv row(String... fields) {
    if (fields.length != columns) {
      throw new IllegalArgumentException("a row has " + columns + " fields");
    }
    line(fields);
    return this;
  }

  @Override
  public String toString() {
    return text.toString();
  }

  /**
   * Whether the client asks for CSV rather than JSON: its {@code Accept} names {@code text/csv}
   * with a quality above that of {@code application/json}, or equal to it and listed first.
   * Wildcards count for neither: without a clear ask, the answer is JSON. An {@code Accept} that
   * cannot be parsed is no ask.
   */
  public static boolean isPreferred(String accept) {
    if (accept == null || accept.isBlank()) {
      return false;
    }
    List<MediaType> types;
    try {
      types = MediaType.parseMediaTypes(accept);
    } catch (InvalidMediaTypeException e) {
      return false;
    }
    int csv = indexOf(types, "text", "csv");
    if (csv < 0 || types.get(csv).getQualityValue() <= 0) {
      return false;
    }
    int json = indexOf(types, "application", "json");
    if (json < 0) {
      return true;
    }
    double csvQuality = types.get(csv).getQualityValue();
    double jsonQuality = types.get(json).getQualityValue();
    return csvQuality > jsonQuality || (csvQuality == jsonQuality && csv < json);
  }

  private static int indexOf(List<MediaType> types, String type, String subtype) {
    for (int i = 0; i < types.size(); i++) {
      if (types.get(i).getType().equalsIgnoreCase(type)
          && types.get(i).getSubtype().equalsIgnoreCase(subtype)) {
        return i;
      }
    }
    return -1;
  }

  private void line(String[] fields) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(escape(fields[i]));
    }
    text.append("\r\n");
  }

  private static String escape(String field) {
    if (field == null) {
      return "";
    }
    if (field.indexOf(',') < 0
        && field.indexOf('"') < 0
        && field.indexOf('\n') < 0
        && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}
