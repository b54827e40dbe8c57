package dev.ledger.core.escrow;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.TenantId;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.Repository;

/**
 * Failed payouts of a payee's connected account ({@code payout.failed}, a Connect event). A payout
 * moves the connected account's Stripe balance to its bank; it is not tied to one escrow, and the
 * escrow's ledger is settled once the transfer reached the connected account, so a failed payout
 * changes no escrow and no balance. It is recorded once per payout, so that reconciliation and
 * operators see it (the payee has to fix their bank details; Stripe retries the payout itself).
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class PayoutFailures {
  @AggregateIdentifier private String id;
  private Set<String> payouts = new HashSet<>();

  protected PayoutFailures() {
    // for Axon
  }

  public static String aggregateId(TenantId tenant, String connectedAccount) {
    return tenant.value() + "/payee/" + connectedAccount;
  }

  /** Records that payout {@code payoutId} of a connected account failed. */
  public record RecordPayoutFailed(
      TenantId tenant,
      String connectedAccount,
      String payoutId,
      long amount,
      String currency,
      String failureCode,
      String failureMessage,
      String stripeEventId) {}

  public record PayoutFailed(
      TenantId tenant,
      String connectedAccount,
      String payoutId,
      long amount,
      String currency,
      String failureCode,
      String failureMessage,
      String stripeEventId,
      Instant at) {}

  private void record(RecordPayoutFailed command, Instant now) {
    if (!payouts.contains(command.payoutId())) {
      apply(
          new PayoutFailed(
              command.tenant(),
              command.connectedAccount(),
              command.payoutId(),
              command.amount(),
              command.currency(),
              command.failureCode(),
              command.failureMessage(),
              command.stripeEventId(),
              now));
    }
  }

  @EventSourcingHandler
  void on(PayoutFailed event) {
    id = aggregateId(event.tenant(), event.connectedAccount());
    payouts.add(event.payoutId());
  }

  /** Handles {@link RecordPayoutFailed}, creating the payee's record on its first failure. */
  public static class Handler {
    private final Repository<PayoutFailures> repository;
    private final java.time.Clock clock;

    public Handler(Repository<PayoutFailures> repository, java.time.Clock clock) {
      this.repository = repository;
      this.clock = clock;
    }

    @CommandHandler
    public void handle(RecordPayoutFailed command) throws Exception {
      String id = aggregateId(command.tenant(), command.connectedAccount());
      var existing = Aggregates.find(repository, id);
      if (existing.isPresent()) {
        existing.get().execute(p -> p.record(command, clock.instant()));
      } else {
        repository.newInstance(
            () -> {
              PayoutFailures created = new PayoutFailures();
              created.record(command, clock.instant());
              return created;
            });
      }
    }
  }
}
