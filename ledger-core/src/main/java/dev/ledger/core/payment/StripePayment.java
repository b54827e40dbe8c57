package dev.ledger.core.payment;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.payment.PaymentCommands.RecordChargeRefunded;
import dev.ledger.core.payment.PaymentCommands.RecordPaymentIntentStatus;
import dev.ledger.core.payment.PaymentEvents.PaymentAuthorized;
import dev.ledger.core.payment.PaymentEvents.PaymentCanceled;
import dev.ledger.core.payment.PaymentEvents.PaymentFailed;
import dev.ledger.core.payment.PaymentEvents.PaymentRefunded;
import dev.ledger.core.payment.PaymentEvents.PaymentSucceeded;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * One Stripe money object: a PaymentIntent and the refunds of its charges. It turns Stripe's
 * reports, which may repeat and arrive in any order, into facts recorded once: two events about the
 * same payment (say {@code payment_intent.succeeded} and {@code charge.succeeded}) apply once, a
 * stale report is ignored, and refunds only ever grow.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class StripePayment {
  @AggregateIdentifier private String id;
  private String paymentIntentId;
  private PaymentOrder order;
  private PaymentStatus status;
  private long refundedTotal;
  private java.util.Set<String> disputeIds = new java.util.HashSet<>();

  protected StripePayment() {
    // for Axon
  }

  /** The aggregate identifier of a PaymentIntent: Stripe's ids are unique across accounts. */
  public static String aggregateId(String paymentIntentId) {
    return "stripe/payment/" + paymentIntentId;
  }

  static StripePayment start(String paymentIntentId, PaymentOrder order) {
    StripePayment payment = new StripePayment();
    payment.id = aggregateId(paymentIntentId);
    payment.paymentIntentId = paymentIntentId;
    payment.order = order;
    payment.status = PaymentStatus.CREATED;
    return payment;
  }

  void record(RecordPaymentIntentStatus report) {
    PaymentStatus next =
        switch (report.status()) {
          case "requires_capture" -> PaymentStatus.AUTHORIZED;
          case "succeeded" -> PaymentStatus.SUCCEEDED;
          case "canceled" -> PaymentStatus.CANCELED;
          case "payment_failed" -> PaymentStatus.FAILED;
          default -> null;
        };
    if (next == null || !status.canMoveTo(next)) {
      return; // not a state we act on, or older news than what we know
    }
    switch (next) {
      case AUTHORIZED ->
          apply(
              new PaymentAuthorized(
                  paymentIntentId,
                  order,
                  report.amount(),
                  report.currency(),
                  report.stripeEventId(),
                  report.captureBefore()));
      case SUCCEEDED ->
          apply(
              new PaymentSucceeded(
                  paymentIntentId,
                  order,
                  report.amountReceived(),
                  report.currency(),
                  report.stripeEventId(),
                  report.occurredAt()));
      case CANCELED -> apply(new PaymentCanceled(paymentIntentId, order, report.stripeEventId()));
      case FAILED ->
          apply(
              new PaymentFailed(
                  paymentIntentId, order, report.failureReason(), report.stripeEventId()));
      default -> throw new IllegalStateException(next.name());
    }
  }

  void record(RecordChargeRefunded report) {
    if (report.amountRefunded() <= refundedTotal) {
      return; // a repeat, or an older total
    }
    apply(
        new PaymentRefunded(
            paymentIntentId,
            order,
            report.chargeId(),
            report.amountRefunded(),
            report.amountRefunded() - refundedTotal,
            report.currency(),
            report.stripeEventId()));
  }

  /** Records a dispute the first time it is reported; a repeat records nothing. */
  void record(PaymentCommands.RecordChargeDisputed report) {
    if (disputeIds.contains(report.disputeId())) {
      return;
    }
    apply(
        new PaymentEvents.PaymentDisputed(
            paymentIntentId,
            order,
            report.chargeId(),
            report.disputeId(),
            report.amount(),
            report.currency(),
            report.reason(),
            report.stripeEventId()));
  }

  PaymentStatus status() {
    return status;
  }

  @EventSourcingHandler
  void on(PaymentAuthorized event) {
    init(event);
    status = PaymentStatus.AUTHORIZED;
  }

  @EventSourcingHandler
  void on(PaymentSucceeded event) {
    init(event);
    status = PaymentStatus.SUCCEEDED;
  }

  @EventSourcingHandler
  void on(PaymentFailed event) {
    init(event);
    status = PaymentStatus.FAILED;
  }

  @EventSourcingHandler
  void on(PaymentCanceled event) {
    init(event);
    status = PaymentStatus.CANCELED;
  }

  @EventSourcingHandler
  void on(PaymentRefunded event) {
    init(event);
    refundedTotal = event.refundedTotal();
  }

  @EventSourcingHandler
  void on(PaymentEvents.PaymentDisputed event) {
    init(event);
    disputeIds.add(event.disputeId());
  }

  private void init(PaymentEvents.PaymentEvent event) {
    if (id == null) {
      id = aggregateId(event.paymentIntentId());
      paymentIntentId = event.paymentIntentId();
      order = event.order();
      status = PaymentStatus.CREATED;
    }
  }
}
