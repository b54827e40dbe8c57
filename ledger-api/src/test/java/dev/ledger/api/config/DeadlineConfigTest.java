package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failed deadline is tried again after 1 s, doubling, at most five minutes apart, instead of
 * db-scheduler's fixed five minutes (the multi-node test exercises it with conflicting expiries).
 */
class DeadlineConfigTest {
  @Test
  void aFailedDeadlineIsTriedAgainSoonThenLessOften() {
    assertThat(List.of(1, 2, 3, 4, 9, 10, 50).stream().map(DeadlineConfig::retryDelay).toList())
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(256),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5));
  }
}
