package dev.ledger.core.account;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountEvents.AccountCreditReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountCreditReserved;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebitReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountDebitReserved;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountFrozen;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.AccountEvents.AccountUnfrozen;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.Invariants;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import java.time.Clock;
import java.util.Map;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * An account decides every movement of its own balance. One that does not allow negative balances
 * never lets {@code available} fall below zero: the check and the event happen while Axon holds the
 * aggregate's lock, and a concurrent append on another node fails on the event store's unique
 * (aggregate, sequence) key and is retried.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class Account {
  @AggregateIdentifier private String id;
  private AccountId accountId;
  private String asset;
  private boolean allowNegative;
  private boolean frozen;
  private Map<String, String> metadata;
  private Balance balance;
  private java.time.Instant openedAt;

  protected Account() {
    // for Axon and the snapshot serializer
  }

  Account(OpenAccount command, Clock clock) {
    apply(
        new AccountOpened(
            command.accountId(),
            command.asset(),
            command.allowNegative(),
            command.metadata(),
            clock.instant()));
  }

  /** Creates an account; used by {@link AccountCommandHandler}, which owns the id check. */
  public static Account open(OpenAccount command, Clock clock) {
    return new Account(command, clock);
  }

  /** Stops every movement; freezing a frozen account changes nothing. */
  public void freeze(String reason) {
    if (!frozen) {
      apply(new AccountFrozen(accountId, reason));
    }
  }

  public void unfreeze() {
    if (frozen) {
      apply(new AccountUnfrozen(accountId));
    }
  }

  /** Whether an open request describes this account exactly. */
  public boolean isDescribedBy(OpenAccount command) {
    return asset.equals(command.asset())
        && allowNegative == command.allowNegative()
        && metadata.equals(command.metadata());
  }

  public AccountId accountId() {
    return accountId;
  }

  public String asset() {
    return asset;
  }

  public boolean allowsNegative() {
    return allowNegative;
  }

  public boolean isFrozen() {
    return frozen;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public Balance balance() {
    return balance;
  }

  public java.time.Instant openedAt() {
    return openedAt;
  }

  /** Takes value out of the account, or rejects the whole command. */
  public void debit(Movement movement) {
    Balance next = checkDebit(movement.amount());
    apply(new AccountDebited(accountId, movement, next.posted()));
  }

  /** Puts value into the account, or rejects the whole command. */
  public void credit(Movement movement) {
    Balance next = checkCredit(movement.amount());
    apply(new AccountCredited(accountId, movement, next.posted()));
  }

  /**
   * Answers the balance a debit of {@code amount} would leave, or throws the rejection {@link
   * #debit} would throw; changes nothing. Lets a command that touches several accounts check them
   * all before it changes any.
   */
  public Balance checkDebit(long amount) {
    rejectIfFrozen();
    Balance next = checked(() -> balance.afterDebit(amount));
    rejectIfOverdrawn(next);
    return next;
  }

  /** Like {@link #checkDebit}, for a credit. */
  public Balance checkCredit(long amount) {
    rejectIfFrozen();
    return checked(() -> balance.afterCredit(amount));
  }

  /** Holds value for a pending transfer; it stops being available at once. */
  public void reserveDebit(Movement movement) {
    rejectIfFrozen();
    Balance next = checked(() -> balance.afterDebitReserved(movement.amount()));
    rejectIfOverdrawn(next);
    apply(new AccountDebitReserved(accountId, movement));
  }

  public void reserveCredit(Movement movement) {
    rejectIfFrozen();
    checked(() -> balance.afterCreditReserved(movement.amount()));
    apply(new AccountCreditReserved(accountId, movement));
  }

  /** Releases a pending debit's hold. Allowed on a frozen account: it moves no value. */
  public void releaseDebitReservation(String transferId, long amount) {
    Invariants.check(balance.debitsPending() >= amount, "a release never exceeds what is held");
    apply(new AccountDebitReservationReleased(accountId, transferId, amount));
  }

  public void releaseCreditReservation(String transferId, long amount) {
    Invariants.check(balance.creditsPending() >= amount, "a release never exceeds what is held");
    apply(new AccountCreditReservationReleased(accountId, transferId, amount));
  }

  private void rejectIfFrozen() {
    if (frozen) {
      throw new LedgerRejection(
          Rejection.ACCOUNT_FROZEN, "account " + accountId.address() + " is frozen");
    }
  }

  private void rejectIfOverdrawn(Balance next) {
    if (!allowNegative && next.available() < 0) {
      throw new LedgerRejection(
          Rejection.INSUFFICIENT_FUNDS,
          "account " + accountId.address() + " has " + balance.available() + " available");
    }
  }

  private Balance checked(java.util.function.Supplier<Balance> operation) {
    try {
      return operation.get();
    } catch (ArithmeticException overflow) {
      throw new LedgerRejection(
          Rejection.BALANCE_OVERFLOW,
          "the balance of " + accountId.address() + " would overflow 64 bits");
    }
  }

  @EventSourcingHandler
  void on(AccountOpened event) {
    id = event.accountId().toString();
    accountId = event.accountId();
    asset = event.asset();
    allowNegative = event.allowNegative();
    metadata = event.metadata();
    balance = Balance.ZERO;
    openedAt = event.openedAt();
  }

  @EventSourcingHandler
  void on(AccountFrozen event) {
    frozen = true;
  }

  @EventSourcingHandler
  void on(AccountUnfrozen event) {
    frozen = false;
  }

  @EventSourcingHandler
  void on(AccountDebited event) {
    balance = balance.afterDebit(event.movement().amount());
  }

  @EventSourcingHandler
  void on(AccountCredited event) {
    balance = balance.afterCredit(event.movement().amount());
  }

  @EventSourcingHandler
  void on(AccountDebitReserved event) {
    balance = balance.afterDebitReserved(event.movement().amount());
  }

  @EventSourcingHandler
  void on(AccountCreditReserved event) {
    balance = balance.afterCreditReserved(event.movement().amount());
  }

  @EventSourcingHandler
  void on(AccountDebitReservationReleased event) {
    balance = balance.afterDebitReservationReleased(event.amount());
  }

  @EventSourcingHandler
  void on(AccountCreditReservationReleased event) {
    balance = balance.afterCreditReservationReleased(event.amount());
  }
}
