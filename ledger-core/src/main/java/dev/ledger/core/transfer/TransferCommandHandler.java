package dev.ledger.core.transfer;

import dev.ledger.core.account.Account;
import dev.ledger.core.account.Movement;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferCommands.ExpirePendingTransfer;
import dev.ledger.core.transfer.TransferCommands.PostJournalEntry;
import dev.ledger.core.transfer.TransferCommands.PostPendingTransfer;
import dev.ledger.core.transfer.TransferCommands.PostTransfer;
import dev.ledger.core.transfer.TransferCommands.Posting;
import dev.ledger.core.transfer.TransferCommands.VoidPendingTransfer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * Decides every movement between accounts. Each command changes the transfer (or journal entry) and
 * all the accounts it touches in one unit of work, so their events are committed in one database
 * transaction or not at all. Accounts are loaded in sorted id order: Axon locks each aggregate it
 * loads, and A→B beside B→A would otherwise deadlock.
 *
 * <p>Rejections, in order of precedence: {@code AMOUNT_MUST_BE_POSITIVE}, {@code
 * ACCOUNTS_MUST_DIFFER}, {@code ACCOUNT_NOT_FOUND}, {@code ASSET_MISMATCH}, {@code ACCOUNT_FROZEN},
 * {@code INSUFFICIENT_FUNDS}, {@code BALANCE_OVERFLOW}; for a repeated id with other content {@code
 * ID_CONFLICT}; for pending operations {@code TRANSFER_NOT_FOUND}, {@code INVALID_STATE}, {@code
 * AMOUNT_EXCEEDS_PENDING}.
 */
public class TransferCommandHandler {
  private final Repository<Account> accounts;
  private final Repository<Transfer> transfers;
  private final Repository<JournalEntry> entries;
  private final Clock clock;
  private final Postings postings;

  public TransferCommandHandler(
      Repository<Account> accounts,
      Repository<Transfer> transfers,
      Repository<JournalEntry> entries,
      Clock clock) {
    this.accounts = accounts;
    this.transfers = transfers;
    this.entries = entries;
    this.clock = clock;
    this.postings = new Postings(accounts, transfers, clock);
  }

  @CommandHandler
  public TransferResult handle(PostTransfer command) throws Exception {
    return postings.post(command.transferId(), command.spec());
  }

  @CommandHandler
  public TransferBatchResult handle(TransferCommands.PostTransferBatch command) throws Exception {
    return postings.postBatch(command.transfers());
  }

  @CommandHandler
  public TransferResult handle(PostPendingTransfer command) {
    Aggregate<Transfer> transfer = loadTransfer(command.transferId());
    TransferSpec spec = transfer.invoke(Transfer::spec);
    long amount = command.amount() == null ? spec.amount() : command.amount();
    if (amount <= 0) {
      throw new LedgerRejection(Rejection.AMOUNT_MUST_BE_POSITIVE, "amount must be positive");
    }
    transfer.execute(t -> t.post(amount, clock.instant()));
    Map<AccountId, Aggregate<Account>> loaded =
        postings.loadSorted(List.of(spec.debitAccount(), spec.creditAccount()));
    Aggregate<Account> debit = loaded.get(spec.debitAccount());
    Aggregate<Account> credit = loaded.get(spec.creditAccount());
    String id = command.transferId().id();
    debit.execute(a -> a.releaseDebitReservation(id, spec.amount()));
    credit.execute(a -> a.releaseCreditReservation(id, spec.amount()));
    debit.execute(
        a ->
            a.debit(
                new Movement(
                    id, spec.creditAccount().address(), amount, spec.code(), spec.reference())));
    credit.execute(
        a ->
            a.credit(
                new Movement(
                    id, spec.debitAccount().address(), amount, spec.code(), spec.reference())));
    return Postings.result(transfer, false, debit, credit);
  }

  @CommandHandler
  public TransferResult handle(VoidPendingTransfer command) {
    Aggregate<Transfer> transfer = loadTransfer(command.transferId());
    transfer.execute(t -> t.voidPending(clock.instant()));
    return release(transfer);
  }

  @CommandHandler
  public TransferResult handle(ExpirePendingTransfer command) {
    Aggregate<Transfer> transfer = loadTransfer(command.transferId());
    boolean expired = transfer.invoke(t -> t.expire(clock.instant()));
    if (!expired) {
      return Postings.result(transfer, false);
    }
    return release(transfer);
  }

  @CommandHandler
  public JournalEntryResult handle(PostJournalEntry command) throws Exception {
    var existing = Aggregates.find(entries, command.entryId().toString());
    if (existing.isPresent()) {
      if (!existing.get().invoke(e -> e.isDescribedBy(command))) {
        throw new LedgerRejection(
            Rejection.ID_CONFLICT,
            "journal entry " + command.entryId().id() + " exists with other content");
      }
      return new JournalEntryResult(
          existing.get().invoke(JournalEntry::posted),
          false,
          List.of(Aggregates.lastEvent(existing.get())));
    }
    TenantId tenant = command.entryId().tenant();
    List<AccountId> ids = new ArrayList<>();
    for (Posting posting : command.postings()) {
      if (posting.amount() <= 0) {
        throw new LedgerRejection(
            Rejection.AMOUNT_MUST_BE_POSITIVE, "every posting's amount must be positive");
      }
      if (posting.debitAccount().equals(posting.creditAccount())) {
        throw new LedgerRejection(
            Rejection.ACCOUNTS_MUST_DIFFER, "a posting's accounts must differ");
      }
      ids.add(new AccountId(tenant, posting.debitAccount()));
      ids.add(new AccountId(tenant, posting.creditAccount()));
    }
    Map<AccountId, Aggregate<Account>> loaded = postings.loadSorted(ids);
    for (Posting posting : command.postings()) {
      Postings.requireAsset(
          loaded.get(new AccountId(tenant, posting.debitAccount())), posting.asset());
      Postings.requireAsset(
          loaded.get(new AccountId(tenant, posting.creditAccount())), posting.asset());
    }
    loaded.values().forEach(Postings::requireNotFrozen);
    Aggregate<JournalEntry> entry =
        entries.newInstance(() -> JournalEntry.create(command, clock.instant()));
    String id = command.entryId().id();
    for (Posting posting : command.postings()) {
      Movement out =
          new Movement(
              id, posting.creditAccount(), posting.amount(), command.code(), command.reference());
      Movement in =
          new Movement(
              id, posting.debitAccount(), posting.amount(), command.code(), command.reference());
      loaded.get(new AccountId(tenant, posting.debitAccount())).execute(a -> a.debit(out));
      loaded.get(new AccountId(tenant, posting.creditAccount())).execute(a -> a.credit(in));
    }
    List<EventRef> events = new ArrayList<>();
    events.add(Aggregates.lastEvent(entry));
    loaded.values().forEach(a -> events.add(Aggregates.lastEvent(a)));
    return new JournalEntryResult(entry.invoke(JournalEntry::posted), true, events);
  }

  private TransferResult release(Aggregate<Transfer> transfer) {
    TransferSpec spec = transfer.invoke(Transfer::spec);
    String id = transfer.invoke(t -> t.view().transferId().id());
    Map<AccountId, Aggregate<Account>> loaded =
        postings.loadSorted(List.of(spec.debitAccount(), spec.creditAccount()));
    Aggregate<Account> debit = loaded.get(spec.debitAccount());
    Aggregate<Account> credit = loaded.get(spec.creditAccount());
    debit.execute(a -> a.releaseDebitReservation(id, spec.amount()));
    credit.execute(a -> a.releaseCreditReservation(id, spec.amount()));
    return Postings.result(transfer, false, debit, credit);
  }

  private Aggregate<Transfer> loadTransfer(TransferId id) {
    return Aggregates.find(transfers, id.toString())
        .orElseThrow(
            () -> new LedgerRejection(Rejection.TRANSFER_NOT_FOUND, "no transfer " + id.id()));
  }
}
