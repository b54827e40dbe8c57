package dev.ledger.core.shared;

import org.axonframework.common.AxonNonTransientException;

/**
 * A command broke a business rule. Thrown from a command handler so that the unit of work rolls
 * back and nothing is recorded; non-transient, so the command gateway never retries it.
 */
public class LedgerRejection extends AxonNonTransientException {
  private final Rejection rejection;

  public LedgerRejection(Rejection rejection, String detail) {
    super(detail);
    this.rejection = rejection;
  }

  public Rejection rejection() {
    return rejection;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    // Rejections are expected outcomes, not faults: a stack trace would only cost time.
    return this;
  }
}
