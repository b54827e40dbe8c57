package dev.ledger.core.checkout;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.checkout.CheckoutCommands.PayWith;
import dev.ledger.core.checkout.CheckoutEvents.OrderCanceled;
import dev.ledger.core.checkout.CheckoutEvents.OrderCompleted;
import dev.ledger.core.checkout.CheckoutEvents.OrderLine;
import dev.ledger.core.checkout.CheckoutEvents.OrderPaid;
import dev.ledger.core.checkout.CheckoutEvents.OrderPaymentAfterCancel;
import dev.ledger.core.checkout.CheckoutEvents.OrderPlaced;
import dev.ledger.core.checkout.CheckoutEvents.OrderRefunded;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import java.time.Instant;
import java.util.List;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/** An order: its lines and totals as priced when it was placed, and its life cycle. */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class Order {
  @AggregateIdentifier private String id;
  private OrderId orderId;
  private String userId;
  private List<OrderLine> lines;
  private PayWith payWith;
  private long total;
  private String currency;
  private String paymentIntentId;
  private OrderStatus status;
  private boolean latePaymentRecorded;

  protected Order() {
    // for Axon
  }

  private Order(OrderPlaced placed) {
    apply(placed);
  }

  static Order place(OrderPlaced placed) {
    return new Order(placed);
  }

  void attach(String intent) {
    if (status != OrderStatus.PENDING_PAYMENT) {
      throw new LedgerRejection(
          Rejection.INVALID_STATE,
          "order " + orderId.id() + " is " + status + ": it takes no payment");
    }
    if (paymentIntentId == null) {
      apply(new CheckoutEvents.PaymentIntentAttached(orderId, intent));
    } else if (!paymentIntentId.equals(intent)) {
      throw new LedgerRejection(
          Rejection.INVALID_STATE, "order " + orderId.id() + " is paid through " + paymentIntentId);
    }
  }

  void complete(Instant now) {
    apply(new OrderCompleted(orderId, now));
  }

  /** Answers whether the payment was taken (false when the order is no longer waiting for one). */
  boolean pay(String paidIntent, long amountReceived, Instant now) {
    if (status == OrderStatus.CANCELED) {
      if (!latePaymentRecorded) { // a repeated report must not ask for a second refund
        apply(new OrderPaymentAfterCancel(orderId, paidIntent, amountReceived, now));
      }
      return false;
    }
    if (status != OrderStatus.PENDING_PAYMENT) {
      return false; // a repeated report
    }
    apply(new OrderPaid(orderId, paidIntent, amountReceived, now));
    return true;
  }

  /** Cancels an unpaid order; answers whether it did. */
  boolean cancel(String reason, Instant now) {
    if (status == OrderStatus.PENDING_PAYMENT) {
      apply(new OrderCanceled(orderId, reason, now));
      return true;
    }
    return false;
  }

  /** A client may cancel only before payment (canceling a canceled order again is harmless). */
  void requireCancelable() {
    if (status != OrderStatus.PENDING_PAYMENT && status != OrderStatus.CANCELED) {
      throw new LedgerRejection(
          Rejection.INVALID_STATE,
          "order " + orderId.id() + " is " + status + " and cannot be canceled");
    }
  }

  void refund(long refundedTotal, Instant now) {
    if (status == OrderStatus.PAID && refundedTotal >= total) {
      apply(new OrderRefunded(orderId, refundedTotal, now));
    }
  }

  /** Whether a checkout asks for this very order (same user, items and way to pay). */
  boolean isSameRequest(String otherUser, List<CheckoutCommands.Item> items, PayWith otherPayWith) {
    return userId.equals(otherUser)
        && payWith == otherPayWith
        && lines.stream()
            .map(l -> new CheckoutCommands.Item(l.sku(), l.quantity()))
            .toList()
            .equals(items);
  }

  List<OrderLine> lines() {
    return lines;
  }

  /** An order as it stands, for answers. */
  public record State(
      OrderId orderId,
      String userId,
      List<OrderLine> lines,
      PayWith payWith,
      long total,
      String currency,
      String paymentIntentId,
      OrderStatus status) {}

  State state() {
    return new State(orderId, userId, lines, payWith, total, currency, paymentIntentId, status);
  }

  @EventSourcingHandler
  void on(OrderPlaced event) {
    id = event.orderId().toString();
    orderId = event.orderId();
    userId = event.userId();
    lines = event.lines();
    payWith = event.payWith();
    total = event.total();
    currency = event.currency();
    status = OrderStatus.PENDING_PAYMENT; // a points order completes in the same unit of work
  }

  @EventSourcingHandler
  void on(CheckoutEvents.PaymentIntentAttached event) {
    paymentIntentId = event.paymentIntentId();
  }

  @EventSourcingHandler
  void on(OrderCompleted event) {
    status = OrderStatus.COMPLETED;
  }

  @EventSourcingHandler
  void on(OrderPaid event) {
    status = OrderStatus.PAID;
  }

  @EventSourcingHandler
  void on(OrderCanceled event) {
    status = OrderStatus.CANCELED;
  }

  @EventSourcingHandler
  void on(CheckoutEvents.OrderPaymentAfterCancel event) {
    latePaymentRecorded = true;
  }

  @EventSourcingHandler
  void on(OrderRefunded event) {
    status = OrderStatus.REFUNDED;
  }
}
