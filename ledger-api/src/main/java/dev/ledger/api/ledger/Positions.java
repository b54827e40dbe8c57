package dev.ledger.api.ledger;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.config.ProcessorWakeups;
import dev.ledger.api.web.ApiException;
import dev.ledger.core.shared.EventRef;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Global positions in the event history: where a command's events landed, and how far each
 * projection has read. A read with {@code minPosition} waits here until its projection has
 * processed everything up to that position, which is how a client reads its own writes.
 */
@Component
public class Positions {
  private static final long POLL_MILLIS = 10;

  private final JdbcTemplate jdbc;
  private final Serializer serializer;
  private final Duration maxWait;

  private final org.springframework.beans.factory.ObjectProvider<
          org.axonframework.config.EventProcessingConfiguration>
      processing;
  private final ObjectProvider<ProcessorWakeups> wakeups;

  public Positions(
      JdbcTemplate jdbc,
      @Qualifier("serializer") Serializer serializer,
      LedgerProperties properties,
      org.springframework.beans.factory.ObjectProvider<
              org.axonframework.config.EventProcessingConfiguration>
          processing,
      ObjectProvider<ProcessorWakeups> wakeups) {
    this.jdbc = jdbc;
    this.processing = processing;
    this.wakeups = wakeups;
    this.serializer = serializer;
    this.maxWait = properties.http().minPositionWait();
  }

  /** The position of the newest committed event (0 when there is none). */
  public long head() {
    Long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
    return head == null ? 0 : head;
  }

  /**
   * The position a command's answer carries: that of its latest event, or, when the command changed
   * nothing (an identical repeat), the head, which is at or after every event of the original
   * command, so that a read at it sees them all.
   */
  public long answered(List<EventRef> events, boolean changed) {
    return changed ? of(events) : Math.max(of(events), head());
  }

  /** The global position of the latest of these events (they are committed). */
  public long of(List<EventRef> events) {
    List<EventRef> refs = events.stream().filter(Objects::nonNull).toList();
    if (refs.isEmpty()) {
      return 0;
    }
    StringBuilder sql =
        new StringBuilder(
            "SELECT max(global_index) FROM domain_event_entry WHERE (aggregate_identifier, sequence_number) IN (");
    Object[] args = new Object[refs.size() * 2];
    for (int i = 0; i < refs.size(); i++) {
      sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
      args[2 * i] = refs.get(i).aggregateId();
      args[2 * i + 1] = refs.get(i).sequence();
    }
    sql.append(")");
    Long position = jdbc.queryForObject(sql.toString(), Long.class, args);
    return position == null ? 0 : position;
  }

  /**
   * The position of each command's latest event, as {@link #of} answers it for one command, for
   * many commands in one query.
   */
  public long[] ofEach(List<List<EventRef>> commands) {
    java.util.Map<String, Long> positionByRef = new java.util.HashMap<>();
    List<String> aggregates = new java.util.ArrayList<>();
    List<Long> sequences = new java.util.ArrayList<>();
    for (List<EventRef> refs : commands) {
      for (EventRef ref : refs) {
        if (ref != null && positionByRef.putIfAbsent(key(ref), 0L) == null) {
          aggregates.add(ref.aggregateId());
          sequences.add(ref.sequence());
        }
      }
    }
    if (!aggregates.isEmpty()) {
      jdbc.query(
          connection -> {
            var statement =
                connection.prepareStatement(
                    "SELECT e.aggregate_identifier, e.sequence_number, e.global_index"
                        + " FROM domain_event_entry e JOIN unnest(?::varchar[], ?::bigint[]) AS r(a, s)"
                        + " ON e.aggregate_identifier = r.a AND e.sequence_number = r.s");
            statement.setArray(1, connection.createArrayOf("varchar", aggregates.toArray()));
            statement.setArray(2, connection.createArrayOf("bigint", sequences.toArray()));
            return statement;
          },
          (java.sql.ResultSet row) -> {
            positionByRef.put(row.getString(1) + "#" + row.getLong(2), row.getLong(3));
          });
    }
    long[] positions = new long[commands.size()];
    for (int i = 0; i < commands.size(); i++) {
      for (EventRef ref : commands.get(i)) {
        if (ref != null) {
          positions[i] = Math.max(positions[i], positionByRef.get(key(ref)));
        }
      }
    }
    return positions;
  }

  private static String key(EventRef ref) {
    return ref.aggregateId() + "#" + ref.sequence();
  }

  /** Which of these aggregates have at least one committed event. */
  public java.util.Set<String> recorded(List<String> aggregateIds) {
    if (aggregateIds.isEmpty()) {
      return java.util.Set.of();
    }
    java.util.Set<String> found = new java.util.HashSet<>();
    jdbc.query(
        connection -> {
          var statement =
              connection.prepareStatement(
                  "SELECT aggregate_identifier FROM domain_event_entry"
                      + " WHERE aggregate_identifier = ANY (?) AND sequence_number = 0");
          statement.setArray(1, connection.createArrayOf("varchar", aggregateIds.toArray()));
          return statement;
        },
        (java.sql.ResultSet row) -> {
          found.add(row.getString(1));
        });
    return found;
  }

  /** Events a read may look back over to decide whether a position was processed. */
  private static final int LOOK_BACK_EVENTS_MAX = 10_000;

  /**
   * How far {@code processor} has read: the lowest position any of its segments has stored (-1
   * before it has read anything). A segment that sees no events of its own stores its token only
   * now and then, so this lags; {@link #await} does not rely on it.
   */
  public long reached(String processor) {
    long reached = Long.MAX_VALUE;
    for (SegmentToken token : tokens(processor)) {
      reached = Math.min(reached, token.index());
    }
    return reached == Long.MAX_VALUE ? -1 : reached;
  }

  /**
   * Whether {@code processor} has handled every committed event up to {@code position}. Each event
   * belongs to one segment (by the hash of its aggregate, as Axon's sequencing policy decides); it
   * is handled when that segment's token has passed it and does not list it as a gap. Gaps left by
   * rolled-back transactions have no event and so never hold a read back.
   */
  boolean hasProcessed(String processor, long position) {
    if (head() < position) {
      return false; // not written yet: a client may only ask for positions it was given
    }
    List<SegmentToken> tokens = tokens(processor);
    if (tokens.isEmpty()) {
      return false;
    }
    long lowest = tokens.stream().mapToLong(SegmentToken::index).min().orElse(-1);
    if (lowest >= position && tokens.stream().noneMatch(t -> t.hasGapAtOrBelow(position))) {
      return true;
    }
    Segment[] segments =
        Segment.computeSegments(tokens.stream().mapToInt(SegmentToken::segment).toArray());
    if (position - lowest > LOOK_BACK_EVENTS_MAX) {
      return false; // far behind: wait for the segments to store fresher tokens
    }
    long from = lowest;
    for (SegmentToken token : tokens) {
      from = Math.min(from, token.lowestGap() - 1);
    }
    // a gap older than the look-back window is a rolled-back transaction, not an event in flight
    from = Math.max(from, position - LOOK_BACK_EVENTS_MAX);
    List<Object[]> events =
        jdbc.query(
            "SELECT global_index, aggregate_identifier, payload_type FROM domain_event_entry"
                + " WHERE global_index > ? AND global_index <= ? ORDER BY global_index LIMIT "
                + (LOOK_BACK_EVENTS_MAX + 1),
            (rs, i) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)},
            from,
            position);
    if (events.size() > LOOK_BACK_EVENTS_MAX) {
      return false;
    }
    for (Object[] event : events) {
      if (!handles(processor, (String) event[2])) {
        // an event no handler of this processor takes is only passed over, and segments store that
        // only now and then: it cannot hold the read model back
        continue;
      }
      long index = (Long) event[0];
      int segmentId = segmentOf(segments, event[1]);
      SegmentToken token =
          tokens.stream().filter(t -> t.segment() == segmentId).findFirst().orElse(null);
      if (token == null || !token.hasSeen(index)) {
        return false;
      }
    }
    return true;
  }

  private final java.util.Map<String, Boolean> handledTypes =
      new java.util.concurrent.ConcurrentHashMap<>();

  private boolean handles(String processor, String payloadType) {
    return handledTypes.computeIfAbsent(
        processor + "|" + payloadType,
        key -> {
          var invoker =
              processing
                  .getObject()
                  .eventProcessor(
                      processor, org.axonframework.eventhandling.AbstractEventProcessor.class)
                  .map(org.axonframework.eventhandling.AbstractEventProcessor::eventHandlerInvoker)
                  .orElse(null);
          if (invoker == null) {
            return true;
          }
          try {
            return invoker.canHandleType(Class.forName(payloadType));
          } catch (ClassNotFoundException e) {
            return false;
          }
        });
  }

  private static int segmentOf(Segment[] segments, Object sequenceIdentifier) {
    for (Segment segment : segments) {
      if (segment.matches(sequenceIdentifier)) {
        return segment.getSegmentId();
      }
    }
    return -1;
  }

  /**
   * Waits until {@code processor} has handled every event up to {@code minPosition}, then answers
   * that position; past the configured wait, {@code 503 projection_lagging}.
   */
  public long await(String processor, Long minPosition) {
    if (minPosition == null) {
      return Math.max(reached(processor), 0);
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    ProcessorWakeups processors = wakeups.getIfAvailable();
    while (true) {
      if (minPosition == 0 || hasProcessed(processor, minPosition)) {
        return Math.max(reached(processor), minPosition);
      }
      if (System.nanoTime() >= deadline) {
        break;
      }
      if (processors != null) {
        processors.readerWaiting(processor);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        "projection_lagging",
        "the "
            + processor
            + " projection has not reached position "
            + minPosition
            + " yet; retry shortly");
  }

  /** One segment's stored token. */
  private record SegmentToken(int segment, TrackingToken token) {
    long index() {
      TrackingToken current = unwrap(token);
      return current == null ? -1 : current.position().orElse(-1);
    }

    boolean hasSeen(long position) {
      TrackingToken current = unwrap(token);
      if (current == null || index() < position) {
        return false;
      }
      return !(current instanceof GapAwareTrackingToken gapAware
          && gapAware.getGaps().contains(position));
    }

    boolean hasGapAtOrBelow(long position) {
      return lowestGap() <= position;
    }

    long lowestGap() {
      TrackingToken current = unwrap(token);
      if (current instanceof GapAwareTrackingToken gapAware && !gapAware.getGaps().isEmpty()) {
        return gapAware.getGaps().first();
      }
      return Long.MAX_VALUE;
    }
  }

  private List<SegmentToken> tokens(String processor) {
    return jdbc.query(
        "SELECT segment, token, token_type FROM token_entry WHERE processor_name = ?",
        (rs, i) -> new SegmentToken(rs.getInt("segment"), token(rs)),
        processor);
  }

  /** One stored segment of a processor: how far it has read, and which node claims it, if any. */
  public record SegmentPosition(String processor, int segment, long position, String owner) {}

  /** Every stored segment of every processor, in one query (for metrics). */
  public List<SegmentPosition> segments() {
    return jdbc.query(
        "SELECT processor_name, segment, token, token_type, owner FROM token_entry",
        (rs, i) ->
            new SegmentPosition(
                rs.getString("processor_name"),
                rs.getInt("segment"),
                new SegmentToken(rs.getInt("segment"), token(rs)).index(),
                rs.getString("owner")));
  }

  private TrackingToken token(java.sql.ResultSet rs) throws java.sql.SQLException {
    byte[] token = rs.getBytes("token");
    String type = rs.getString("token_type");
    if (token == null || type == null) {
      return null;
    }
    SerializedType serializedType = new SimpleSerializedType(type, null);
    return serializer.<byte[], TrackingToken>deserialize(
        new SimpleSerializedObject<>(token, byte[].class, serializedType));
  }

  private static TrackingToken unwrap(TrackingToken token) {
    return token instanceof ReplayToken replay ? replay.getCurrentToken() : token;
  }

  /** Parses {@code minPosition}. */
  public static Long parseMinPosition(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      long value = Long.parseLong(raw);
      if (value < 0) {
        throw ApiException.invalid("minPosition", "must be a non-negative integer");
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiException.invalid("minPosition", "must be a non-negative integer");
    }
  }
}
