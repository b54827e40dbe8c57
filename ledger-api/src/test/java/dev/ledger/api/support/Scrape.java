package dev.ledger.api.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One answer of {@code /actuator/prometheus}, read the way Prometheus reads it. */
public record Scrape(String text) {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The value of the sample with this name and exactly these labels, if there is one. */
  public OptionalDouble value(String name, Map<String, String> labels) {
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line.trim());
      if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(name)) {
        continue;
      }
      Map<String, String> found = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          found.put(label.group(1), label.group(2));
        }
      }
      if (found.equals(labels)) {
        return OptionalDouble.of(Double.parseDouble(sample.group(3)));
      }
    }
    return OptionalDouble.empty();
  }

  public double valueOrZero(String name, Map<String, String> labels) {
    return value(name, labels).orElse(0);
  }

  /** Whether any sample has this name. */
  public boolean has(String name) {
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line.trim());
      if (!line.startsWith("#") && sample.matches() && sample.group(1).equals(name)) {
        return true;
      }
    }
    return false;
  }
}
