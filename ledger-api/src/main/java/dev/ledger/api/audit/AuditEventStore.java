package dev.ledger.api.audit;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Reads the event store for the audit endpoints: one tenant's events (those whose metadata names
 * it), by position. Long reads go row by row through a database cursor, so memory does not grow
 * with the history.
 */
@Component
public class AuditEventStore {
  /** Rows fetched from the database cursor at a time. */
  static final int FETCH_SIZE = 500;

  private static final String COLUMNS =
      "global_index, type, aggregate_identifier, sequence_number, event_identifier, payload_type,"
          + " payload_revision, time_stamp, meta_data, payload, hash, previous_hash, tenant_id";

  private final JdbcTemplate jdbc;

  public AuditEventStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Filters of a listing.
   *
   * @param after only events at a greater position
   * @param until only events at this position or before (null: no bound)
   * @param aggregateId only this aggregate's events (the stored identifier), or null
   * @param type only events of this type: a payload class's simple name ({@code AccountDebited}),
   *     or, when it holds a dot, its full name as stored; or null
   */
  public record Filter(long after, Long until, String aggregateId, String type) {}

  /** Up to {@code limit} events of the tenant that pass the filter, by position. */
  public List<StoredEvent> page(String tenant, Filter filter, int limit) {
    List<Object> args = new ArrayList<>();
    String sql = select(tenant, filter, args) + " LIMIT ?";
    args.add(limit);
    return jdbc.query(sql, EVENT, args.toArray());
  }

  /**
   * Hands every event of the tenant that passes the filter to {@code sink}, by position, reading
   * through a cursor. Must run inside a transaction (PostgreSQL keeps a cursor open only there).
   */
  public void stream(String tenant, Filter filter, Consumer<StoredEvent> sink) {
    List<Object> args = new ArrayList<>();
    String sql = select(tenant, filter, args);
    cursor(sql, args, sink);
  }

  /**
   * Hands every event of the tenant to {@code sink} aggregate by aggregate, each in sequence order.
   * Must run inside a transaction.
   */
  public void streamByAggregate(String tenant, Consumer<StoredEvent> sink) {
    cursor(
        "SELECT "
            + COLUMNS
            + " FROM domain_event_entry WHERE tenant_id = ?"
            + " ORDER BY aggregate_identifier, sequence_number",
        List.of(tenant),
        sink);
  }

  /** The stored hash of one event of any tenant, if it exists. */
  public Optional<byte[]> hashOf(String aggregateId, long sequence) {
    return jdbc
        .query(
            "SELECT hash FROM domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = ?",
            (rs, i) -> rs.getBytes(1),
            aggregateId,
            sequence)
        .stream()
        .findFirst();
  }

  /** The newest position of the history (0 when it is empty). */
  public long head() {
    Long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
    return head == null ? 0 : head;
  }

  private void cursor(String sql, List<Object> args, Consumer<StoredEvent> sink) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("a cursor over the event store needs a transaction");
    }
    jdbc.query(
        connection -> {
          PreparedStatement statement =
              connection.prepareStatement(
                  sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
          statement.setFetchSize(FETCH_SIZE);
          for (int i = 0; i < args.size(); i++) {
            statement.setObject(i + 1, args.get(i));
          }
          return statement;
        },
        (ResultSet rs) -> sink.accept(EVENT.mapRow(rs, 0)));
  }

  private static String select(String tenant, Filter filter, List<Object> args) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(" FROM domain_event_entry WHERE tenant_id = ? AND global_index > ?");
    args.add(tenant);
    args.add(filter.after());
    if (filter.until() != null) {
      sql.append(" AND global_index <= ?");
      args.add(filter.until());
    }
    if (filter.aggregateId() != null) {
      sql.append(" AND aggregate_identifier = ?");
      args.add(filter.aggregateId());
    }
    if (filter.type() != null) {
      if (filter.type().contains(".")) {
        sql.append(" AND payload_type = ?");
      } else {
        sql.append(" AND regexp_replace(payload_type, '^.*[.$]', '') = ?");
      }
      args.add(filter.type());
    }
    sql.append(" ORDER BY global_index");
    return sql.toString();
  }

  private static final RowMapper<StoredEvent> EVENT =
      (ResultSet rs, int i) ->
          new StoredEvent(
              rs.getLong("global_index"),
              rs.getString("type"),
              rs.getString("aggregate_identifier"),
              rs.getLong("sequence_number"),
              rs.getString("event_identifier"),
              rs.getString("payload_type"),
              rs.getString("payload_revision"),
              rs.getString("time_stamp"),
              rs.getBytes("meta_data"),
              rs.getBytes("payload"),
              rs.getBytes("hash"),
              rs.getBytes("previous_hash"),
              rs.getString("tenant_id"));
}
