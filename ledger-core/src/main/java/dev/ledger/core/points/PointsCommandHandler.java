package dev.ledger.core.points;

import dev.ledger.core.points.PointsCommands.AwardPoints;
import dev.ledger.core.points.PointsCommands.RedeemPoints;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.transfer.Postings;
import dev.ledger.core.transfer.TransferResult;
import dev.ledger.core.transfer.TransferSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;

/**
 * Awards and redemptions. Each is one transfer, posted in the same unit of work that opens the
 * accounts it needs, so a failed redemption leaves no account behind either.
 *
 * <p>Rejections: those of {@link Postings#post}, notably {@code INSUFFICIENT_FUNDS} for a
 * redemption beyond the user's points and {@code ID_CONFLICT} for a reused id.
 */
public class PointsCommandHandler {
  private final Postings postings;

  public PointsCommandHandler(Postings postings) {
    this.postings = postings;
  }

  @CommandHandler
  public TransferResult handle(AwardPoints command) throws Exception {
    TenantId tenant = command.transferId().tenant();
    postings.openIfMissing(Points.issuance(tenant), Points.ASSET, true);
    postings.openIfMissing(Points.userAccount(tenant, command.userId()), Points.ASSET, false);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("reason", command.reason());
    if (command.expiresAt() != null) {
      metadata.put("expiresAt", command.expiresAt().toString());
    }
    return postings.post(
        command.transferId(),
        new TransferSpec(
            Points.issuance(tenant),
            Points.userAccount(tenant, command.userId()),
            command.amount(),
            Points.ASSET,
            Points.AWARD_CODE,
            command.reference(),
            metadata,
            false,
            null));
  }

  @CommandHandler
  public TransferResult handle(RedeemPoints command) throws Exception {
    TenantId tenant = command.transferId().tenant();
    postings.openIfMissing(Points.userAccount(tenant, command.userId()), Points.ASSET, false);
    postings.openIfMissing(Points.redeemed(tenant), Points.ASSET, true);
    // never below zero, even if the account was opened by hand with allowNegative
    return postings.postNeverBelowZero(
        command.transferId(),
        new TransferSpec(
            Points.userAccount(tenant, command.userId()),
            Points.redeemed(tenant),
            command.amount(),
            Points.ASSET,
            Points.REDEMPTION_CODE,
            command.reference(),
            Map.of("reason", command.reason()),
            false,
            null));
  }
}
