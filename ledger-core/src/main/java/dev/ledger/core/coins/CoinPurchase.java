package dev.ledger.core.coins;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.coins.CoinPurchaseCommands.CreateCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseChargedBack;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseConfirmed;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreated;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreditRefused;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseExpired;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseFailed;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchasePaymentMismatched;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseRefunded;
import java.math.BigInteger;
import java.time.Instant;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * A purchase of coins. It is created waiting for its payment, and nothing but a payment reported by
 * Stripe can confirm it. Every transition is decided here; {@link CoinPurchaseCommandHandler} posts
 * the transfers that go with confirmation, refund and chargeback in the same unit of work.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class CoinPurchase {
  @AggregateIdentifier private String id;
  private CoinPurchaseId purchaseId;
  private String userId;
  private long coins;
  private long priceMinor;
  private String currency;
  private String paymentIntentId;
  private CoinPurchaseStatus status;
  private long refundedTotal;
  private long coinsTakenBack;
  private boolean paymentReported;

  protected CoinPurchase() {
    // for Axon
  }

  private CoinPurchase(CreateCoinPurchase command, Instant now) {
    apply(
        new CoinPurchaseCreated(
            command.purchaseId(),
            command.purchaseId().referenceId(),
            command.userId(),
            command.coins(),
            command.priceMinor(),
            command.currency(),
            command.paymentIntentId(),
            now,
            command.expiresAt()));
  }

  static CoinPurchase create(CreateCoinPurchase command, Instant now) {
    return new CoinPurchase(command, now);
  }

  boolean isDescribedBy(CreateCoinPurchase command) {
    return userId.equals(command.userId())
        && coins == command.coins()
        && priceMinor == command.priceMinor()
        && currency.equals(command.currency());
  }

  /**
   * Whether a payment can still confirm the purchase: until one has been reported (confirmed, or
   * refused as mismatched or unholdable), from any state (a payment may follow a failed attempt, or
   * race with the expiry). A repeated report finds it taken and records nothing.
   */
  boolean awaitsPayment() {
    return !paymentReported;
  }

  /** Whether a payment is exactly what the purchase costs. */
  boolean isPaidBy(long amountReceived, String paidCurrency) {
    return amountReceived == priceMinor && currency.equalsIgnoreCase(paidCurrency);
  }

  void mismatch(String paidIntent, long amountReceived, String paidCurrency, Instant now) {
    apply(
        new CoinPurchasePaymentMismatched(
            purchaseId, paidIntent, priceMinor, currency, amountReceived, paidCurrency, now));
  }

  void refuseCredit(String paidIntent, long amountReceived, String reason, Instant now) {
    apply(new CoinPurchaseCreditRefused(purchaseId, paidIntent, amountReceived, reason, now));
  }

  void confirm(
      String paidIntent,
      long amountReceived,
      long credited,
      long settled,
      String creditTransfer,
      String settlementTransfer,
      Instant now) {
    apply(
        new CoinPurchaseConfirmed(
            purchaseId,
            paidIntent,
            amountReceived,
            credited,
            settled,
            creditTransfer,
            settlementTransfer,
            now));
  }

  void fail(String reason, Instant now) {
    if (status == CoinPurchaseStatus.PENDING) {
      apply(new CoinPurchaseFailed(purchaseId, reason, now));
    }
  }

  /** Expires a purchase no payment reached (one whose payment was refused stays as it is). */
  void expire(Instant now) {
    if (!paymentReported
        && (status == CoinPurchaseStatus.PENDING || status == CoinPurchaseStatus.FAILED)) {
      apply(new CoinPurchaseExpired(purchaseId, now));
    }
  }

  /**
   * Whether a refund of {@code total} in all is news for this purchase: it was confirmed (nothing
   * was credited before that, so nothing is taken back) and the total, capped at the price, is more
   * than what was refunded so far.
   */
  boolean isNewRefund(long total) {
    return status == CoinPurchaseStatus.CONFIRMED && Math.min(total, priceMinor) > refundedTotal;
  }

  /**
   * The coins a refund of {@code total} in all takes back now: the purchase's coins in proportion
   * to the part of the price refunded, rounded down, less what earlier refunds took. At a full
   * refund it is every coin not yet taken back, so partial refunds add up exactly.
   */
  long coinsToTakeBackFor(long total) {
    long capped = Math.min(total, priceMinor);
    long due =
        BigInteger.valueOf(coins)
            .multiply(BigInteger.valueOf(capped))
            .divide(BigInteger.valueOf(priceMinor))
            .longValueExact();
    return Math.max(0, due - coinsTakenBack);
  }

  void refund(
      long total,
      long takenBack,
      long fromAccount,
      long shortfall,
      String clawbackTransfer,
      String shortfallTransfer,
      Instant now) {
    long capped = Math.min(total, priceMinor);
    apply(
        new CoinPurchaseRefunded(
            purchaseId,
            capped,
            capped == priceMinor,
            takenBack,
            fromAccount,
            shortfall,
            clawbackTransfer,
            shortfallTransfer,
            now));
  }

  /** Whether a dispute takes the coins back: only from a confirmed purchase, once. */
  boolean acceptsChargeback() {
    return status == CoinPurchaseStatus.CONFIRMED;
  }

  long coinsNotTakenBack() {
    return coins - coinsTakenBack;
  }

  void chargeBack(
      String disputeId,
      long disputedAmount,
      long takenBack,
      long fromAccount,
      long shortfall,
      String clawbackTransfer,
      String shortfallTransfer,
      Instant now) {
    apply(
        new CoinPurchaseChargedBack(
            purchaseId,
            disputeId,
            disputedAmount,
            takenBack,
            fromAccount,
            shortfall,
            clawbackTransfer,
            shortfallTransfer,
            now));
  }

  CoinPurchaseId purchaseIdValue() {
    return purchaseId;
  }

  CoinPurchaseStatus status() {
    return status;
  }

  String userId() {
    return userId;
  }

  long coins() {
    return coins;
  }

  long priceMinor() {
    return priceMinor;
  }

  String currency() {
    return currency;
  }

  String paymentIntentId() {
    return paymentIntentId;
  }

  @EventSourcingHandler
  void on(CoinPurchaseCreated event) {
    id = event.purchaseId().toString();
    purchaseId = event.purchaseId();
    userId = event.userId();
    coins = event.coins();
    priceMinor = event.priceMinor();
    currency = event.currency();
    paymentIntentId = event.paymentIntentId();
    status = CoinPurchaseStatus.PENDING;
  }

  @EventSourcingHandler
  void on(CoinPurchaseConfirmed event) {
    paymentReported = true;
    status = CoinPurchaseStatus.CONFIRMED;
  }

  @EventSourcingHandler
  void on(CoinPurchasePaymentMismatched event) {
    paymentReported = true;
    status = CoinPurchaseStatus.FAILED;
  }

  @EventSourcingHandler
  void on(CoinPurchaseCreditRefused event) {
    paymentReported = true;
    status = CoinPurchaseStatus.FAILED;
  }

  @EventSourcingHandler
  void on(CoinPurchaseFailed event) {
    status = CoinPurchaseStatus.FAILED;
  }

  @EventSourcingHandler
  void on(CoinPurchaseExpired event) {
    status = CoinPurchaseStatus.EXPIRED;
  }

  @EventSourcingHandler
  void on(CoinPurchaseRefunded event) {
    refundedTotal = event.refundedTotal();
    coinsTakenBack += event.coinsTakenBack();
    if (event.fullyRefunded()) {
      status = CoinPurchaseStatus.REFUNDED;
    }
  }

  @EventSourcingHandler
  void on(CoinPurchaseChargedBack event) {
    coinsTakenBack += event.coinsTakenBack();
    status = CoinPurchaseStatus.CHARGEBACK;
  }
}
