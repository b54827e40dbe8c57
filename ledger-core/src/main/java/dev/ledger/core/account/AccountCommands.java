package dev.ledger.core.account;

import dev.ledger.core.shared.AccountId;
import java.util.Map;

/** Commands addressed to one account. */
public final class AccountCommands {
  private AccountCommands() {}

  /**
   * Opens an account. Repeating it with the same content answers with the account as it is;
   * different content is {@code ID_CONFLICT}.
   */
  public record OpenAccount(
      AccountId accountId, String asset, boolean allowNegative, Map<String, String> metadata) {
    public OpenAccount {
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }

  /** Stops every movement into or out of the account until it is unfrozen. */
  public record FreezeAccount(AccountId accountId, String reason) {}

  public record UnfreezeAccount(AccountId accountId) {}
}
