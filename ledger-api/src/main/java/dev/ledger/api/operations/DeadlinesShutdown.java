package dev.ledger.api.operations;

import com.github.kagkarlsson.scheduler.Scheduler;
import java.time.Duration;
import org.axonframework.spring.config.SpringAxonConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops the deadline scheduler (db-scheduler) from taking new deadlines as soon as the engine
 * stops, right after the event processors, and waits at most {@link #DRAIN_MAX} for those running
 * now. db-scheduler itself stops only when its bean is destroyed, after Axon's deadline manager is
 * gone: a deadline falling due in between failed ("no DbSchedulerDeadlineManager") and waited for a
 * retry ({@code DeadlineConfig}), on a node that was going away. Paused, the deadline stays due and
 * untouched in {@code scheduled_tasks}, and the next engine, or another node, runs it at once.
 */
@Component
public class DeadlinesShutdown implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(DeadlinesShutdown.class);

  /** How long a stopping engine waits for the deadlines that are running. */
  static final Duration DRAIN_MAX = Duration.ofSeconds(10);

  private static final long POLL_MILLIS = 50;

  private final ObjectProvider<Scheduler> scheduler;
  private volatile boolean running;

  public DeadlinesShutdown(ObjectProvider<Scheduler> scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    Scheduler deadlines = scheduler.getIfAvailable();
    if (deadlines == null) {
      return;
    }
    deadlines.pause();
    long deadline = System.nanoTime() + DRAIN_MAX.toNanos();
    int quietPolls = 0;
    // two quiet polls in a row: a poll that was under way when the pause came has handed over what
    // it took
    while (quietPolls < 2 && System.nanoTime() < deadline) {
      quietPolls = deadlines.getCurrentlyExecuting().isEmpty() ? quietPolls + 1 : 0;
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (quietPolls < 2) {
      log.warn(
          "deadlines still running after {}; they run again once this node's heartbeat stops",
          DRAIN_MAX);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops after Axon's processors (a lower phase stops later), before any bean is destroyed. */
  @Override
  public int getPhase() {
    return SpringAxonConfiguration.LIFECYCLE_PHASE - 1;
  }
}
