package dev.ledger.core.transfer;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferCommands.ExpirePendingTransfer;
import dev.ledger.core.transfer.TransferEvents.PendingTransferExpired;
import dev.ledger.core.transfer.TransferEvents.PendingTransferPosted;
import dev.ledger.core.transfer.TransferEvents.PendingTransferVoided;
import dev.ledger.core.transfer.TransferEvents.TransferPending;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;

/**
 * Voids a pending transfer when its timeout passes. The deadline is persisted by the deadline
 * manager (db-scheduler in the application), so it fires after a restart too. Resources arrive as
 * handler parameters: a saga is serialized, and must hold only its own state.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class PendingTransferExpirySaga {
  public static final String DEADLINE = "pending-transfer-expiry";

  private TransferId transferId;
  private String deadlineId;

  @StartSaga
  @SagaEventHandler(associationProperty = "transferId")
  public void on(TransferPending event, DeadlineManager deadlineManager) {
    if (event.expiresAt() == null) {
      SagaLifecycle.end();
      return;
    }
    transferId = event.transferId();
    deadlineId = deadlineManager.schedule(event.expiresAt(), DEADLINE, new ExpiryDue(transferId));
  }

  /** The deadline's payload. A handler's first parameter is its payload, so it cannot be omitted. */
  public record ExpiryDue(TransferId transferId) {}

  @DeadlineHandler(deadlineName = DEADLINE)
  public void onTimeout(ExpiryDue due, CommandGateway commandGateway) {
    // Expiring a transfer that was posted or voided meanwhile changes nothing, so a late or
    // repeated deadline is harmless.
    commandGateway.sendAndWait(new ExpirePendingTransfer(due.transferId()));
  }

  @EndSaga
  @SagaEventHandler(associationProperty = "transferId")
  public void on(PendingTransferPosted event, DeadlineManager deadlineManager) {
    cancel(deadlineManager);
  }

  @EndSaga
  @SagaEventHandler(associationProperty = "transferId")
  public void on(PendingTransferVoided event, DeadlineManager deadlineManager) {
    cancel(deadlineManager);
  }

  @EndSaga
  @SagaEventHandler(associationProperty = "transferId")
  public void on(PendingTransferExpired event) {
    // the deadline has fired; nothing is left to cancel
  }

  private void cancel(DeadlineManager deadlineManager) {
    if (deadlineId != null) {
      deadlineManager.cancelSchedule(DEADLINE, deadlineId);
    }
  }
}
