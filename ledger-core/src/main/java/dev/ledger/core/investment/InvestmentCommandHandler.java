package dev.ledger.core.investment;

import dev.ledger.core.investment.InvestmentCommands.ActivateInvestment;
import dev.ledger.core.investment.InvestmentCommands.CreateInvestment;
import dev.ledger.core.investment.InvestmentCommands.ExpireInvestment;
import dev.ledger.core.investment.InvestmentCommands.FailInvestment;
import dev.ledger.core.investment.InvestmentCommands.RefundInvestment;
import dev.ledger.core.points.Points;
import dev.ledger.core.shared.Aggregates;
import dev.ledger.core.shared.LedgerRejection;
import dev.ledger.core.shared.Rejection;
import dev.ledger.core.shared.ResourceId;
import dev.ledger.core.shared.TenantId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.Postings;
import dev.ledger.core.transfer.TransferSpec;
import java.time.Clock;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;

/**
 * Investments. Activation and its points award are one unit of work, so they commit together or not
 * at all; the award's transfer id is derived from the investment, so even a second activation path
 * could not award twice. A full refund reverses the award as far as the user's points allow.
 *
 * <p>Rejections: {@code ID_CONFLICT} for a repeated id with other content, {@code NOT_FOUND} (as
 * {@code INVESTMENT_NOT_FOUND}) for an unknown investment.
 */
public class InvestmentCommandHandler {
  private final Repository<Investment> investments;
  private final Postings postings;
  private final Clock clock;

  public InvestmentCommandHandler(
      Repository<Investment> investments, Postings postings, Clock clock) {
    this.investments = investments;
    this.postings = postings;
    this.clock = clock;
  }

  @CommandHandler
  public InvestmentView handle(CreateInvestment command) throws Exception {
    var existing = Aggregates.find(investments, command.investmentId().toString());
    if (existing.isPresent()) {
      if (!existing.get().invoke(i -> i.isDescribedBy(command))) {
        throw new LedgerRejection(
            Rejection.ID_CONFLICT,
            "investment " + command.investmentId().id() + " exists with other content");
      }
      return view(existing.get(), false);
    }
    return view(investments.newInstance(() -> Investment.create(command, clock.instant())), true);
  }

  @CommandHandler
  public InvestmentView handle(ActivateInvestment command) throws Exception {
    Aggregate<Investment> investment = load(command.investmentId());
    TransferId award = awardTransferId(command.investmentId());
    boolean activated =
        investment.invoke(
            i ->
                i.activate(
                    command.paymentIntentId(),
                    command.amountReceived(),
                    command.currency(),
                    award.id(),
                    clock.instant()));
    if (activated) {
      long points = investment.invoke(Investment::pointsReward);
      if (points > 0) {
        TenantId tenant = command.investmentId().tenant();
        String userId = investment.invoke(Investment::userId);
        postings.openIfMissing(Points.issuance(tenant), Points.ASSET, true);
        postings.openIfMissing(Points.userAccount(tenant, userId), Points.ASSET, false);
        postings.post(
            award,
            new TransferSpec(
                Points.issuance(tenant),
                Points.userAccount(tenant, userId),
                points,
                Points.ASSET,
                Points.AWARD_CODE,
                "investment:" + command.investmentId().id(),
                Map.of("reason", "investment"),
                false,
                null));
      }
    }
    return view(investment, false);
  }

  @CommandHandler
  public InvestmentView handle(FailInvestment command) {
    Aggregate<Investment> investment = load(command.investmentId());
    investment.execute(i -> i.fail(command.reason(), clock.instant()));
    return view(investment, false);
  }

  @CommandHandler
  public InvestmentView handle(ExpireInvestment command) {
    Aggregate<Investment> investment = load(command.investmentId());
    investment.execute(i -> i.expire(clock.instant()));
    return view(investment, false);
  }

  /**
   * Reverses the award of a fully refunded investment. Points the user has already spent cannot
   * come back without taking the account below zero, which it never does: the reversal takes what
   * is left and the event records the shortfall, for the platform to settle.
   */
  @CommandHandler
  public InvestmentView handle(RefundInvestment command) throws Exception {
    Aggregate<Investment> investment = load(command.investmentId());
    if (!investment.invoke(i -> i.refundsFully(command.refundedTotal()))) {
      return view(investment, false);
    }
    TenantId tenant = command.investmentId().tenant();
    long awarded = investment.invoke(Investment::pointsAwarded);
    TransferId reversal =
        TransferId.of(
            tenant.value(),
            ResourceId.engine("investment", command.investmentId().referenceId(), "reversal"));
    long reversed = 0;
    if (awarded > 0) {
      var user = Points.userAccount(tenant, investment.invoke(Investment::userId));
      reversed = Math.min(awarded, Math.max(0, postings.available(user)));
      if (reversed > 0) {
        postings.post(
            reversal,
            new TransferSpec(
                user,
                Points.issuance(tenant),
                reversed,
                Points.ASSET,
                Points.REVERSAL_CODE,
                "investment:" + command.investmentId().id(),
                Map.of("reason", "investment refunded"),
                false,
                null));
      }
    }
    long pointsReversed = reversed;
    investment.execute(
        i ->
            i.refund(
                command.refundedTotal(),
                pointsReversed,
                pointsReversed > 0 ? reversal.id() : null,
                clock.instant()));
    return view(investment, false);
  }

  /** The transfer that carries an investment's points award: one per investment, ever. */
  public static TransferId awardTransferId(InvestmentId investment) {
    return TransferId.of(
        investment.tenant().value(),
        ResourceId.engine("investment", investment.referenceId(), "award"));
  }

  private Aggregate<Investment> load(InvestmentId id) {
    return Aggregates.find(investments, id.toString())
        .orElseThrow(
            () -> new LedgerRejection(Rejection.INVESTMENT_NOT_FOUND, "no investment " + id.id()));
  }

  private static InvestmentView view(Aggregate<Investment> investment, boolean created) {
    return investment.invoke(
        i ->
            new InvestmentView(
                i.investmentIdValue(),
                i.userId(),
                i.paymentIntentId(),
                i.status(),
                created,
                Aggregates.lastEvent(investment)));
  }
}
