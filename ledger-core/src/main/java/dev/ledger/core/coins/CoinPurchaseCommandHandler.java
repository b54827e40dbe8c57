package dev.ledger.core.coins;

import dev.ledger.core.account.Account;
import dev.ledger.core.account.Balance;
import dev.ledger.core.coins.CoinPurchaseCommands.ChargeBackCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ConfirmCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.CreateCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ExpireCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.FailCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.RefundCoinPurchase;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.Postings;
import dev.ledger.core.transfer.TransferSpec;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * Coin purchases. Confirmation and the issue of the coins are one unit of work, as are a refund or
 * a chargeback and the coins they take back, so each commits together or not at all; every transfer
 * id is derived from the purchase (and, for a refund, from the refunded total), so no path can post
 * twice. The purchase is loaded first, then its accounts in sorted order ({@link AccountLocks}).
 *
 * <p>Taking coins back follows ADR 0021: what the user still has comes out of {@code
 * user:{userId}:coins}; the rest, which the user has spent, is posted from the user's receivable
 * {@code user:{userId}:coins:shortfall} (which may go negative by exactly that), so the ledger
 * still balances and the debt is on record. While it is unsettled the user cannot spend coins
 * ({@link GiftCommandHandler}), and the user's next confirmed purchases settle it first.
 *
 * <p>Rejections: {@code ID_CONFLICT} for a repeated id with other content, {@code ASSET_MISMATCH}
 * when the user's coins account holds another asset, {@code COIN_PURCHASE_NOT_FOUND} for an unknown
 * purchase.
 */
public class CoinPurchaseCommandHandler {
  private final Repository<CoinPurchase> purchases;
  private final Postings postings;
  private final Clock clock;

  public CoinPurchaseCommandHandler(
      Repository<CoinPurchase> purchases, Postings postings, Clock clock) {
    this.purchases = purchases;
    this.postings = postings;
    this.clock = clock;
  }

  @CommandHandler
  public CoinPurchaseView handle(CreateCoinPurchase command) throws Exception {
    var existing = Aggregates.find(purchases, command.purchaseId().toString());
    if (existing.isPresent()) {
      if (!existing.get().invoke(p -> p.isDescribedBy(command))) {
        throw new LedgerRejection(
            Rejection.ID_CONFLICT,
            "coin purchase " + command.purchaseId().id() + " exists with other content");
      }
      return view(existing.get(), false);
    }
    if (command.coins() <= 0 || command.priceMinor() <= 0) {
      throw new LedgerRejection(
          Rejection.AMOUNT_MUST_BE_POSITIVE, "coins and price must be positive");
    }
    // a coins account in another asset would refuse the coins once paid: refuse the purchase now
    AccountId userCoins = Coins.userCoins(command.purchaseId().tenant(), command.userId());
    Optional<Aggregate<Account>> account = postings.find(userCoins);
    if (account.isPresent() && !Coins.ASSET.equals(account.get().invoke(Account::asset))) {
      throw new LedgerRejection(
          Rejection.ASSET_MISMATCH,
          "account " + userCoins.address() + " does not hold " + Coins.ASSET);
    }
    return view(purchases.newInstance(() -> CoinPurchase.create(command, clock.instant())), true);
  }

  /**
   * Confirms on a payment of the price and issues the coins: first to settle the user's shortfall,
   * if there is one, then to {@code user:{userId}:coins}. A payment of another amount or currency
   * credits nothing and fails the purchase; so does one whose coins an account could not hold (a
   * balance would pass 2^63 − 1, or an account is frozen), checked before anything is posted.
   */
  @CommandHandler
  public CoinPurchaseView handle(ConfirmCoinPurchase command) throws Exception {
    Aggregate<CoinPurchase> purchase = load(command.purchaseId());
    if (!purchase.invoke(CoinPurchase::awaitsPayment)) {
      return view(purchase, false); // a repeated report
    }
    var now = clock.instant();
    if (!purchase.invoke(p -> p.isPaidBy(command.amountReceived(), command.currency()))) {
      purchase.execute(
          p ->
              p.mismatch(
                  command.paymentIntentId(), command.amountReceived(), command.currency(), now));
      return view(purchase, false);
    }
    TenantId tenant = command.purchaseId().tenant();
    String userId = purchase.invoke(CoinPurchase::userId);
    long coins = purchase.invoke(CoinPurchase::coins);
    AccountId issuance = Coins.issuance(tenant);
    AccountId userCoins = Coins.userCoins(tenant, userId);
    AccountId shortfall = Coins.userShortfall(tenant, userId);
    var accounts =
        new AccountLocks(postings)
            .open(issuance, true)
            .open(userCoins, false)
            .ifOpen(shortfall)
            .lock();
    long owed = accounts.get(shortfall).map(CoinPurchaseCommandHandler::owed).orElse(0L);
    long settled = Math.min(coins, owed);
    long credited = coins - settled;

    String refusal =
        refusal(accounts.get(issuance).orElseThrow(), b -> b.afterDebit(coins))
            .or(
                () ->
                    credited == 0
                        ? Optional.empty()
                        : refusal(
                            accounts.get(userCoins).orElseThrow(), b -> b.afterCredit(credited)))
            .or(
                () ->
                    settled == 0
                        ? Optional.empty()
                        : refusal(
                            accounts.get(shortfall).orElseThrow(), b -> b.afterCredit(settled)))
            .orElse(null);
    if (refusal != null) {
      purchase.execute(
          p -> p.refuseCredit(command.paymentIntentId(), command.amountReceived(), refusal, now));
      return view(purchase, false);
    }

    String ref = command.purchaseId().referenceId();
    String reference = reference(command.purchaseId());
    TransferId settlement = transferId(tenant, ref, "settlement");
    TransferId credit = transferId(tenant, ref, "credit");
    if (settled > 0) {
      postings.post(
          settlement,
          spec(issuance, shortfall, settled, Coins.SETTLEMENT_CODE, reference, "purchase"));
    }
    if (credited > 0) {
      postings.post(
          credit, spec(issuance, userCoins, credited, Coins.PURCHASE_CODE, reference, "purchase"));
    }
    purchase.execute(
        p ->
            p.confirm(
                command.paymentIntentId(),
                command.amountReceived(),
                credited,
                settled,
                credited > 0 ? credit.id() : null,
                settled > 0 ? settlement.id() : null,
                now));
    return view(purchase, false);
  }

  @CommandHandler
  public CoinPurchaseView handle(FailCoinPurchase command) {
    Aggregate<CoinPurchase> purchase = load(command.purchaseId());
    purchase.execute(p -> p.fail(command.reason(), clock.instant()));
    return view(purchase, false);
  }

  @CommandHandler
  public CoinPurchaseView handle(ExpireCoinPurchase command) {
    Aggregate<CoinPurchase> purchase = load(command.purchaseId());
    purchase.execute(p -> p.expire(clock.instant()));
    return view(purchase, false);
  }

  /**
   * Takes back the coins a refund paid for, in proportion to the part of the price refunded so far
   * (Stripe reports running totals, so a repeated or older total takes nothing). A refund before
   * the purchase was confirmed takes nothing: no coins were issued.
   */
  @CommandHandler
  public CoinPurchaseView handle(RefundCoinPurchase command) throws Exception {
    Aggregate<CoinPurchase> purchase = load(command.purchaseId());
    if (!purchase.invoke(p -> p.isNewRefund(command.refundedTotal()))) {
      return view(purchase, false);
    }
    long due = purchase.invoke(p -> p.coinsToTakeBackFor(command.refundedTotal()));
    // one clawback per refunded total: the same total again is no news, so the id never repeats
    long total = Math.min(command.refundedTotal(), purchase.invoke(CoinPurchase::priceMinor));
    Clawback clawback = takeBack(purchase, due, "refund:" + total, "purchase refunded");
    purchase.execute(
        p ->
            p.refund(
                command.refundedTotal(),
                due,
                clawback.fromAccount(),
                clawback.shortfall(),
                clawback.clawbackTransfer(),
                clawback.shortfallTransfer(),
                clock.instant()));
    return view(purchase, false);
  }

  /**
   * Takes back every coin of the purchase not yet taken back, at the dispute's creation: Stripe
   * withdraws the disputed money then, and the outcome is weeks away. A dispute on a purchase that
   * was never confirmed, or has been refunded in full or charged back already, takes nothing.
   */
  @CommandHandler
  public CoinPurchaseView handle(ChargeBackCoinPurchase command) throws Exception {
    Aggregate<CoinPurchase> purchase = load(command.purchaseId());
    if (!purchase.invoke(CoinPurchase::acceptsChargeback)) {
      return view(purchase, false);
    }
    long due = purchase.invoke(CoinPurchase::coinsNotTakenBack);
    Clawback clawback = takeBack(purchase, due, "chargeback", "purchase charged back");
    purchase.execute(
        p ->
            p.chargeBack(
                command.disputeId(),
                command.disputedAmount(),
                due,
                clawback.fromAccount(),
                clawback.shortfall(),
                clawback.clawbackTransfer(),
                clawback.shortfallTransfer(),
                clock.instant()));
    return view(purchase, false);
  }

  /** What a clawback took from the account and what it recorded as shortfall, and how. */
  private record Clawback(
      long fromAccount, long shortfall, String clawbackTransfer, String shortfallTransfer) {}

  /**
   * Takes {@code coins} back to the issuance account: what the user's coins account has available
   * (nothing, if it is frozen: a frozen account moves nothing), and the rest from the user's
   * shortfall account, opened for it if need be.
   */
  private Clawback takeBack(Aggregate<CoinPurchase> purchase, long coins, String step, String why)
      throws Exception {
    if (coins == 0) {
      return new Clawback(0, 0, null, null);
    }
    CoinPurchaseId id = purchase.invoke(CoinPurchase::purchaseIdValue);
    TenantId tenant = id.tenant();
    String userId = purchase.invoke(CoinPurchase::userId);
    AccountId issuance = Coins.issuance(tenant);
    AccountId userCoins = Coins.userCoins(tenant, userId);
    AccountId shortfall = Coins.userShortfall(tenant, userId);
    // the shortfall account sorts after the other two, so opening it only when needed, below,
    // keeps the order in which the accounts are locked
    var accounts =
        new AccountLocks(postings)
            .open(issuance, true)
            .open(userCoins, false)
            .ifOpen(shortfall)
            .lock();
    Aggregate<Account> account = accounts.get(userCoins).orElseThrow();
    long available =
        account.invoke(Account::isFrozen)
            ? 0
            : Math.max(0L, account.invoke(a -> a.balance().available()));
    long fromAccount = Math.min(coins, available);
    long missing = coins - fromAccount;
    String reference = reference(id);
    TransferId clawback = transferId(tenant, id.referenceId(), step);
    TransferId recorded = transferId(tenant, id.referenceId(), step + ":shortfall");
    if (fromAccount > 0) {
      postings.post(
          clawback, spec(userCoins, issuance, fromAccount, Coins.CLAWBACK_CODE, reference, why));
    }
    if (missing > 0) {
      postings.openIfMissing(shortfall, Coins.ASSET, true);
      postings.post(
          recorded, spec(shortfall, issuance, missing, Coins.SHORTFALL_CODE, reference, why));
    }
    return new Clawback(
        fromAccount,
        missing,
        fromAccount > 0 ? clawback.id() : null,
        missing > 0 ? recorded.id() : null);
  }

  /** What a user owes in coins: minus the shortfall account's balance, if it is below zero. */
  private static long owed(Aggregate<Account> shortfall) {
    return Math.max(0L, -shortfall.invoke(a -> a.balance().posted()));
  }

  /** Why an account cannot take a movement, if it cannot: frozen, or a balance would overflow. */
  private static Optional<String> refusal(
      Aggregate<Account> account, UnaryOperator<Balance> movement) {
    String address = account.invoke(a -> a.accountId().address());
    if (account.invoke(Account::isFrozen)) {
      return Optional.of("account " + address + " is frozen");
    }
    try {
      movement.apply(account.invoke(Account::balance));
      return Optional.empty();
    } catch (ArithmeticException overflow) {
      return Optional.of("the balance of " + address + " would overflow 64 bits");
    }
  }

  private static TransferSpec spec(
      AccountId debit, AccountId credit, long amount, String code, String reference, String why) {
    return new TransferSpec(
        debit, credit, amount, Coins.ASSET, code, reference, Map.of("reason", why), false, null);
  }

  /** The transfers of a purchase: {@code engine:coin-purchase:{referenceId}:{step}}. */
  static TransferId transferId(TenantId tenant, String referenceId, String step) {
    return TransferId.of(tenant.value(), ResourceId.engine("coin-purchase", referenceId, step));
  }

  private static String reference(CoinPurchaseId id) {
    return "coin-purchase:" + id.id();
  }

  private Aggregate<CoinPurchase> load(CoinPurchaseId id) {
    return Aggregates.find(purchases, id.toString())
        .orElseThrow(
            () ->
                new LedgerRejection(
                    Rejection.COIN_PURCHASE_NOT_FOUND, "no coin purchase " + id.id()));
  }

  private static CoinPurchaseView view(Aggregate<CoinPurchase> purchase, boolean created) {
    return purchase.invoke(
        p ->
            new CoinPurchaseView(
                p.purchaseIdValue(),
                p.userId(),
                p.coins(),
                p.priceMinor(),
                p.currency(),
                p.paymentIntentId(),
                p.status(),
                created,
                Aggregates.lastEvent(purchase)));
  }
}
