package dev.ledger.core.points;

import dev.ledger.core.shared.TransferId;
import java.time.Instant;

/** Commands of the loyalty points program. Amounts are whole points. */
public final class PointsCommands {
  private PointsCommands() {}

  /**
   * Awards points from the issuance account; the user's points account is opened on first use.
   *
   * @param reason why the points are awarded, kept with the transfer
   * @param expiresAt when the award lapses, recorded with it (null: never)
   */
  public record AwardPoints(
      TransferId transferId,
      String userId,
      long amount,
      String reason,
      String reference,
      Instant expiresAt) {}

  /** Spends a user's points into the redemption account; never below zero. */
  public record RedeemPoints(
      TransferId transferId, String userId, long amount, String reason, String reference) {}
}
