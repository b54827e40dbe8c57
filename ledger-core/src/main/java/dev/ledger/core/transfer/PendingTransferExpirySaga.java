package dev.ledger.core.transfer;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferCommands.ExpirePendingTransfer;
import dev.ledger.core.transfer.TransferEvents.PendingTransferExpired;
import dev.ledger.core.transfer.TransferEvents.PendingTransferPosted;
import dev.ledger.core.transfer.TransferEvents.PendingTransferVoided;
import dev.ledger.core.transfer.TransferEvents.TransferPending;
import java.util.HashMap;
import java.util.Map;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
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
  public void on(
      TransferPending event,
      DeadlineManager deadlineManager,
      @MetaDataValue("requestId") String requestId) {
    if (event.expiresAt() == null) {
      SagaLifecycle.end();
      return;
    }
    transferId = event.transferId();
    deadlineId =
        deadlineManager.schedule(event.expiresAt(), DEADLINE, new ExpiryDue(transferId, requestId));
  }

  /**
   * The deadline's payload (a handler's first parameter is its payload, so there must be one).
   *
   * @param requestId the request that created the transfer, carried into the expiry's events
   */
  public record ExpiryDue(TransferId transferId, String requestId) {}

  @DeadlineHandler(deadlineName = DEADLINE)
  public void onTimeout(ExpiryDue due, CommandGateway commandGateway) {
    // Expiring a transfer that was posted or voided meanwhile changes nothing, so a late or
    // repeated deadline is harmless. The expiry's events say who caused them: the engine, on
    // behalf of the tenant and the request that created the transfer.
    Map<String, Object> metadata = new HashMap<>();
    metadata.put("tenant", due.transferId().tenant().value());
    metadata.put("keyId", ENGINE_ACTOR);
    if (due.requestId() != null) {
      metadata.put("requestId", due.requestId());
    }
    commandGateway.sendAndWait(
        GenericCommandMessage.asCommandMessage(new ExpirePendingTransfer(due.transferId()))
            .andMetaData(metadata));
  }

  /** The actor recorded on events the engine causes by itself. */
  public static final String ENGINE_ACTOR = "engine";

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
