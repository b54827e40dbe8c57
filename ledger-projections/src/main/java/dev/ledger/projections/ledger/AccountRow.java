package dev.ledger.projections.ledger;

import java.time.Instant;
import java.util.Map;

/** An account in the balance cache. Amounts in the asset's minor unit. */
public record AccountRow(
    String address,
    String asset,
    boolean allowNegative,
    boolean frozen,
    Map<String, String> metadata,
    long debitsPosted,
    long creditsPosted,
    long debitsPending,
    long creditsPending,
    Instant createdAt,
    long lastPosition) {

  /** Credits minus debits posted. */
  public long posted() {
    return creditsPosted - debitsPosted;
  }

  /** Posted minus pending debits: what the account may still spend. */
  public long available() {
    return posted() - debitsPending;
  }
}
