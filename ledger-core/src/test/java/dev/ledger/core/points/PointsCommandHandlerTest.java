package dev.ledger.core.points;

import static dev.ledger.core.LedgerFixture.START;
import static dev.ledger.core.shared.Rejection.AMOUNT_MUST_BE_POSITIVE;
import static dev.ledger.core.shared.Rejection.ASSET_MISMATCH;
import static dev.ledger.core.shared.Rejection.ID_CONFLICT;
import static dev.ledger.core.shared.Rejection.INSUFFICIENT_FUNDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.Balance;
import dev.ledger.core.account.Movement;
import dev.ledger.core.points.PointsCommands.AwardPoints;
import dev.ledger.core.points.PointsCommands.RedeemPoints;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import dev.ledger.core.transfer.TransferResult;
import dev.ledger.core.transfer.TransferSpec;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An award moves points from the issuance account (which may go negative) to the user's points
 * account (which may not), opening either the first time it is needed; a redemption moves them on
 * to the redemption account, never below zero. Each is one transfer that takes effect once per id,
 * and a rejected command records nothing, not even the accounts it would have opened.
 */
class PointsCommandHandlerTest {
  private static final String TENANT = "acme";
  private static final AccountId ISSUANCE = AccountId.of(TENANT, "platform:points:issuance");
  private static final AccountId REDEEMED = AccountId.of(TENANT, "platform:points:redeemed");
  private static final AccountId ALICE = AccountId.of(TENANT, "user:alice:points");
  private static final Instant LAPSES_AT = Instant.parse("2027-01-01T00:00:00Z");

  private final LedgerFixture ledger = new LedgerFixture();

  // ---- AwardPoints ---------------------------------------------------------------------------

  @Test
  void opensBothAccountsOnTheFirstAwardAndPostsItFromIssuanceToTheUser() {
    TransferResult result =
        ledger
            .when(award("a1", 100, "signup bonus", null))
            .expectEvents(
                new AccountOpened(ISSUANCE, "POINTS", true, Map.of(), START),
                new AccountOpened(ALICE, "POINTS", false, Map.of(), START),
                new TransferPosted(
                    transferId("a1"),
                    awardSpec("a1", 100, Map.of("reason", "signup bonus")),
                    START),
                new AccountDebited(ISSUANCE, movement("a1", ALICE, 100, "points_award"), -100),
                new AccountCredited(ALICE, movement("a1", ISSUANCE, 100, "points_award"), 100))
            .result(TransferResult.class);

    assertThat(result.created()).isTrue();
    assertThat(result.transfer().spec().code()).isEqualTo(Points.AWARD_CODE);
  }

  @Test
  void recordsWhenAnAwardLapsesWithItsReason() {
    TransferResult result =
        ledger.when(award("a1", 100, "campaign", LAPSES_AT)).result(TransferResult.class);

    assertThat(result.transfer().spec().metadata())
        .isEqualTo(Map.of("reason", "campaign", "expiresAt", "2027-01-01T00:00:00Z"));
  }

  @Test
  void reusesTheAccountsOnASecondAward() {
    ledger.given(award("a1", 100, "signup bonus", null));

    ledger
        .when(award("a2", 50, "referral", null))
        .expectEvents(
            new TransferPosted(
                transferId("a2"), awardSpec("a2", 50, Map.of("reason", "referral")), START),
            new AccountDebited(ISSUANCE, movement("a2", ALICE, 50, "points_award"), -150),
            new AccountCredited(ALICE, movement("a2", ISSUANCE, 50, "points_award"), 150));
  }

  @Test
  void answersARepeatedAwardWithTheTransferAsItIsAndRecordsNothing() {
    ledger.given(award("a1", 100, "signup bonus", null));

    TransferResult repeat =
        ledger
            .when(award("a1", 100, "signup bonus", null))
            .expectNoEvents()
            .result(TransferResult.class);

    assertThat(repeat.created()).isFalse();
    assertThat(repeat.transfer().transferId()).isEqualTo(transferId("a1"));
    assertThat(balance(ALICE)).isEqualTo(new Balance(0, 100, 0, 0));
  }

  @Test
  void rejectsTheSameAwardIdWithAnotherAmountAsAnIdConflict() {
    ledger.given(award("a1", 100, "signup bonus", null));

    ledger.when(award("a1", 101, "signup bonus", null)).expectRejection(ID_CONFLICT);
    assertThat(balance(ALICE)).isEqualTo(new Balance(0, 100, 0, 0));
  }

  @Test
  void rejectsTheSameAwardIdWithAnotherReasonAsAnIdConflict() {
    ledger.given(award("a1", 100, "signup bonus", null));

    ledger.when(award("a1", 100, "referral", null)).expectRejection(ID_CONFLICT);
  }

  @Test
  void rejectsAnAwardOfNothingWithoutOpeningAnyAccount() {
    ledger.when(award("a1", 0, "nothing", null)).expectRejection(AMOUNT_MUST_BE_POSITIVE);

    assertThat(ledger.allEvents()).isEmpty();
  }

  @Test
  void rejectsAnAwardIntoAUserAccountThatHoldsAnotherAsset() {
    ledger.given(new OpenAccount(ALICE, "EUR", false, null));

    ledger.when(award("a1", 100, "signup bonus", null)).expectRejection(ASSET_MISMATCH);
    assertThat(ledger.eventsOf(ISSUANCE)).isEmpty();
  }

  @Test
  void answersWithTheUsersBalanceAfterTheAward() {
    ledger.given(award("a1", 100, "signup bonus", null));

    TransferResult result =
        ledger.when(award("a2", 50, "referral", null)).result(TransferResult.class);

    assertThat(result.balanceOf(ALICE.address())).contains(new Balance(0, 150, 0, 0));
    assertThat(result.balanceOf(ISSUANCE.address())).contains(new Balance(150, 0, 0, 0));
  }

  // ---- RedeemPoints --------------------------------------------------------------------------

  @Test
  void redeemsPointsFromTheUserIntoTheRedemptionAccount() {
    ledger.given(award("a1", 100, "signup bonus", null));

    TransferResult result =
        ledger
            .when(redeem("r1", 30))
            .expectEvents(
                new AccountOpened(REDEEMED, "POINTS", true, Map.of(), START),
                new TransferPosted(transferId("r1"), redemptionSpec(30), START),
                new AccountDebited(ALICE, movement("r1", REDEEMED, 30, "points_redemption"), 70),
                new AccountCredited(REDEEMED, movement("r1", ALICE, 30, "points_redemption"), 30))
            .result(TransferResult.class);

    assertThat(result.created()).isTrue();
    assertThat(result.balanceOf(ALICE.address())).contains(new Balance(30, 100, 0, 0));
    assertThat(result.balanceOf(ALICE.address()).orElseThrow().available()).isEqualTo(70);
  }

  @Test
  void redeemsEverythingTheUserHas() {
    ledger.given(award("a1", 100, "signup bonus", null));

    TransferResult result = ledger.when(redeem("r1", 100)).result(TransferResult.class);

    assertThat(result.balanceOf(ALICE.address()).orElseThrow().available()).isZero();
  }

  @Test
  void rejectsARedemptionBeyondTheUsersPointsAndRecordsNothingNotEvenTheRedemptionAccount() {
    ledger.given(award("a1", 100, "signup bonus", null));

    ledger.when(redeem("r1", 101)).expectRejection(INSUFFICIENT_FUNDS);

    assertThat(ledger.eventsOf(REDEEMED)).isEmpty();
    assertThat(ledger.eventsOf(transferId("r1"))).isEmpty();
    assertThat(balance(ALICE)).isEqualTo(new Balance(0, 100, 0, 0));
  }

  @Test
  void rejectsARedemptionByAUserWithoutPointsAndOpensNoAccount() {
    ledger.when(redeem("r1", 1)).expectRejection(INSUFFICIENT_FUNDS);

    assertThat(ledger.allEvents()).isEmpty();
  }

  @Test
  void aRejectedRedemptionLeavesItsIdFreeForALaterOne() {
    ledger.given(award("a1", 100, "signup bonus", null));
    ledger.when(redeem("r1", 150)).expectRejection(INSUFFICIENT_FUNDS);
    ledger.given(award("a2", 50, "referral", null));

    TransferResult result = ledger.when(redeem("r1", 150)).result(TransferResult.class);

    assertThat(result.created()).isTrue();
    assertThat(result.balanceOf(ALICE.address()).orElseThrow().available()).isZero();
  }

  @Test
  void answersARepeatedRedemptionWithoutSpendingTwice() {
    ledger.given(award("a1", 100, "signup bonus", null), redeem("r1", 30));

    TransferResult repeat =
        ledger.when(redeem("r1", 30)).expectNoEvents().result(TransferResult.class);

    assertThat(repeat.created()).isFalse();
    assertThat(balance(ALICE)).isEqualTo(new Balance(30, 100, 0, 0));
  }

  @Test
  void rejectsTheSameRedemptionIdWithAnotherAmountAsAnIdConflict() {
    ledger.given(award("a1", 100, "signup bonus", null), redeem("r1", 30));

    ledger.when(redeem("r1", 40)).expectRejection(ID_CONFLICT);
    assertThat(balance(ALICE)).isEqualTo(new Balance(30, 100, 0, 0));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static AwardPoints award(String id, long amount, String reason, Instant expiresAt) {
    return new AwardPoints(transferId(id), "alice", amount, reason, "ref-" + id, expiresAt);
  }

  private static RedeemPoints redeem(String id, long amount) {
    return new RedeemPoints(transferId(id), "alice", amount, "gift card", "ref-" + id);
  }

  private static TransferId transferId(String id) {
    return TransferId.of(TENANT, id);
  }

  private static TransferSpec awardSpec(String id, long amount, Map<String, String> metadata) {
    return new TransferSpec(
        ISSUANCE, ALICE, amount, "POINTS", "points_award", "ref-" + id, metadata, false, null);
  }

  private static TransferSpec redemptionSpec(long amount) {
    return new TransferSpec(
        ALICE,
        REDEEMED,
        amount,
        "POINTS",
        "points_redemption",
        "ref-r1",
        Map.of("reason", "gift card"),
        false,
        null);
  }

  /** The movement an account records; the counterparty is the account on the other side. */
  private static Movement movement(String id, AccountId counterparty, long amount, String code) {
    return new Movement(id, counterparty.address(), amount, code, "ref-" + id);
  }

  private Balance balance(AccountId id) {
    return ledger.account(id).balance();
  }
}
