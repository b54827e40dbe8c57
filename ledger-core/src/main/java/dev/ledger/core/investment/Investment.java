package dev.ledger.core.investment;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.investment.InvestmentCommands.CreateInvestment;
import dev.ledger.core.investment.InvestmentEvents.InvestmentActivated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentCreated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentExpired;
import dev.ledger.core.investment.InvestmentEvents.InvestmentFailed;
import dev.ledger.core.investment.InvestmentEvents.InvestmentPaymentMismatched;
import dev.ledger.core.investment.InvestmentEvents.InvestmentRefunded;
import java.time.Instant;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * An investment. It is created waiting for its payment, and nothing but a payment reported by
 * Stripe can activate it. Every transition is decided here; {@link InvestmentCommandHandler} adds
 * the points that go with activation and refund in the same unit of work.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class Investment {
  @AggregateIdentifier private String id;
  private InvestmentId investmentId;
  private String userId;
  private long amount;
  private String currency;
  private long pointsReward;
  private String paymentIntentId;
  private InvestmentStatus status;
  private long pointsAwarded;
  private String awardTransferId;

  protected Investment() {
    // for Axon
  }

  private Investment(CreateInvestment command, Instant now) {
    apply(
        new InvestmentCreated(
            command.investmentId(),
            command.investmentId().referenceId(),
            command.userId(),
            command.amount(),
            command.currency(),
            command.pointsReward(),
            command.paymentIntentId(),
            now,
            command.expiresAt()));
  }

  static Investment create(CreateInvestment command, Instant now) {
    return new Investment(command, now);
  }

  boolean isDescribedBy(CreateInvestment command) {
    return userId.equals(command.userId())
        && amount == command.amount()
        && currency.equals(command.currency())
        && pointsReward == command.pointsReward();
  }

  /**
   * Activates on a payment of the right amount, from any state that has not yet been paid (a
   * payment can still arrive after a failed attempt, or after the expiry raced with it). Answers
   * whether it activated, so the caller awards the points exactly then.
   */
  boolean activate(
      String paidIntent,
      long amountReceived,
      String paidCurrency,
      String awardTransfer,
      Instant now) {
    if (status == InvestmentStatus.ACTIVE || status == InvestmentStatus.REFUNDED) {
      return false; // paid already: a repeated report
    }
    if (amountReceived != amount || !currency.equalsIgnoreCase(paidCurrency)) {
      apply(
          new InvestmentPaymentMismatched(
              investmentId, paidIntent, amount, currency, amountReceived, paidCurrency, now));
      return false;
    }
    apply(
        new InvestmentActivated(
            investmentId,
            paidIntent,
            amountReceived,
            pointsReward,
            pointsReward > 0 ? awardTransfer : null,
            now));
    return true;
  }

  void fail(String reason, Instant now) {
    if (status == InvestmentStatus.PENDING_PAYMENT) {
      apply(new InvestmentFailed(investmentId, reason, now));
    }
  }

  void expire(Instant now) {
    if (status == InvestmentStatus.PENDING_PAYMENT || status == InvestmentStatus.FAILED) {
      apply(new InvestmentExpired(investmentId, now));
    }
  }

  /** Whether a refund of {@code refundedTotal} takes the investment from active to refunded. */
  boolean refundsFully(long refundedTotal) {
    return status == InvestmentStatus.ACTIVE && refundedTotal >= amount;
  }

  void refund(long refundedTotal, long pointsReversed, String reversalTransfer, Instant now) {
    apply(
        new InvestmentRefunded(
            investmentId,
            refundedTotal,
            pointsReversed,
            pointsAwarded - pointsReversed,
            reversalTransfer,
            now));
  }

  InvestmentId investmentIdValue() {
    return investmentId;
  }

  InvestmentStatus status() {
    return status;
  }

  String userId() {
    return userId;
  }

  long pointsReward() {
    return pointsReward;
  }

  long pointsAwarded() {
    return pointsAwarded;
  }

  String paymentIntentId() {
    return paymentIntentId;
  }

  @EventSourcingHandler
  void on(InvestmentCreated event) {
    id = event.investmentId().toString();
    investmentId = event.investmentId();
    userId = event.userId();
    amount = event.amount();
    currency = event.currency();
    pointsReward = event.pointsReward();
    paymentIntentId = event.paymentIntentId();
    status = InvestmentStatus.PENDING_PAYMENT;
  }

  @EventSourcingHandler
  void on(InvestmentActivated event) {
    status = InvestmentStatus.ACTIVE;
    pointsAwarded = event.pointsAwarded();
    awardTransferId = event.awardTransferId();
  }

  /**
   * The money arrived but not as agreed: the investment fails (it will not be activated by this
   * PaymentIntent, which has succeeded and will report nothing more) and waits for an operator,
   * with the mismatch on record and in reconciliation.
   */
  @EventSourcingHandler
  void on(InvestmentPaymentMismatched event) {
    status = InvestmentStatus.FAILED;
  }

  @EventSourcingHandler
  void on(InvestmentFailed event) {
    status = InvestmentStatus.FAILED;
  }

  @EventSourcingHandler
  void on(InvestmentExpired event) {
    status = InvestmentStatus.EXPIRED;
  }

  @EventSourcingHandler
  void on(InvestmentRefunded event) {
    status = InvestmentStatus.REFUNDED;
  }
}
