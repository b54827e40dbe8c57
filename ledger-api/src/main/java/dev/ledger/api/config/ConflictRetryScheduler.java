package dev.ledger.api.config;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;

/**
 * Retries a command that lost a race: another node (or a concurrent creation of the same id)
 * appended to the same aggregate first, so the event store's unique (aggregate, sequence) key
 * rejected this one (a {@code ConcurrencyException}, or {@code AggregateStreamCreationException}
 * when two commands created the same id at once), or a lock could not be had. Nothing else is
 * retried: a business rejection or a bug would only fail again. Backoff is exponential with full
 * jitter, and the attempts bounded.
 */
public class ConflictRetryScheduler implements RetryScheduler {
  private static final long BASE_DELAY_MILLIS = 5;
  private static final long MAX_DELAY_MILLIS = 500;

  private final ScheduledExecutorService executor;
  private final int maxRetries;

  public ConflictRetryScheduler(ScheduledExecutorService executor, int maxRetries) {
    this.executor = executor;
    this.maxRetries = maxRetries;
  }

  @Override
  public boolean scheduleRetry(
      CommandMessage commandMessage,
      RuntimeException lastFailure,
      List<Class<? extends Throwable>[]> failures,
      Runnable commandDispatch) {
    if (!isConflict(lastFailure) || failures.size() > maxRetries) {
      return false;
    }
    long ceiling = Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << Math.min(failures.size(), 16));
    long delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
    executor.schedule(commandDispatch, delay, TimeUnit.MILLISECONDS);
    return true;
  }

  static boolean isConflict(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConcurrencyException
          || t instanceof AggregateStreamCreationException
          || t instanceof LockAcquisitionFailedException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
