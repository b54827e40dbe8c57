package dev.ledger.core.investment;

import static dev.ledger.core.LedgerFixture.START;
import static dev.ledger.core.shared.Rejection.ACCOUNT_FROZEN;
import static dev.ledger.core.shared.Rejection.ID_CONFLICT;
import static dev.ledger.core.shared.Rejection.INVESTMENT_NOT_FOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.Movement;
import dev.ledger.core.investment.InvestmentCommands.ActivateInvestment;
import dev.ledger.core.investment.InvestmentCommands.CreateInvestment;
import dev.ledger.core.investment.InvestmentCommands.ExpireInvestment;
import dev.ledger.core.investment.InvestmentCommands.FailInvestment;
import dev.ledger.core.investment.InvestmentCommands.RefundInvestment;
import dev.ledger.core.investment.InvestmentEvents.InvestmentActivated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentCreated;
import dev.ledger.core.investment.InvestmentEvents.InvestmentExpired;
import dev.ledger.core.investment.InvestmentEvents.InvestmentFailed;
import dev.ledger.core.investment.InvestmentEvents.InvestmentPaymentMismatched;
import dev.ledger.core.investment.InvestmentEvents.InvestmentRefunded;
import dev.ledger.core.points.PointsCommands.AwardPoints;
import dev.ledger.core.points.PointsCommands.RedeemPoints;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import dev.ledger.core.transfer.TransferSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An investment waits for its payment and only a payment of its amount and currency activates it,
 * awarding its points in the same command and never twice; it fails only while pending, expires
 * only while unpaid, and a full refund after activation reverses the award as far as the user's
 * points still allow, recording the shortfall. Every command runs on {@link LedgerFixture}, since
 * activation and refund change the investment, a transfer and two accounts together.
 */
class InvestmentCommandHandlerTest {
  private static final String TENANT = "acme";
  private static final InvestmentId INV = InvestmentId.of(TENANT, "inv-1");
  private static final String REF = INV.referenceId();
  private static final String PI = "pi_1";
  private static final long AMOUNT = 5000;
  private static final long REWARD = 100;
  private static final Instant EXPIRES_AT = START.plus(Duration.ofMinutes(30));
  private static final Duration LATER = Duration.ofMinutes(5);
  private static final Instant NOW = START.plus(LATER);

  private static final AccountId ISSUANCE = AccountId.of(TENANT, "platform:points:issuance");
  private static final AccountId ALICE = AccountId.of(TENANT, "user:alice:points");
  private static final TransferId AWARD =
      TransferId.of(TENANT, "engine:investment:" + REF + ":award");
  private static final TransferId REVERSAL =
      TransferId.of(TENANT, "engine:investment:" + REF + ":reversal");
  private static final String REFERENCE = "investment:inv-1";

  private final LedgerFixture ledger = new LedgerFixture();

  // ---- identity ------------------------------------------------------------------------------

  @Nested
  class Identity {
    @Test
    void aUuidIdIsItsOwnReferenceId() {
      String uuid = "6f1c1d1e-8d52-4c0e-a1f3-6f4f1d2b9a10";

      InvestmentId id = InvestmentId.of(TENANT, uuid);

      assertThat(id.referenceId()).isEqualTo(uuid);
      assertThat(id).hasToString("acme/investment/" + uuid);
    }

    @Test
    void anyOtherIdGetsAUuidDerivedFromTenantAndId() {
      assertThat(UUID.fromString(REF)).hasToString(REF);
      assertThat(REF).isEqualTo(InvestmentId.of(TENANT, "inv-1").referenceId());
      assertThat(InvestmentId.of(TENANT, "inv-2").referenceId()).isNotEqualTo(REF);
      assertThat(InvestmentId.of("globex", "inv-1").referenceId()).isNotEqualTo(REF);
      assertThat(INV).hasToString(InvestmentId.aggregateId(TENANT, REF));
    }
  }

  // ---- CreateInvestment ----------------------------------------------------------------------

  @Test
  void createsAnInvestmentWaitingForItsPaymentUnderItsReferenceId() {
    InvestmentView view =
        ledger.when(create()).expectEvents(created()).result(InvestmentView.class);

    assertThat(view)
        .isEqualTo(
            new InvestmentView(
                INV,
                "alice",
                PI,
                InvestmentStatus.PENDING_PAYMENT,
                true,
                new EventRef("acme/investment/" + REF, 0)));
    assertThat(ledger.eventsOf("acme/investment/" + REF)).containsExactly(created());
  }

  @Test
  void keysAUuidIdedInvestmentByTheIdItself() {
    InvestmentId byUuid = InvestmentId.of(TENANT, "6f1c1d1e-8d52-4c0e-a1f3-6f4f1d2b9a10");

    ledger.given(new CreateInvestment(byUuid, "alice", AMOUNT, "USD", REWARD, PI, EXPIRES_AT));

    assertThat(ledger.eventsOf("acme/investment/6f1c1d1e-8d52-4c0e-a1f3-6f4f1d2b9a10"))
        .singleElement()
        .isInstanceOfSatisfying(
            InvestmentCreated.class,
            event -> assertThat(event.referenceId()).isEqualTo(byUuid.id()));
  }

  @Test
  void answersAnIdenticalRepeatWithTheInvestmentAsItIs() {
    ledger.given(create());

    InvestmentView repeat = ledger.when(create()).expectNoEvents().result(InvestmentView.class);

    assertThat(repeat.created()).isFalse();
    assertThat(repeat.status()).isEqualTo(InvestmentStatus.PENDING_PAYMENT);
  }

  @Test
  void aRepeatWithoutItsPaymentIntentOrWithAnotherExpiryIsTheSameInvestment() {
    // The API repeats a creation without a new PaymentIntent, and its expiry is computed anew.
    ledger.given(create());

    InvestmentView repeat =
        ledger
            .when(
                new CreateInvestment(
                    INV, "alice", AMOUNT, "USD", REWARD, null, EXPIRES_AT.plusSeconds(60)))
            .expectNoEvents()
            .result(InvestmentView.class);

    assertThat(repeat.created()).isFalse();
    assertThat(repeat.paymentIntentId()).isEqualTo(PI);
  }

  static Stream<Arguments> otherContent() {
    return Stream.of(
        Arguments.of(named("another user", createWith("bob", AMOUNT, "USD", REWARD))),
        Arguments.of(named("another amount", createWith("alice", AMOUNT + 1, "USD", REWARD))),
        Arguments.of(named("another currency", createWith("alice", AMOUNT, "EUR", REWARD))),
        Arguments.of(named("another reward", createWith("alice", AMOUNT, "USD", REWARD + 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherContent")
  void rejectsARepeatWithOtherContentAsAnIdConflict(CreateInvestment other) {
    ledger.given(create());

    ledger.when(other).expectRejection(ID_CONFLICT);
  }

  // ---- ActivateInvestment --------------------------------------------------------------------

  @Test
  void activatesOnThePaymentAndAwardsThePointsInTheSameCommand() {
    ledger.given(create());
    ledger.clock().advance(LATER);

    InvestmentView view =
        ledger
            .when(activate(AMOUNT, "usd"))
            .expectEvents(
                new InvestmentActivated(INV, PI, AMOUNT, REWARD, AWARD.id(), NOW),
                new AccountOpened(ISSUANCE, "POINTS", true, Map.of(), NOW),
                new AccountOpened(ALICE, "POINTS", false, Map.of(), NOW),
                new TransferPosted(AWARD, awardSpec(), NOW),
                new AccountDebited(
                    ISSUANCE, movement(AWARD, ALICE, REWARD, "points_award"), -REWARD),
                new AccountCredited(
                    ALICE, movement(AWARD, ISSUANCE, REWARD, "points_award"), REWARD))
            .result(InvestmentView.class);

    assertThat(view.status()).isEqualTo(InvestmentStatus.ACTIVE);
    assertThat(view.created()).isFalse();
    assertThat(pointsOf(ALICE)).isEqualTo(REWARD);
  }

  @Test
  void awardsIntoTheUsersExistingPointsAccount() {
    ledger.given(create(), awardOutsideTheInvestment(40));

    ledger.when(activate(AMOUNT, "USD"));

    assertThat(pointsOf(ALICE)).isEqualTo(40 + REWARD);
    assertThat(ledger.eventsOf(AWARD)).hasSize(1);
  }

  @Test
  void awardsThePointsOnceHoweverOftenThePaymentIsReported() {
    ledger.given(create(), activate(AMOUNT, "usd"));

    InvestmentView repeat =
        ledger.when(activate(AMOUNT, "usd")).expectNoEvents().result(InvestmentView.class);

    assertThat(repeat.status()).isEqualTo(InvestmentStatus.ACTIVE);
    assertThat(pointsOf(ALICE)).isEqualTo(REWARD);
  }

  static Stream<Arguments> mismatchedPayments() {
    return Stream.of(
        Arguments.of(named("too little", AMOUNT - 1), "usd"),
        Arguments.of(named("too much", AMOUNT + 1), "usd"),
        Arguments.of(named("another currency", AMOUNT), "eur"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mismatchedPayments")
  void failsOnAMismatchedPaymentAndNeitherActivatesNorAwards(long received, String currency) {
    ledger.given(create());
    ledger.clock().advance(LATER);

    InvestmentView view =
        ledger
            .when(activate(received, currency))
            .expectEvents(
                new InvestmentPaymentMismatched(INV, PI, AMOUNT, "USD", received, currency, NOW))
            .result(InvestmentView.class);

    assertThat(view.status())
        .as("the PaymentIntent succeeded and will report nothing more: an operator must look")
        .isEqualTo(InvestmentStatus.FAILED);
    assertThat(ledger.eventsOf(AWARD)).isEmpty();
  }

  @Test
  void aMismatchedPaymentDoesNotStopTheRightOneLater() {
    ledger.given(create(), activate(AMOUNT - 1, "usd"));

    ledger
        .when(activate(AMOUNT, "usd"))
        .expectEvents(
            new InvestmentActivated(INV, PI, AMOUNT, REWARD, AWARD.id(), START),
            new AccountOpened(ISSUANCE, "POINTS", true, Map.of(), START),
            new AccountOpened(ALICE, "POINTS", false, Map.of(), START),
            new TransferPosted(AWARD, awardSpec(), START),
            new AccountDebited(ISSUANCE, movement(AWARD, ALICE, REWARD, "points_award"), -REWARD),
            new AccountCredited(ALICE, movement(AWARD, ISSUANCE, REWARD, "points_award"), REWARD));
  }

  @Test
  void activatesAfterAFailedAttemptWhenARetryPays() {
    ledger.given(create(), new FailInvestment(INV, "card_declined"));

    InvestmentView view = ledger.when(activate(AMOUNT, "usd")).result(InvestmentView.class);

    assertThat(view.status()).isEqualTo(InvestmentStatus.ACTIVE);
    assertThat(pointsOf(ALICE)).isEqualTo(REWARD);
  }

  @Test
  void activatesOnAPaymentThatArrivesAfterTheExpiry() {
    ledger.given(create(), new ExpireInvestment(INV));

    InvestmentView view = ledger.when(activate(AMOUNT, "usd")).result(InvestmentView.class);

    assertThat(view.status()).isEqualTo(InvestmentStatus.ACTIVE);
    assertThat(pointsOf(ALICE)).isEqualTo(REWARD);
  }

  @Test
  void activatesWithoutATransferWhenThereAreNoPointsToAward() {
    ledger.given(new CreateInvestment(INV, "alice", AMOUNT, "USD", 0, PI, EXPIRES_AT));

    var outcome = ledger.when(activate(AMOUNT, "usd"));

    assertThat(outcome.result(InvestmentView.class).status()).isEqualTo(InvestmentStatus.ACTIVE);
    assertThat(outcome.events())
        .singleElement()
        .isInstanceOfSatisfying(
            InvestmentActivated.class, event -> assertThat(event.pointsAwarded()).isZero());
    assertThat(ledger.eventsOf(AWARD)).isEmpty();
    assertThat(ledger.eventsOf(ALICE)).isEmpty();
  }

  @Test
  void anAwardThatCannotBePostedLeavesTheInvestmentUnpaid() {
    // activation and its award commit together or not at all
    ledger.given(
        create(), new OpenAccount(ALICE, "POINTS", false, null), new FreezeAccount(ALICE, "audit"));

    ledger.when(activate(AMOUNT, "usd")).expectRejection(ACCOUNT_FROZEN);

    assertThat(ledger.eventsOf(INV)).containsExactly(created());
  }

  // ---- FailInvestment ------------------------------------------------------------------------

  @Test
  void failsAPendingInvestment() {
    ledger.given(create());
    ledger.clock().advance(LATER);

    InvestmentView view =
        ledger
            .when(new FailInvestment(INV, "card_declined"))
            .expectEvents(new InvestmentFailed(INV, "card_declined", NOW))
            .result(InvestmentView.class);

    assertThat(view.status()).isEqualTo(InvestmentStatus.FAILED);
  }

  static Stream<Arguments> notPending() {
    return Stream.of(
        Arguments.of(named("failed", new Object[] {new FailInvestment(INV, "first")})),
        Arguments.of(named("active", new Object[] {activate(AMOUNT, "usd")})),
        Arguments.of(named("expired", new Object[] {new ExpireInvestment(INV)})),
        Arguments.of(
            named(
                "refunded",
                new Object[] {activate(AMOUNT, "usd"), new RefundInvestment(INV, AMOUNT)})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notPending")
  void failsNothingButAPendingInvestment(Object[] history) {
    ledger.given(create()).given(history);

    ledger.when(new FailInvestment(INV, "card_declined")).expectNoEvents();
  }

  // ---- ExpireInvestment ----------------------------------------------------------------------

  @Test
  void expiresAPendingInvestment() {
    ledger.given(create());
    ledger.clock().advance(LATER);

    InvestmentView view =
        ledger
            .when(new ExpireInvestment(INV))
            .expectEvents(new InvestmentExpired(INV, NOW))
            .result(InvestmentView.class);

    assertThat(view.status()).isEqualTo(InvestmentStatus.EXPIRED);
  }

  @Test
  void expiresAnInvestmentWhosePaymentFailed() {
    ledger.given(create(), new FailInvestment(INV, "card_declined"));

    ledger.when(new ExpireInvestment(INV)).expectEvents(new InvestmentExpired(INV, START));
  }

  @Test
  void neverExpiresAnActiveInvestment() {
    ledger.given(create(), activate(AMOUNT, "usd"));

    InvestmentView view =
        ledger.when(new ExpireInvestment(INV)).expectNoEvents().result(InvestmentView.class);

    assertThat(view.status()).isEqualTo(InvestmentStatus.ACTIVE);
  }

  @Test
  void expiresOnce() {
    ledger.given(create(), new ExpireInvestment(INV));

    ledger.when(new ExpireInvestment(INV)).expectNoEvents();
  }

  // ---- RefundInvestment ----------------------------------------------------------------------

  @Test
  void aFullRefundReversesTheAward() {
    ledger.given(create(), activate(AMOUNT, "usd"));
    ledger.clock().advance(LATER);

    InvestmentView view =
        ledger
            .when(new RefundInvestment(INV, AMOUNT))
            .expectEvents(
                new TransferPosted(REVERSAL, reversalSpec(REWARD), NOW),
                new AccountDebited(
                    ALICE, movement(REVERSAL, ISSUANCE, REWARD, "points_reversal"), 0),
                new AccountCredited(
                    ISSUANCE, movement(REVERSAL, ALICE, REWARD, "points_reversal"), 0),
                new InvestmentRefunded(INV, AMOUNT, REWARD, 0, REVERSAL.id(), NOW))
            .result(InvestmentView.class);

    assertThat(view.status()).isEqualTo(InvestmentStatus.REFUNDED);
    assertThat(pointsOf(ALICE)).isZero();
  }

  @Test
  void reversesOnlyThePointsTheUserStillHasAndRecordsTheShortfall() {
    ledger.given(
        create(),
        activate(AMOUNT, "usd"),
        new RedeemPoints(TransferId.of(TENANT, "r1"), "alice", 30, "gift card", null));

    ledger
        .when(new RefundInvestment(INV, AMOUNT))
        .expectEvents(
            new TransferPosted(REVERSAL, reversalSpec(70), START),
            new AccountDebited(ALICE, movement(REVERSAL, ISSUANCE, 70, "points_reversal"), 0),
            new AccountCredited(ISSUANCE, movement(REVERSAL, ALICE, 70, "points_reversal"), -30),
            new InvestmentRefunded(INV, AMOUNT, 70, 30, REVERSAL.id(), START));

    assertThat(pointsOf(ALICE)).isZero();
  }

  @Test
  void recordsTheWholeAwardAsShortfallWhenTheUserSpentItAll() {
    ledger.given(
        create(),
        activate(AMOUNT, "usd"),
        new RedeemPoints(TransferId.of(TENANT, "r1"), "alice", REWARD, "gift card", null));

    ledger
        .when(new RefundInvestment(INV, AMOUNT))
        .expectEvents(new InvestmentRefunded(INV, AMOUNT, 0, REWARD, null, START));

    assertThat(ledger.eventsOf(REVERSAL)).isEmpty();
  }

  @Test
  void reversesNoMoreThanTheAwardWhenTheUserHasOtherPoints() {
    ledger.given(create(), activate(AMOUNT, "usd"), awardOutsideTheInvestment(40));

    ledger.when(new RefundInvestment(INV, AMOUNT));

    assertThat(pointsOf(ALICE)).isEqualTo(40);
  }

  @Test
  void aFullRefundOfAnInvestmentWithoutPointsReversesNothing() {
    ledger.given(
        new CreateInvestment(INV, "alice", AMOUNT, "USD", 0, PI, EXPIRES_AT),
        activate(AMOUNT, "usd"));

    ledger
        .when(new RefundInvestment(INV, AMOUNT))
        .expectEvents(new InvestmentRefunded(INV, AMOUNT, 0, 0, null, START));
  }

  @Test
  void aPartialRefundChangesNothingUntilTheRefundIsFull() {
    ledger.given(create(), activate(AMOUNT, "usd"));

    InvestmentView view =
        ledger
            .when(new RefundInvestment(INV, AMOUNT - 1))
            .expectNoEvents()
            .result(InvestmentView.class);
    assertThat(view.status()).isEqualTo(InvestmentStatus.ACTIVE);
    assertThat(pointsOf(ALICE)).isEqualTo(REWARD);

    ledger
        .when(new RefundInvestment(INV, AMOUNT))
        .expectEvents(
            new TransferPosted(REVERSAL, reversalSpec(REWARD), START),
            new AccountDebited(ALICE, movement(REVERSAL, ISSUANCE, REWARD, "points_reversal"), 0),
            new AccountCredited(ISSUANCE, movement(REVERSAL, ALICE, REWARD, "points_reversal"), 0),
            new InvestmentRefunded(INV, AMOUNT, REWARD, 0, REVERSAL.id(), START));
  }

  @Test
  void refundsOnce() {
    ledger.given(create(), activate(AMOUNT, "usd"), new RefundInvestment(INV, AMOUNT));

    ledger.when(new RefundInvestment(INV, AMOUNT)).expectNoEvents();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("neverActivated")
  void refundsNothingOfAnInvestmentThatWasNeverActivated(Object[] history) {
    ledger.given(create()).given(history);

    ledger.when(new RefundInvestment(INV, AMOUNT)).expectNoEvents();
  }

  static Stream<Arguments> neverActivated() {
    return Stream.of(
        Arguments.of(named("pending", new Object[] {})),
        Arguments.of(named("failed", new Object[] {new FailInvestment(INV, "card_declined")})),
        Arguments.of(named("expired", new Object[] {new ExpireInvestment(INV)})));
  }

  @Test
  void aPaymentReportedAfterTheRefundActivatesNothing() {
    ledger.given(create(), activate(AMOUNT, "usd"), new RefundInvestment(INV, AMOUNT));

    ledger.when(activate(AMOUNT, "usd")).expectNoEvents();
    assertThat(pointsOf(ALICE)).isZero();
  }

  // ---- unknown investments -------------------------------------------------------------------

  static Stream<Arguments> commandsForAnUnknownInvestment() {
    return Stream.of(
        Arguments.of(named("ActivateInvestment", activate(AMOUNT, "usd"))),
        Arguments.of(named("FailInvestment", new FailInvestment(INV, "card_declined"))),
        Arguments.of(named("ExpireInvestment", new ExpireInvestment(INV))),
        Arguments.of(named("RefundInvestment", new RefundInvestment(INV, AMOUNT))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandsForAnUnknownInvestment")
  void rejectsACommandForAnUnknownInvestment(Object command) {
    ledger.when(command).expectRejection(INVESTMENT_NOT_FOUND);
  }

  @Test
  void anInvestmentOfAnotherTenantIsAnotherInvestment() {
    ledger.given(create());

    ledger
        .when(new ExpireInvestment(InvestmentId.of("globex", "inv-1")))
        .expectRejection(INVESTMENT_NOT_FOUND);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static CreateInvestment create() {
    return createWith("alice", AMOUNT, "USD", REWARD);
  }

  private static CreateInvestment createWith(
      String userId, long amount, String currency, long reward) {
    return new CreateInvestment(INV, userId, amount, currency, reward, PI, EXPIRES_AT);
  }

  private static InvestmentCreated created() {
    return new InvestmentCreated(INV, REF, "alice", AMOUNT, "USD", REWARD, PI, START, EXPIRES_AT);
  }

  private static ActivateInvestment activate(long received, String currency) {
    return new ActivateInvestment(INV, PI, received, currency);
  }

  private static AwardPoints awardOutsideTheInvestment(long amount) {
    return new AwardPoints(TransferId.of(TENANT, "bonus"), "alice", amount, "bonus", null, null);
  }

  private static TransferSpec awardSpec() {
    return new TransferSpec(
        ISSUANCE,
        ALICE,
        REWARD,
        "POINTS",
        "points_award",
        REFERENCE,
        Map.of("reason", "investment"),
        false,
        null);
  }

  private static TransferSpec reversalSpec(long points) {
    return new TransferSpec(
        ALICE,
        ISSUANCE,
        points,
        "POINTS",
        "points_reversal",
        REFERENCE,
        Map.of("reason", "investment refunded"),
        false,
        null);
  }

  private static Movement movement(
      TransferId transfer, AccountId counterparty, long amount, String code) {
    return new Movement(transfer.id(), counterparty.address(), amount, code, REFERENCE);
  }

  private long pointsOf(AccountId account) {
    return ledger.account(account).balance().available();
  }
}
