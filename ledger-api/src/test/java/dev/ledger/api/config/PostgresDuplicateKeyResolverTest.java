package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures of an event append the command gateway retries as a lost race. */
class PostgresDuplicateKeyResolverTest {
  private final PostgresDuplicateKeyResolver resolver = new PostgresDuplicateKeyResolver();

  @Test
  void aUniqueViolationIsALostRace() {
    assertThat(resolver.isDuplicateKeyViolation(new SQLException("duplicate key", "23505")))
        .isTrue();
  }

  @Test
  void aDeadlockBetweenTwoAppendsIsALostRace() {
    // what the JDBC driver throws for a batch insert that PostgreSQL aborted
    BatchUpdateException batch =
        new BatchUpdateException("Batch entry 2 INSERT ... was aborted", "40P01", new int[0]);
    assertThat(resolver.isDuplicateKeyViolation(new RuntimeException("append failed", batch)))
        .isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(resolver.isDuplicateKeyViolation(new SQLException("connection lost", "08006")))
        .isFalse();
    assertThat(resolver.isDuplicateKeyViolation(new SQLException("check violated", "23514")))
        .isFalse();
    assertThat(resolver.isDuplicateKeyViolation(new IllegalStateException("no SQL at all")))
        .isFalse();
  }
}
