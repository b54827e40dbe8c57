package dev.ledger.api.leaderboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The leaderboards computed the slow way, straight from a tenant's events in the event store, with
 * none of the engine's code: the reference the projection is compared against.
 */
final class BoardsFromHistory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern USER_POINTS = Pattern.compile("user:([a-zA-Z0-9_-]{1,64}):points");
  private static final Pattern USER_COINS = Pattern.compile("user:([a-zA-Z0-9_-]{1,64}):coins");
  private static final Pattern USER_EARNINGS =
      Pattern.compile("user:([a-zA-Z0-9_-]{1,64}):earnings");

  /** One line of a board: what the API answers in {@code entries}. */
  record Line(int rank, String userId, long value) {}

  private record Event(long position, String address, String type, JsonNode payload, Instant at) {}

  private final List<Event> events;

  private BoardsFromHistory(List<Event> events) {
    this.events = events;
  }

  /**
   * Reads the events of the tenant's {@code user:*:points}, {@code user:*:coins} and {@code
   * user:*:earnings} accounts, in order of position.
   */
  static BoardsFromHistory read(JdbcTemplate jdbc, String tenant) {
    String prefix = tenant + "/account/";
    List<Event> events =
        jdbc.query(
            "SELECT global_index, aggregate_identifier, payload_type, payload, time_stamp"
                + " FROM domain_event_entry WHERE aggregate_identifier LIKE ?"
                + " AND (aggregate_identifier LIKE '%:points' OR aggregate_identifier LIKE '%:coins'"
                + " OR aggregate_identifier LIKE '%:earnings') ORDER BY global_index",
            (rs, i) ->
                new Event(
                    rs.getLong("global_index"),
                    rs.getString("aggregate_identifier").substring(prefix.length()),
                    simpleName(rs.getString("payload_type")),
                    parse(rs.getBytes("payload")),
                    Instant.parse(rs.getString("time_stamp"))),
            prefix + "user:%");
    return new BoardsFromHistory(events);
  }

  int eventCount() {
    return events.size();
  }

  /** The month of a time, UTC: {@code 2026-11}. */
  static String monthOf(Instant at) {
    return YearMonth.from(at.atZone(ZoneOffset.UTC)).toString();
  }

  /** The ISO week of a time, UTC: {@code 2026-W47}. */
  static String weekOf(Instant at) {
    return DateTimeFormatter.ISO_WEEK_DATE.format(at.atZone(ZoneOffset.UTC)).substring(0, 8);
  }

  static String keyOf(String period, Instant at) {
    return switch (period) {
      case "all" -> "all";
      case "month" -> monthOf(at);
      case "week" -> weekOf(at);
      default -> throw new IllegalArgumentException(period);
    };
  }

  /**
   * The whole board for one period: {@code points-balance} is the balance after the user's latest
   * event in the period, {@code points-earned} the sum of the period's {@code points_award}
   * credits; higher value first, then the user who reached the value at the lower position, then
   * the lower user id.
   */
  List<Line> board(String board, String period, String periodKey) {
    if (board.startsWith("gifts-")) {
      return giftBoard(board, period, periodKey);
    }
    Set<String> pointsAccounts = new HashSet<>();
    Map<String, long[]> valueAndReached = new HashMap<>();
    for (Event event : events) {
      if (event.type().equals("AccountOpened")) {
        if (event.payload().get("asset").asText().equals("POINTS")) {
          pointsAccounts.add(event.address());
        }
        continue;
      }
      boolean credit = event.type().equals("AccountCredited");
      boolean debit = event.type().equals("AccountDebited");
      Matcher user = USER_POINTS.matcher(event.address());
      if (!(credit || debit)
          || !pointsAccounts.contains(event.address())
          || !user.matches()
          || !keyOf(period, event.at()).equals(periodKey)) {
        continue;
      }
      long[] current = valueAndReached.get(user.group(1));
      long value;
      if (board.equals("points-balance")) {
        value = event.payload().get("postedAfter").asLong();
      } else if (board.equals("points-earned")) {
        JsonNode movement = event.payload().get("movement");
        if (!credit || !"points_award".equals(movement.path("code").asText(null))) {
          continue;
        }
        value = Math.addExact(current == null ? 0 : current[0], movement.get("amount").asLong());
      } else {
        throw new IllegalArgumentException(board);
      }
      if (current == null || current[0] != value) {
        valueAndReached.put(user.group(1), new long[] {value, event.position()});
      }
    }
    return ranked(valueAndReached);
  }

  /**
   * {@code gifts-sent}: the debits of {@code user:*:coins} by a gift's transfers ({@code
   * engine:gift:…}) in the period, summed; {@code gifts-received}: the credits of {@code
   * user:*:earnings} by them.
   */
  private List<Line> giftBoard(String board, String period, String periodKey) {
    boolean sent = board.equals("gifts-sent");
    Pattern account = sent ? USER_COINS : USER_EARNINGS;
    String type = sent ? "AccountDebited" : "AccountCredited";
    Map<String, long[]> valueAndReached = new HashMap<>();
    for (Event event : events) {
      Matcher user = account.matcher(event.address());
      if (!event.type().equals(type)
          || !user.matches()
          || !keyOf(period, event.at()).equals(periodKey)) {
        continue;
      }
      JsonNode movement = event.payload().get("movement");
      if (!movement.get("transferId").asText().startsWith("engine:gift:")) {
        continue;
      }
      long[] current = valueAndReached.get(user.group(1));
      long value = Math.addExact(current == null ? 0 : current[0], movement.get("amount").asLong());
      valueAndReached.put(user.group(1), new long[] {value, event.position()});
    }
    return ranked(valueAndReached);
  }

  private static List<Line> ranked(Map<String, long[]> valueAndReached) {
    List<Map.Entry<String, long[]>> ranked = new ArrayList<>(valueAndReached.entrySet());
    ranked.sort(
        Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
            .thenComparingLong(e -> e.getValue()[1])
            .thenComparing(Map.Entry::getKey));
    List<Line> lines = new ArrayList<>();
    for (Map.Entry<String, long[]> entry : ranked) {
      lines.add(new Line(lines.size() + 1, entry.getKey(), entry.getValue()[0]));
    }
    return lines;
  }

  private static String simpleName(String payloadType) {
    return payloadType.substring(
        Math.max(payloadType.lastIndexOf('$'), payloadType.lastIndexOf('.')) + 1);
  }

  private static JsonNode parse(byte[] payload) {
    try {
      return JSON.readTree(new String(payload, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("an event payload that is not JSON", e);
    }
  }
}
