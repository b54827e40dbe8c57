package dev.ledger.core.account;

import dev.ledger.core.shared.AccountId;
import java.time.Instant;
import java.util.Map;

/** Events of an account. Every amount is in the asset's minor unit. */
public final class AccountEvents {
  private AccountEvents() {}

  public sealed interface AccountEvent
      permits AccountOpened,
          AccountFrozen,
          AccountUnfrozen,
          AccountDebited,
          AccountCredited,
          AccountDebitReserved,
          AccountCreditReserved,
          AccountDebitReservationReleased,
          AccountCreditReservationReleased {
    AccountId accountId();
  }

  /** An account exists from here on, with a zero balance. */
  public record AccountOpened(
      AccountId accountId,
      String asset,
      boolean allowNegative,
      Map<String, String> metadata,
      Instant openedAt)
      implements AccountEvent {}

  public record AccountFrozen(AccountId accountId, String reason) implements AccountEvent {}

  public record AccountUnfrozen(AccountId accountId) implements AccountEvent {}

  /**
   * Value left the account.
   *
   * @param postedAfter the posted balance (credits minus debits) after this debit
   */
  public record AccountDebited(AccountId accountId, Movement movement, long postedAfter)
      implements AccountEvent {}

  /**
   * Value entered the account.
   *
   * @param postedAfter the posted balance (credits minus debits) after this credit
   */
  public record AccountCredited(AccountId accountId, Movement movement, long postedAfter)
      implements AccountEvent {}

  /** A pending transfer holds {@code movement.amount} of the account's available balance. */
  public record AccountDebitReserved(AccountId accountId, Movement movement)
      implements AccountEvent {}

  /** A pending transfer will credit {@code movement.amount} if it is posted. */
  public record AccountCreditReserved(AccountId accountId, Movement movement)
      implements AccountEvent {}

  /** A pending debit was posted, voided or expired: its hold is gone. */
  public record AccountDebitReservationReleased(AccountId accountId, String transferId, long amount)
      implements AccountEvent {}

  /** A pending credit was posted, voided or expired. */
  public record AccountCreditReservationReleased(
      AccountId accountId, String transferId, long amount) implements AccountEvent {}
}
