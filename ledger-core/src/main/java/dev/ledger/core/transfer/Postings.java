package dev.ledger.core.transfer;

import dev.ledger.core.account.Account;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.Movement;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.Invariants;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.TransferId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * Posts transfers inside the current unit of work, for every command that moves value: plain
 * transfers, points awards and redemptions, investment rewards and their reversals. Whatever calls
 * it commits the transfer, both accounts and its own aggregate's events in one transaction.
 *
 * <p>Rejections, in order of precedence: {@code AMOUNT_MUST_BE_POSITIVE}, {@code
 * ACCOUNTS_MUST_DIFFER}, {@code ACCOUNT_NOT_FOUND}, {@code ASSET_MISMATCH}, {@code ACCOUNT_FROZEN},
 * {@code INSUFFICIENT_FUNDS}, {@code BALANCE_OVERFLOW}; for a repeated id with other content {@code
 * ID_CONFLICT}.
 */
public final class Postings {
  private final Repository<Account> accounts;
  private final Repository<Transfer> transfers;
  private final Clock clock;

  public Postings(Repository<Account> accounts, Repository<Transfer> transfers, Clock clock) {
    this.accounts = accounts;
    this.transfers = transfers;
    this.clock = clock;
  }

  /**
   * Posts (or holds, if pending) a transfer. A transfer id that exists already is answered as it is
   * when the spec is the same, and rejected as {@code ID_CONFLICT} otherwise.
   */
  public TransferResult post(TransferId transferId, TransferSpec spec) throws Exception {
    return post(transferId, spec, false);
  }

  /**
   * Posts a transfer like {@link #post}, but the debit account must keep a non-negative available
   * balance whatever its flag says: a user's points never go below zero, even in an account a
   * client opened by hand with {@code allowNegative}. Short of funds is {@code INSUFFICIENT_FUNDS}.
   */
  public TransferResult postNeverBelowZero(TransferId transferId, TransferSpec spec)
      throws Exception {
    return post(transferId, spec, true);
  }

  private TransferResult post(TransferId transferId, TransferSpec spec, boolean debitFloorAtZero)
      throws Exception {
    var existing = Aggregates.find(transfers, transferId.toString());
    if (existing.isPresent()) {
      if (!existing.get().invoke(Transfer::spec).equals(spec)) {
        throw new LedgerRejection(
            Rejection.ID_CONFLICT, "transfer " + transferId.id() + " exists with other content");
      }
      return result(existing.get(), false);
    }
    checkBeforeLoading(transferId, spec);
    Map<AccountId, Aggregate<Account>> loaded =
        loadSorted(List.of(spec.debitAccount(), spec.creditAccount()));
    return postLoaded(
        transferId,
        spec,
        debitFloorAtZero,
        loaded.get(spec.debitAccount()),
        loaded.get(spec.creditAccount()));
  }

  /**
   * Posts several new transfers in this unit of work, each standing alone (see {@link
   * TransferCommands.PostTransferBatch}): a rejected one is answered as such and changes nothing,
   * since each is checked on both accounts before it changes either. Every account is loaded (and
   * locked) once, in sorted id order, before any is changed. Pending transfers are not batched.
   */
  public TransferBatchResult postBatch(List<TransferCommands.PostTransfer> batch) throws Exception {
    Set<AccountId> ids = new TreeSet<>();
    for (TransferCommands.PostTransfer transfer : batch) {
      Invariants.check(!transfer.spec().pending(), "a batch holds no pending transfer");
      ids.add(transfer.spec().debitAccount());
      ids.add(transfer.spec().creditAccount());
    }
    Map<AccountId, Aggregate<Account>> loaded = new HashMap<>();
    for (AccountId id : ids) {
      Aggregates.find(accounts, id.toString()).ifPresent(account -> loaded.put(id, account));
    }
    Set<TransferId> seen = new HashSet<>();
    List<TransferBatchResult.Item> items = new ArrayList<>(batch.size());
    for (TransferCommands.PostTransfer transfer : batch) {
      Invariants.check(
          seen.add(transfer.transferId()), "the transfers of a batch have distinct ids");
      TransferSpec spec = transfer.spec();
      try {
        checkBeforeLoading(transfer.transferId(), spec);
        items.add(
            new TransferBatchResult.Item(
                postLoaded(
                    transfer.transferId(),
                    spec,
                    false,
                    found(loaded, spec.debitAccount()),
                    found(loaded, spec.creditAccount())),
                null));
      } catch (LedgerRejection rejection) {
        items.add(new TransferBatchResult.Item(null, rejection));
      }
    }
    return new TransferBatchResult(items);
  }

  private static Aggregate<Account> found(Map<AccountId, Aggregate<Account>> loaded, AccountId id) {
    Aggregate<Account> account = loaded.get(id);
    if (account == null) {
      throw new LedgerRejection(Rejection.ACCOUNT_NOT_FOUND, "no account " + id.address());
    }
    return account;
  }

  private static void checkBeforeLoading(TransferId transferId, TransferSpec spec) {
    Invariants.check(
        spec.debitAccount().tenant().equals(transferId.tenant())
            && spec.creditAccount().tenant().equals(transferId.tenant()),
        "a transfer moves value between accounts of its own tenant");
    if (spec.amount() <= 0) {
      throw new LedgerRejection(Rejection.AMOUNT_MUST_BE_POSITIVE, "amount must be positive");
    }
    if (spec.debitAccount().equals(spec.creditAccount())) {
      throw new LedgerRejection(
          Rejection.ACCOUNTS_MUST_DIFFER, "debit and credit account must differ");
    }
  }

  /**
   * Checks the transfer against both loaded accounts, then creates it and changes both: nothing
   * changes unless everything can.
   */
  private TransferResult postLoaded(
      TransferId transferId,
      TransferSpec spec,
      boolean debitFloorAtZero,
      Aggregate<Account> debit,
      Aggregate<Account> credit)
      throws Exception {
    requireAsset(debit, spec.asset());
    requireAsset(credit, spec.asset());
    requireNotFrozen(debit);
    requireNotFrozen(credit);
    if (debitFloorAtZero && debit.invoke(a -> a.balance().available()) < spec.amount()) {
      throw new LedgerRejection(
          Rejection.INSUFFICIENT_FUNDS,
          "account "
              + spec.debitAccount().address()
              + " has "
              + debit.invoke(a -> a.balance().available())
              + " available");
    }
    if (!spec.pending()) {
      debit.invoke(a -> a.checkDebit(spec.amount()));
      credit.invoke(a -> a.checkCredit(spec.amount()));
    }

    Aggregate<Transfer> transfer =
        transfers.newInstance(() -> Transfer.create(transferId, spec, clock.instant()));
    String id = transferId.id();
    Movement out =
        new Movement(
            id, spec.creditAccount().address(), spec.amount(), spec.code(), spec.reference());
    Movement in =
        new Movement(
            id, spec.debitAccount().address(), spec.amount(), spec.code(), spec.reference());
    if (spec.pending()) {
      debit.execute(a -> a.reserveDebit(out));
      credit.execute(a -> a.reserveCredit(in));
    } else {
      debit.execute(a -> a.debit(out));
      credit.execute(a -> a.credit(in));
    }
    return result(transfer, true, debit, credit);
  }

  /**
   * Opens an account the engine owns by convention (a user's points, a platform account) the first
   * time it is needed, in this unit of work. An existing account must hold {@code asset}.
   */
  public Aggregate<Account> openIfMissing(AccountId id, String asset, boolean allowNegative)
      throws Exception {
    var existing = Aggregates.find(accounts, id.toString());
    if (existing.isPresent()) {
      requireAsset(existing.get(), asset);
      return existing.get();
    }
    return accounts.newInstance(
        () -> Account.open(new OpenAccount(id, asset, allowNegative, Map.of()), clock));
  }

  /**
   * The account, if it exists. Loading it takes its lock for the rest of the unit of work: a
   * command that touches several accounts loads them all first, in sorted id order.
   */
  public java.util.Optional<Aggregate<Account>> find(AccountId id) {
    return Aggregates.find(accounts, id.toString());
  }

  /** The available balance of an account (it must exist). */
  public long available(AccountId id) {
    return loadSorted(List.of(id)).get(id).invoke(a -> a.balance().available());
  }

  /**
   * Loads each distinct account once, in sorted id order, so concurrent commands never deadlock.
   */
  Map<AccountId, Aggregate<Account>> loadSorted(List<AccountId> ids) {
    Map<AccountId, Aggregate<Account>> loaded = new TreeMap<>();
    for (AccountId id : new TreeSet<>(ids)) {
      loaded.put(
          id,
          Aggregates.find(accounts, id.toString())
              .orElseThrow(
                  () ->
                      new LedgerRejection(
                          Rejection.ACCOUNT_NOT_FOUND, "no account " + id.address())));
    }
    return loaded;
  }

  @SafeVarargs
  static TransferResult result(
      Aggregate<Transfer> transfer, boolean created, Aggregate<Account>... touched) {
    List<EventRef> events = new ArrayList<>();
    java.util.Map<String, dev.ledger.core.account.Balance> balances =
        new java.util.LinkedHashMap<>();
    events.add(Aggregates.lastEvent(transfer));
    for (Aggregate<Account> account : touched) {
      events.add(Aggregates.lastEvent(account));
      account.execute(a -> balances.put(a.accountId().address(), a.balance()));
    }
    return new TransferResult(transfer.invoke(Transfer::view), created, events, balances);
  }

  static void requireNotFrozen(Aggregate<Account> account) {
    if (account.invoke(Account::isFrozen)) {
      throw new LedgerRejection(
          Rejection.ACCOUNT_FROZEN,
          "account " + account.invoke(a -> a.accountId().address()) + " is frozen");
    }
  }

  static void requireAsset(Aggregate<Account> account, String asset) {
    String actual = account.invoke(Account::asset);
    if (!Objects.equals(actual, asset)) {
      throw new LedgerRejection(
          Rejection.ASSET_MISMATCH,
          "account "
              + account.invoke(a -> a.accountId().address())
              + " holds "
              + actual
              + ", not "
              + asset);
    }
  }
}
