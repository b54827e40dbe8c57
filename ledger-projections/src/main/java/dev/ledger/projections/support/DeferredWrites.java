package dev.ledger.projections.support;

import java.util.function.Supplier;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Writes a projection collects while its processor handles a batch of events, and makes in one go
 * when the batch commits: a few JDBC batches instead of a statement (and a round trip) per event.
 * They run in the batch's prepare-commit phase, so inside its transaction and together with its
 * token: each event is still applied exactly once. Outside a unit of work (a test calling a handler
 * directly) they are made at once.
 */
public final class DeferredWrites {
  private DeferredWrites() {}

  /** Something that collects writes and makes them all when asked. */
  public interface Pending {
    void flush();
  }

  /**
   * The writes of {@code key} pending in the current batch, created (and scheduled to be made at
   * its commit) on first use.
   */
  public static <P extends Pending> P pending(String key, Supplier<P> create) {
    if (!CurrentUnitOfWork.isStarted()) {
      return create.get();
    }
    UnitOfWork<?> root = CurrentUnitOfWork.get().root();
    return root.getOrComputeResource(
        DeferredWrites.class.getName() + "/" + key,
        k -> {
          P pending = create.get();
          root.onPrepareCommit(u -> pending.flush());
          return pending;
        });
  }

  /** Makes the writes now when there is no unit of work to wait for. */
  public static void flushIfImmediate(Pending pending) {
    if (!CurrentUnitOfWork.isStarted()) {
      pending.flush();
    }
  }
}
