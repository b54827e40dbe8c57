package dev.ledger.api.escrow;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.core.escrow.EscrowCommands.ExpireEscrowHold;
import dev.ledger.core.escrow.EscrowId;
import dev.ledger.core.escrow.EscrowSweepHalted;
import dev.ledger.projections.escrow.EscrowQueries;
import dev.ledger.projections.escrow.EscrowQueries.ExpiredHold;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Releases holds past their capture deadline, behind a circuit breaker: one sweep releases at most
 * {@code sweepMaxReleases} holds and at most {@code sweepMaxAmount} per currency. When a sweep
 * stops at the breaker it records {@link EscrowSweepHalted}, counts {@code
 * ledger.escrow.sweep.halted} and logs a warning; the holds left wait for the next sweep. One node
 * sweeps at a time (a PostgreSQL advisory lock), so the limits hold for the whole cluster.
 *
 * <p>The sweep only asks each escrow to expire its hold (the escrow checks its own deadline and
 * state, so a stale read model releases nothing it should not); the escrow saga cancels the
 * authorisation at Stripe.
 */
@Component
public class EscrowSweeper {
  private static final Logger log = LoggerFactory.getLogger(EscrowSweeper.class);
  static final String ACTOR = "engine:escrow-sweep";

  /** The advisory lock key of the sweep (an arbitrary constant: "escrowsw" in ASCII). */
  static final long LOCK_KEY = 0x657363726f777377L;

  private final EscrowQueries queries;
  private final CommandGateway commands;
  private final EventGateway events;
  private final DataSource dataSource;
  private final Clock clock;
  private final LedgerProperties.Escrow settings;
  private final Counter released;
  private final Counter halted;

  public EscrowSweeper(
      EscrowQueries queries,
      CommandGateway commands,
      EventGateway events,
      DataSource dataSource,
      Clock clock,
      LedgerProperties properties,
      MeterRegistry meters) {
    this.queries = queries;
    this.commands = commands;
    this.events = events;
    this.dataSource = dataSource;
    this.clock = clock;
    this.settings = properties.escrow();
    this.released =
        Counter.builder("ledger.escrow.sweep.released")
            .description("holds released by the expiry sweep")
            .register(meters);
    this.halted =
        Counter.builder("ledger.escrow.sweep.halted")
            .description("expiry sweeps stopped by the circuit breaker")
            .register(meters);
  }

  /** What one sweep did. */
  public record Result(boolean ran, int released, Map<String, Long> amounts, String haltedBy) {}

  @Scheduled(
      fixedDelayString = "${ledger.escrow.sweep-interval:1m}",
      initialDelayString = "${ledger.escrow.sweep-interval:1m}")
  public void scheduled() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.error("escrow expiry sweep failed; the next one tries again", e);
    }
  }

  /** Sweeps once, unless another node is sweeping right now. */
  public Result sweep() {
    try (Connection connection = dataSource.getConnection()) {
      if (!advisoryLock(connection, "pg_try_advisory_lock")) {
        return new Result(false, 0, Map.of(), null);
      }
      try {
        return sweepLocked();
      } finally {
        advisoryLock(connection, "pg_advisory_unlock");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot take the escrow sweep lock", e);
    }
  }

  private Result sweepLocked() {
    Instant now = clock.instant();
    int max = settings.sweepMaxReleases();
    // more than the limit, so the sweep knows whether it stopped short; a few spare for stale rows
    var candidates = queries.expiredHolds(now, Math.min(max * 2 + 1, 20_001));
    Map<String, Long> amounts = new TreeMap<>();
    int count = 0;
    String haltedBy = null;
    for (ExpiredHold hold : candidates) {
      if (count >= max) {
        haltedBy = "max_releases";
        break;
      }
      long sum = amounts.getOrDefault(hold.currency(), 0L);
      if (sum + hold.amount() > settings.sweepMaxAmount() || sum + hold.amount() < 0) {
        haltedBy = "max_amount:" + hold.currency();
        break;
      }
      if (expire(hold, now)) {
        count++;
        amounts.put(hold.currency(), sum + hold.amount());
        released.increment();
      }
    }
    if (haltedBy != null) {
      halt(haltedBy, count, amounts, now);
    } else if (count > 0) {
      log.info("escrow expiry sweep released {} hold(s): {}", count, amounts);
    }
    return new Result(true, count, Map.copyOf(amounts), haltedBy);
  }

  private boolean expire(ExpiredHold hold, Instant now) {
    EscrowId escrow = EscrowId.of(hold.tenant(), hold.id());
    Object answer =
        commands.sendAndWait(
            GenericCommandMessage.asCommandMessage(new ExpireEscrowHold(escrow, now))
                .andMetaData(Map.of("tenant", hold.tenant(), "keyId", ACTOR)));
    return Boolean.TRUE.equals(answer);
  }

  private void halt(String reason, int count, Map<String, Long> amounts, Instant now) {
    halted.increment();
    log.warn(
        "escrow expiry sweep halted by its circuit breaker ({}): released {} hold(s) {}; the rest"
            + " wait for the next sweep (limits: {} releases, {} per currency)",
        reason,
        count,
        amounts,
        settings.sweepMaxReleases(),
        settings.sweepMaxAmount());
    events.publish(
        GenericEventMessage.asEventMessage(
                new EscrowSweepHalted(
                    UUID.randomUUID().toString(),
                    reason,
                    count,
                    Map.copyOf(amounts),
                    settings.sweepMaxReleases(),
                    settings.sweepMaxAmount(),
                    now))
            .andMetaData(Map.of("keyId", ACTOR)));
  }

  private static boolean advisoryLock(Connection connection, String function) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
      statement.setLong(1, LOCK_KEY);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
