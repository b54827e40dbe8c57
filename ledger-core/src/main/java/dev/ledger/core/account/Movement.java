package dev.ledger.core.account;

/**
 * One side of a posting as an account sees it.
 *
 * @param transferId the transfer or journal entry that moves the value (its id, without tenant)
 * @param counterparty the address of the account on the other side
 * @param amount how much moves, in the asset's minor unit, always positive
 * @param code the client's classification of the movement, or null
 * @param reference the client's reference, or null
 */
public record Movement(
    String transferId, String counterparty, long amount, String code, String reference) {
  public Movement {
    if (amount <= 0) {
      throw new IllegalArgumentException("a movement's amount is positive");
    }
  }
}
