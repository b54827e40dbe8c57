package dev.ledger.core.transfer;

import dev.ledger.core.shared.EventRef;
import java.util.List;

/**
 * The answer to a transfer command.
 *
 * @param created whether this command created the transfer (false for an identical repeat)
 * @param events the latest event of every aggregate the command touched (or, for a repeat, of the
 *     transfer), so the caller can tell the position its effects are visible from
 * @param balances the balances of the accounts the command changed, by address, as it left them
 */
public record TransferResult(
    TransferView transfer,
    boolean created,
    List<EventRef> events,
    java.util.Map<String, dev.ledger.core.account.Balance> balances) {
  /** The balance the command left on an account it touched, if it touched it. */
  public java.util.Optional<dev.ledger.core.account.Balance> balanceOf(String address) {
    return java.util.Optional.ofNullable(balances.get(address));
  }
}
