package dev.ledger.core.account;

import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.EventRef;
import java.util.Map;

/**
 * An account as a command left it: the answer to {@code OpenAccount}, {@code FreezeAccount} and
 * {@code UnfreezeAccount}.
 *
 * @param created whether this command opened the account (false for an identical repeat)
 * @param lastEvent the account's latest event, whose position the client may wait for
 */
public record AccountState(
    AccountId accountId,
    String asset,
    boolean allowNegative,
    boolean frozen,
    Map<String, String> metadata,
    Balance balance,
    java.time.Instant openedAt,
    boolean created,
    EventRef lastEvent) {

  static AccountState of(
      org.axonframework.modelling.command.Aggregate<Account> aggregate, boolean created) {
    return aggregate.invoke(
        account ->
            new AccountState(
                account.accountId(),
                account.asset(),
                account.allowsNegative(),
                account.isFrozen(),
                account.metadata(),
                account.balance(),
                account.openedAt(),
                created,
                dev.ledger.core.shared.Aggregates.lastEvent(aggregate)));
  }
}
