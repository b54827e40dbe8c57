package dev.ledger.core.account;

import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountCommands.UnfreezeAccount;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import java.time.Clock;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * Opens, freezes and unfreezes accounts. Opening lives here rather than in an aggregate constructor
 * so that a repeat with the same id can be compared with what exists: identical is an answer,
 * different is {@link Rejection#ID_CONFLICT}.
 */
public class AccountCommandHandler {
  private final Repository<Account> accounts;
  private final Clock clock;

  public AccountCommandHandler(Repository<Account> accounts, Clock clock) {
    this.accounts = accounts;
    this.clock = clock;
  }

  @CommandHandler
  public AccountState handle(OpenAccount command) throws Exception {
    var existing = Aggregates.find(accounts, command.accountId().toString());
    if (existing.isPresent()) {
      if (!existing.get().invoke(account -> account.isDescribedBy(command))) {
        throw new LedgerRejection(
            Rejection.ID_CONFLICT,
            "account " + command.accountId().address() + " exists with other content");
      }
      return AccountState.of(existing.get(), false);
    }
    Aggregate<Account> created = accounts.newInstance(() -> Account.open(command, clock));
    return AccountState.of(created, true);
  }

  @CommandHandler
  public AccountState handle(FreezeAccount command) {
    Aggregate<Account> account = load(command.accountId().toString());
    account.execute(a -> a.freeze(command.reason()));
    return AccountState.of(account, false);
  }

  @CommandHandler
  public AccountState handle(UnfreezeAccount command) {
    Aggregate<Account> account = load(command.accountId().toString());
    account.execute(Account::unfreeze);
    return AccountState.of(account, false);
  }

  private Aggregate<Account> load(String id) {
    return Aggregates.find(accounts, id)
        .orElseThrow(() -> new LedgerRejection(Rejection.ACCOUNT_NOT_FOUND, "no account " + id));
  }
}
