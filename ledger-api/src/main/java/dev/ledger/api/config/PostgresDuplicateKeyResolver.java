package dev.ledger.api.config;

import java.sql.SQLException;
import java.util.Set;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;

/**
 * Tells Axon which PostgreSQL failures of an event append mean that another unit of work appended
 * to the same aggregate first: a unique violation (SQLState 23505) on the aggregate's sequence
 * number, and a deadlock (40P01). Axon's own resolver knows neither, so two nodes appending to one
 * aggregate would surface as a fatal error instead of a {@code ConcurrencyException} that the
 * command gateway retries.
 *
 * <p>The deadlock comes from the same race: two nodes that each hold accounts A and C at the same
 * version append the next event of both, one A first and the other C first, and each insert waits
 * for the other's uncommitted row with the same key. PostgreSQL aborts one of them; retried, its
 * command reads the accounts again (found by {@code MultiNodeTest}, which saw a 500).
 */
public class PostgresDuplicateKeyResolver implements PersistenceExceptionResolver {
  static final String UNIQUE_VIOLATION = "23505";
  static final String DEADLOCK_DETECTED = "40P01";

  private static final Set<String> LOST_RACE = Set.of(UNIQUE_VIOLATION, DEADLOCK_DETECTED);

  private final JdbcSQLErrorCodesResolver fallback = new JdbcSQLErrorCodesResolver();

  @Override
  public boolean isDuplicateKeyViolation(Exception exception) {
    for (Throwable t = exception; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && LOST_RACE.contains(sql.getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return fallback.isDuplicateKeyViolation(exception);
  }
}
