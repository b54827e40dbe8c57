package dev.ledger.core.transfer;

import dev.ledger.core.shared.AccountId;
import java.util.Map;

/**
 * What a client asked a transfer to do. Two requests with the same transfer id are the same request
 * exactly when their specs are equal.
 *
 * @param amount in the asset's minor unit, positive
 * @param pending whether the transfer only holds the amount until it is posted or voided
 * @param timeoutSeconds for a pending transfer, how long until the engine voids it (null: never)
 */
public record TransferSpec(
    AccountId debitAccount,
    AccountId creditAccount,
    long amount,
    String asset,
    String code,
    String reference,
    Map<String, String> metadata,
    boolean pending,
    Long timeoutSeconds) {
  public TransferSpec {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
