package dev.ledger.core.coins;

import dev.ledger.core.account.Account;
import dev.ledger.core.coins.GiftCommands.SendGift;
import dev.ledger.core.coins.GiftEvents.GiftSent;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.Postings;
import dev.ledger.core.transfer.TransferResult;
import dev.ledger.core.transfer.TransferSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * Gifts. One unit of work checks the sender's coins and moves them: the gift's coins less the fee
 * to the recipient's earnings, the fee ({@link GiftFee}) to the platform's revenue, or nothing at
 * all. Only {@code user:{senderId}:coins} is ever debited, so earnings are never spent as coins.
 * The gift is loaded first, then its accounts in sorted order ({@link AccountLocks}).
 *
 * <p>Rejections, in order: {@code ID_CONFLICT} for a repeated id with other content, {@code
 * AMOUNT_MUST_BE_POSITIVE}, {@code ACCOUNTS_MUST_DIFFER} (a gift to oneself), {@code
 * ASSET_MISMATCH} (an account of that name in another asset), {@code ACCOUNT_FROZEN} (a frozen
 * account, or a sender whose coins are frozen by an unsettled shortfall, ADR 0021), {@code
 * INSUFFICIENT_FUNDS}, {@code BALANCE_OVERFLOW}.
 */
public class GiftCommandHandler {
  private final Repository<Gift> gifts;
  private final Postings postings;
  private final Clock clock;
  private final long feeBasisPoints;

  /**
   * @param feeBasisPoints the platform's share of every gift, in 1/10,000 (3000 is 30 %)
   */
  public GiftCommandHandler(
      Repository<Gift> gifts, Postings postings, Clock clock, long feeBasisPoints) {
    if (!GiftFee.isValidRate(feeBasisPoints)) {
      throw new IllegalArgumentException("a gift fee rate is from 0 to 9999 basis points");
    }
    this.gifts = gifts;
    this.postings = postings;
    this.clock = clock;
    this.feeBasisPoints = feeBasisPoints;
  }

  @CommandHandler
  public GiftResult handle(SendGift command) throws Exception {
    var existing = Aggregates.find(gifts, command.giftId().toString());
    if (existing.isPresent()) {
      if (!existing.get().invoke(g -> g.isDescribedBy(command))) {
        throw new LedgerRejection(
            Rejection.ID_CONFLICT, "gift " + command.giftId().id() + " exists with other content");
      }
      return new GiftResult(
          existing.get().invoke(Gift::sent),
          false,
          List.of(Aggregates.lastEvent(existing.get())),
          null);
    }
    if (command.coins() <= 0) {
      throw new LedgerRejection(Rejection.AMOUNT_MUST_BE_POSITIVE, "coins must be positive");
    }
    if (command.senderId().equals(command.recipientId())) {
      throw new LedgerRejection(
          Rejection.ACCOUNTS_MUST_DIFFER, "a user cannot send a gift to themselves");
    }
    TenantId tenant = command.giftId().tenant();
    long fee = GiftFee.of(command.coins(), feeBasisPoints);
    long earnings = command.coins() - fee;
    AccountId senderCoins = Coins.userCoins(tenant, command.senderId());
    AccountId senderShortfall = Coins.userShortfall(tenant, command.senderId());
    AccountId recipientEarnings = Coins.userEarnings(tenant, command.recipientId());
    AccountId revenue = Coins.revenue(tenant);
    AccountLocks locks =
        new AccountLocks(postings)
            .ifOpen(senderCoins)
            .ifOpen(senderShortfall)
            .open(recipientEarnings, false);
    if (fee > 0) {
      locks.open(revenue, false);
    }
    var accounts = locks.lock();

    Optional<Aggregate<Account>> sender = accounts.get(senderCoins);
    if (sender.isPresent() && !Coins.ASSET.equals(sender.get().invoke(Account::asset))) {
      throw new LedgerRejection(
          Rejection.ASSET_MISMATCH,
          "account " + senderCoins.address() + " does not hold " + Coins.ASSET);
    }
    long owed =
        accounts
            .get(senderShortfall)
            .map(a -> Math.max(0L, -a.invoke(account -> account.balance().posted())))
            .orElse(0L);
    if (owed > 0) {
      throw new LedgerRejection(
          Rejection.ACCOUNT_FROZEN,
          "the coins of user "
              + command.senderId()
              + " are frozen until a shortfall of "
              + owed
              + " coins from a refunded or disputed purchase is settled");
    }
    long available = sender.map(a -> a.invoke(s -> s.balance().available())).orElse(0L);
    if (sender.isPresent() && sender.get().invoke(Account::isFrozen)) {
      throw new LedgerRejection(
          Rejection.ACCOUNT_FROZEN, "account " + senderCoins.address() + " is frozen");
    }
    if (available < command.coins()) {
      throw new LedgerRejection(
          Rejection.INSUFFICIENT_FUNDS,
          "user " + command.senderId() + " has " + Math.max(0, available) + " coins available");
    }

    String ref = command.giftId().referenceId();
    TransferId toRecipient = transferId(tenant, ref, "earnings");
    TransferId toPlatform = transferId(tenant, ref, "fee");
    GiftSent sent =
        new GiftSent(
            command.giftId(),
            ref,
            command.senderId(),
            command.recipientId(),
            command.coins(),
            fee,
            earnings,
            feeBasisPoints,
            toRecipient.id(),
            fee > 0 ? toPlatform.id() : null,
            clock.instant());
    Aggregate<Gift> gift = gifts.newInstance(() -> Gift.send(sent));
    String reference = "gift:" + command.giftId().id();
    List<EventRef> events = new ArrayList<>();
    events.add(Aggregates.lastEvent(gift));
    TransferResult last =
        postings.postNeverBelowZero(
            toRecipient,
            spec(senderCoins, recipientEarnings, earnings, Coins.GIFT_CODE, reference));
    events.addAll(last.events());
    if (fee > 0) {
      last =
          postings.postNeverBelowZero(
              toPlatform, spec(senderCoins, revenue, fee, Coins.GIFT_FEE_CODE, reference));
      events.addAll(last.events());
    }
    long senderAfter = last.balanceOf(senderCoins.address()).orElseThrow().available();
    return new GiftResult(sent, true, events, senderAfter);
  }

  private static TransferSpec spec(
      AccountId debit, AccountId credit, long amount, String code, String reference) {
    return new TransferSpec(
        debit, credit, amount, Coins.ASSET, code, reference, Map.of(), false, null);
  }

  /** The transfers of a gift: {@code engine:gift:{referenceId}:earnings} and {@code …:fee}. */
  static TransferId transferId(TenantId tenant, String referenceId, String part) {
    return TransferId.of(tenant.value(), ResourceId.engine("gift", referenceId, part));
  }
}
