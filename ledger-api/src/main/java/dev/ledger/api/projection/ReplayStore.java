package dev.ledger.api.projection;

import dev.ledger.api.projection.Replay.State;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The {@code projection_replay} table: every change of a replay's state. Each change made by a
 * runner names the runner, so a runner that another instance has taken over changes nothing more.
 */
@Component
public class ReplayStore {
  private final JdbcTemplate jdbc;

  public ReplayStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Thrown when a replay of the projection is under way already. */
  public static final class ReplayRunning extends RuntimeException {
    ReplayRunning(String projection) {
      super("a replay of " + projection + " is under way", null, false, false);
    }
  }

  /** Thrown when this runner no longer runs the replay (another instance took it over). */
  static final class LostOwnership extends RuntimeException {
    LostOwnership(String id) {
      super("replay " + id + " is run by another instance now", null, false, false);
    }
  }

  /**
   * Records a new replay run by {@code runner}; throws {@link ReplayRunning} if one is under way.
   */
  public Replay start(String projection, String requestedBy, String runner) {
    String id = UUID.randomUUID().toString();
    try {
      jdbc.update(
          "INSERT INTO projection_replay (id, projection, state, requested_by, runner) VALUES (?, ?, 'BUILDING', ?, ?)",
          id,
          projection,
          requestedBy,
          runner);
    } catch (DuplicateKeyException e) {
      throw new ReplayRunning(projection);
    }
    return find(id).orElseThrow();
  }

  public Optional<Replay> find(String id) {
    return jdbc.query("SELECT * FROM projection_replay WHERE id = ?", REPLAY, id).stream()
        .findFirst();
  }

  /** The replay under way for the projection, or else its latest one. */
  public Optional<Replay> latest(String projection) {
    return jdbc
        .query(
            "SELECT * FROM projection_replay WHERE projection = ?"
                + " ORDER BY (state IN ('BUILDING', 'SWITCHING')) DESC, requested_at DESC LIMIT 1",
            REPLAY,
            projection)
        .stream()
        .findFirst();
  }

  /** Every replay under way. */
  public List<Replay> active() {
    return jdbc.query(
        "SELECT * FROM projection_replay WHERE state IN ('BUILDING', 'SWITCHING')", REPLAY);
  }

  /**
   * Locks the replay's row for this transaction if {@code runner} still runs it and it is under
   * way, and marks it alive. An instance that tries to take it over meanwhile waits for this
   * transaction.
   */
  Replay lock(String id, String runner) {
    List<Replay> rows =
        jdbc.query(
            "UPDATE projection_replay SET heartbeat_at = now() WHERE id = ? AND runner = ?"
                + " AND state IN ('BUILDING', 'SWITCHING') RETURNING *",
            REPLAY,
            id,
            runner);
    if (rows.isEmpty()) {
      throw new LostOwnership(id);
    }
    return rows.get(0);
  }

  /** Records the shadow tables' progress (in the transaction that wrote them). */
  void progress(
      String id, String runner, byte[] token, String tokenType, long position, int events) {
    int updated =
        jdbc.update(
            "UPDATE projection_replay SET token = ?, token_type = ?, position = ?,"
                + " events_applied = events_applied + ?, heartbeat_at = now()"
                + " WHERE id = ? AND runner = ? AND state IN ('BUILDING', 'SWITCHING')",
            token,
            tokenType,
            position,
            events,
            id,
            runner);
    if (updated != 1) {
      throw new LostOwnership(id);
    }
  }

  /** Starts over from an empty shadow (its schema was found missing). */
  void restart(String id, String runner) {
    if (jdbc.update(
            "UPDATE projection_replay SET token = NULL, token_type = NULL, position = -1, events_applied = 0,"
                + " heartbeat_at = now() WHERE id = ? AND runner = ? AND state IN ('BUILDING', 'SWITCHING')",
            id,
            runner)
        != 1) {
      throw new LostOwnership(id);
    }
  }

  void paused(String id, String runner, Set<String> owners, long livePosition) {
    int updated =
        jdbc.update(
            connection -> {
              var statement =
                  connection.prepareStatement(
                      "UPDATE projection_replay SET state = 'SWITCHING', pauses = pauses + 1, paused_at = now(),"
                          + " paused_owners = ?, pause_position = ?, heartbeat_at = now()"
                          + " WHERE id = ? AND runner = ? AND state IN ('BUILDING', 'SWITCHING')");
              statement.setArray(
                  1, connection.createArrayOf("text", owners.stream().sorted().toArray()));
              statement.setLong(2, livePosition);
              statement.setString(3, id);
              statement.setString(4, runner);
              return statement;
            });
    if (updated != 1) {
      throw new LostOwnership(id);
    }
  }

  void done(String id, String runner) {
    if (jdbc.update(
            "UPDATE projection_replay SET state = 'DONE', finished_at = now(), heartbeat_at = now()"
                + " WHERE id = ? AND runner = ? AND state = 'SWITCHING'",
            id,
            runner)
        != 1) {
      throw new LostOwnership(id);
    }
  }

  /** Answers whether this runner still ran the replay (and so failed it). */
  boolean failed(String id, String runner, String error) {
    return jdbc.update(
            "UPDATE projection_replay SET state = 'FAILED', finished_at = now(), error = ?"
                + " WHERE id = ? AND runner = ? AND state IN ('BUILDING', 'SWITCHING')",
            error.length() > 1024 ? error.substring(0, 1024) : error,
            id,
            runner)
        == 1;
  }

  /**
   * Confirms that {@code node} has stopped its processor for the replay's pause number {@code
   * pause}.
   */
  void ack(String id, String node, int pause) {
    jdbc.update(
        "INSERT INTO projection_replay_ack (replay_id, node_id, pause) VALUES (?, ?, ?)"
            + " ON CONFLICT (replay_id, node_id) DO UPDATE SET pause = EXCLUDED.pause, acked_at = now()",
        id,
        node,
        pause);
  }

  /** The instances that confirmed pause number {@code pause}. */
  Set<String> acks(String id, int pause) {
    return new HashSet<>(
        jdbc.queryForList(
            "SELECT node_id FROM projection_replay_ack WHERE replay_id = ? AND pause = ?",
            String.class,
            id,
            pause));
  }

  /**
   * Takes over, for {@code runner}, every replay under way whose runner has not been seen for
   * {@code quiet}; answers their ids. Rows a runner is working on (locked) are skipped.
   */
  List<String> takeOver(String runner, Duration quiet) {
    return jdbc.queryForList(
        "UPDATE projection_replay SET runner = ?, heartbeat_at = now() WHERE id IN ("
            + " SELECT id FROM projection_replay WHERE state IN ('BUILDING', 'SWITCHING')"
            + " AND heartbeat_at < now() - ? * interval '1 millisecond' FOR UPDATE SKIP LOCKED)"
            + " RETURNING id",
        String.class,
        runner,
        quiet.toMillis());
  }

  private static final RowMapper<Replay> REPLAY =
      (ResultSet rs, int i) ->
          new Replay(
              rs.getString("id"),
              rs.getString("projection"),
              State.valueOf(rs.getString("state")),
              rs.getString("requested_by"),
              instant(rs, "requested_at"),
              rs.getString("runner"),
              instant(rs, "heartbeat_at"),
              rs.getBytes("token"),
              rs.getString("token_type"),
              rs.getLong("position"),
              rs.getLong("events_applied"),
              rs.getInt("pauses"),
              instant(rs, "paused_at"),
              owners(rs.getArray("paused_owners")),
              rs.getLong("pause_position"),
              instant(rs, "finished_at"),
              rs.getString("error"));

  private static List<String> owners(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }
}
