package dev.ledger.api.config;

import java.sql.SQLException;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;

/**
 * Tells Axon that PostgreSQL's unique violation (SQLState 23505) is a duplicate key. Axon's own
 * resolver does not know it, so two nodes appending to one aggregate would surface as a fatal error
 * instead of a {@code ConcurrencyException} that the command gateway retries.
 */
public class PostgresDuplicateKeyResolver implements PersistenceExceptionResolver {
  static final String UNIQUE_VIOLATION = "23505";

  private final JdbcSQLErrorCodesResolver fallback = new JdbcSQLErrorCodesResolver();

  @Override
  public boolean isDuplicateKeyViolation(Exception exception) {
    for (Throwable t = exception; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return fallback.isDuplicateKeyViolation(exception);
  }
}
