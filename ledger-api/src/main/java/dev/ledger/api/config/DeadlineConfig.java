package dev.ledger.api.config;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import org.axonframework.deadline.dbscheduler.DbSchedulerBinaryDeadlineDetails;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Deadlines (db-scheduler) that fail are tried again soon. A deadline's command runs in the
 * deadline's unit of work, so a conflict with a command on the same account (another node, another
 * deadline) surfaces when that unit of work commits, after the command gateway's own retries; with
 * db-scheduler's default the deadline would then wait five minutes. Here it waits 1 s, doubling, at
 * most {@link #RETRY_MAX}, and is never dropped: every failure is logged.
 */
@Configuration(proxyBeanMethods = false)
public class DeadlineConfig {
  private static final Logger log = LoggerFactory.getLogger(DeadlineConfig.class);
  static final Duration RETRY_FIRST = Duration.ofSeconds(1);
  static final Duration RETRY_MAX = Duration.ofMinutes(5);

  /** Axon's deadline task, with this failure handling (replaces Axon's, by its qualifier). */
  @Bean
  @Qualifier("deadlineDetailsTask")
  Task<DbSchedulerBinaryDeadlineDetails> deadlineDetailsTask(ApplicationContext context) {
    Task<DbSchedulerBinaryDeadlineDetails> axon =
        DbSchedulerDeadlineManager.binaryTask(
            () -> context.getBean(DbSchedulerDeadlineManager.class));
    return Tasks.oneTime(axon.getName(), DbSchedulerBinaryDeadlineDetails.class)
        .onFailure(new RetrySoon<>())
        .execute((instance, execution) -> axon.execute(instance, execution));
  }

  /** The wait before the next try after {@code failures} consecutive failures. */
  static Duration retryDelay(int failures) {
    Duration delay = RETRY_FIRST.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 20));
    return delay.compareTo(RETRY_MAX) > 0 ? RETRY_MAX : delay;
  }

  static final class RetrySoon<T> implements FailureHandler<T> {
    @Override
    public void onFailure(ExecutionComplete complete, ExecutionOperations<T> operations) {
      int failures = complete.getExecution().consecutiveFailures + 1;
      Duration delay = retryDelay(failures);
      log.warn(
          "deadline {} failed ({} time(s) in a row), trying again in {}: {}",
          complete.getExecution().taskInstance.getId(),
          failures,
          delay,
          complete.getCause().map(Throwable::toString).orElse("no cause"));
      operations.reschedule(complete, complete.getTimeDone().plus(delay));
    }
  }
}
