package dev.ledger.core.payment;

import dev.ledger.core.payment.PaymentCommands.RecordChargeRefunded;
import dev.ledger.core.payment.PaymentCommands.RecordPaymentIntentStatus;
import dev.ledger.core.shared.Aggregates;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * Records Stripe's reports on the money object they are about, creating it on the first report. Two
 * first reports racing on two nodes collide on the event store's key; the loser is retried and then
 * finds the object.
 */
public class PaymentCommandHandler {
  private final Repository<StripePayment> payments;

  public PaymentCommandHandler(Repository<StripePayment> payments) {
    this.payments = payments;
  }

  @CommandHandler
  public void handle(RecordPaymentIntentStatus command) throws Exception {
    payment(command.paymentIntentId(), command.order()).execute(p -> p.record(command));
  }

  @CommandHandler
  public void handle(RecordChargeRefunded command) throws Exception {
    payment(command.paymentIntentId(), command.order()).execute(p -> p.record(command));
  }

  @CommandHandler
  public void handle(PaymentCommands.RecordChargeDisputed command) throws Exception {
    payment(command.paymentIntentId(), command.order()).execute(p -> p.record(command));
  }

  private Aggregate<StripePayment> payment(String paymentIntentId, PaymentOrder order)
      throws Exception {
    var existing = Aggregates.find(payments, StripePayment.aggregateId(paymentIntentId));
    if (existing.isPresent()) {
      return existing.get();
    }
    return payments.newInstance(() -> StripePayment.start(paymentIntentId, order));
  }
}
