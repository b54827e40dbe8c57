package dev.ledger.core.coins;

import static dev.ledger.core.LedgerFixture.START;
import static dev.ledger.core.shared.Rejection.AMOUNT_MUST_BE_POSITIVE;
import static dev.ledger.core.shared.Rejection.ASSET_MISMATCH;
import static dev.ledger.core.shared.Rejection.COIN_PURCHASE_NOT_FOUND;
import static dev.ledger.core.shared.Rejection.ID_CONFLICT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.Movement;
import dev.ledger.core.coins.CoinPurchaseCommands.ChargeBackCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ConfirmCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.CreateCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ExpireCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.FailCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.RefundCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseChargedBack;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseConfirmed;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreated;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseCreditRefused;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseExpired;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseFailed;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchasePaymentMismatched;
import dev.ledger.core.coins.CoinPurchaseEvents.CoinPurchaseRefunded;
import dev.ledger.core.coins.GiftCommands.SendGift;
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
 * A coin purchase waits for its payment, and only a payment of its price and currency confirms it,
 * issuing its coins from {@code platform:coins:issuance} in the same command and never twice. A
 * refund takes the coins back in proportion to the money refunded, a dispute takes back all that is
 * left, and whatever the user no longer has is posted from the user's shortfall account (ADR 0021),
 * which the user's next purchase settles first. Every command runs on {@link LedgerFixture}, and
 * after each the coins of all accounts still sum to zero.
 */
class CoinPurchaseCommandHandlerTest {
  private static final String TENANT = "acme";
  private static final CoinPurchaseId PURCHASE = CoinPurchaseId.of(TENANT, "cp-1");
  private static final String REF = PURCHASE.referenceId();
  private static final String PI = "pi_1";
  private static final long COINS = 300;
  private static final long PRICE = 1000;
  private static final Instant EXPIRES_AT = START.plus(Duration.ofHours(24));

  private static final AccountId ISSUANCE = AccountId.of(TENANT, "platform:coins:issuance");
  private static final AccountId ALICE = AccountId.of(TENANT, "user:alice:coins");
  private static final AccountId ALICE_SHORTFALL =
      AccountId.of(TENANT, "user:alice:coins:shortfall");
  private static final TransferId CREDIT =
      TransferId.of(TENANT, "engine:coin-purchase:" + REF + ":credit");
  private static final String REFERENCE = "coin-purchase:cp-1";

  private final LedgerFixture ledger = new LedgerFixture();

  // ---- identity ------------------------------------------------------------------------------

  @Nested
  class Identity {
    @Test
    void aUuidIdIsItsOwnReferenceId() {
      String uuid = "6f1c1d1e-8d52-4c0e-a1f3-6f4f1d2b9a10";

      CoinPurchaseId id = CoinPurchaseId.of(TENANT, uuid.toUpperCase());

      assertThat(id.referenceId()).isEqualTo(uuid);
      assertThat(id).hasToString("acme/coin-purchase/" + uuid);
    }

    @Test
    void anyOtherIdGetsAUuidDerivedFromTenantAndId() {
      assertThat(UUID.fromString(REF)).hasToString(REF);
      assertThat(CoinPurchaseId.of(TENANT, "cp-2").referenceId()).isNotEqualTo(REF);
      assertThat(CoinPurchaseId.of("globex", "cp-1").referenceId()).isNotEqualTo(REF);
      assertThat(PURCHASE).hasToString(CoinPurchaseId.aggregateId(TENANT, REF));
    }
  }

  // ---- CreateCoinPurchase --------------------------------------------------------------------

  @Test
  void createsAPurchaseWaitingForItsPayment() {
    CoinPurchaseView view =
        ledger.when(create()).expectEvents(created()).result(CoinPurchaseView.class);

    assertThat(view)
        .isEqualTo(
            new CoinPurchaseView(
                PURCHASE,
                "alice",
                COINS,
                PRICE,
                "USD",
                PI,
                CoinPurchaseStatus.PENDING,
                true,
                new EventRef(PURCHASE.toString(), 0)));
    assertThat(ledger.eventsOf(ALICE)).as("no account before the payment").isEmpty();
  }

  @Test
  void answersAnIdenticalRepeatWithoutItsPaymentIntentWithThePurchaseAsItIs() {
    ledger.given(create());

    CoinPurchaseView repeat =
        ledger
            .when(
                new CreateCoinPurchase(
                    PURCHASE, "alice", COINS, PRICE, "USD", null, EXPIRES_AT.plusSeconds(9)))
            .expectNoEvents()
            .result(CoinPurchaseView.class);

    assertThat(repeat.created()).isFalse();
    assertThat(repeat.paymentIntentId()).isEqualTo(PI);
  }

  static Stream<Arguments> otherContent() {
    return Stream.of(
        Arguments.of(named("another user", createWith("bob", COINS, PRICE, "USD"))),
        Arguments.of(named("other coins", createWith("alice", COINS + 1, PRICE, "USD"))),
        Arguments.of(named("another price", createWith("alice", COINS, PRICE + 1, "USD"))),
        Arguments.of(named("another currency", createWith("alice", COINS, PRICE, "EUR"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherContent")
  void rejectsARepeatWithOtherContentAsAnIdConflict(CreateCoinPurchase other) {
    ledger.given(create());

    ledger.when(other).expectRejection(ID_CONFLICT);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void rejectsCoinsOrAPriceThatAreNotPositive(long amount) {
    ledger.when(createWith("alice", amount, PRICE, "USD")).expectRejection(AMOUNT_MUST_BE_POSITIVE);
    ledger.when(createWith("alice", COINS, amount, "USD")).expectRejection(AMOUNT_MUST_BE_POSITIVE);
  }

  @Test
  void refusesAPurchaseWhoseCoinsAccountHoldsAnotherAsset() {
    ledger.given(new OpenAccount(ALICE, "POINTS", false, null));

    ledger.when(create()).expectRejection(ASSET_MISMATCH);
  }

  // ---- ConfirmCoinPurchase -------------------------------------------------------------------

  @Test
  void confirmsOnThePaymentAndIssuesTheCoinsInTheSameCommand() {
    ledger.given(create());

    CoinPurchaseView view =
        ledger
            .when(confirm(PRICE, "usd"))
            .expectEvents(
                new AccountOpened(ISSUANCE, "COINS", true, Map.of(), START),
                new AccountOpened(ALICE, "COINS", false, Map.of(), START),
                new TransferPosted(
                    CREDIT, spec(ISSUANCE, ALICE, COINS, "coin_purchase", "purchase"), START),
                new AccountDebited(
                    ISSUANCE, movement(CREDIT, ALICE, COINS, "coin_purchase"), -COINS),
                new AccountCredited(
                    ALICE, movement(CREDIT, ISSUANCE, COINS, "coin_purchase"), COINS),
                new CoinPurchaseConfirmed(PURCHASE, PI, PRICE, COINS, 0, CREDIT.id(), null, START))
            .result(CoinPurchaseView.class);

    assertThat(view.status()).isEqualTo(CoinPurchaseStatus.CONFIRMED);
    assertThat(coinsOf(ALICE)).isEqualTo(COINS);
    assertThat(ledger.sumOfBalances("COINS")).isZero();
  }

  @Test
  void issuesTheCoinsOnceHoweverOftenThePaymentIsReported() {
    ledger.given(create(), confirm(PRICE, "usd"));

    ledger.when(confirm(PRICE, "usd")).expectNoEvents();

    assertThat(coinsOf(ALICE)).isEqualTo(COINS);
  }

  static Stream<Arguments> mismatchedPayments() {
    return Stream.of(
        Arguments.of(named("too little", PRICE - 1), "usd"),
        Arguments.of(named("too much", PRICE + 1), "usd"),
        Arguments.of(named("another currency", PRICE), "eur"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mismatchedPayments")
  void failsOnAMismatchedPaymentAndIssuesNothingThenOrLater(long received, String currency) {
    ledger.given(create());

    CoinPurchaseView view =
        ledger
            .when(confirm(received, currency))
            .expectEvents(
                new CoinPurchasePaymentMismatched(
                    PURCHASE, PI, PRICE, "USD", received, currency, START))
            .result(CoinPurchaseView.class);

    assertThat(view.status()).isEqualTo(CoinPurchaseStatus.FAILED);
    ledger.when(confirm(PRICE, "usd")).expectNoEvents();
    ledger.when(new ExpireCoinPurchase(PURCHASE)).expectNoEvents();
    assertThat(ledger.eventsOf(CREDIT)).isEmpty();
  }

  @Test
  void confirmsAfterAFailedAttemptWhenARetryPays() {
    ledger.given(create(), new FailCoinPurchase(PURCHASE, "card_declined"));

    var view = ledger.when(confirm(PRICE, "usd")).result(CoinPurchaseView.class);

    assertThat(view.status()).isEqualTo(CoinPurchaseStatus.CONFIRMED);
    assertThat(coinsOf(ALICE)).isEqualTo(COINS);
  }

  @Test
  void confirmsAPaymentThatArrivesAfterTheExpiry() {
    ledger.given(create(), new ExpireCoinPurchase(PURCHASE));

    var view = ledger.when(confirm(PRICE, "usd")).result(CoinPurchaseView.class);

    assertThat(view.status()).isEqualTo(CoinPurchaseStatus.CONFIRMED);
    assertThat(coinsOf(ALICE)).isEqualTo(COINS);
  }

  @Test
  void aPaymentIntoAFrozenCoinsAccountIsRefusedAndNothingIsIssued() {
    ledger.given(
        create(), new OpenAccount(ALICE, "COINS", false, null), new FreezeAccount(ALICE, "audit"));

    CoinPurchaseView view =
        ledger
            .when(confirm(PRICE, "usd"))
            .expectEvents(
                new AccountOpened(ISSUANCE, "COINS", true, Map.of(), START),
                new CoinPurchaseCreditRefused(
                    PURCHASE, PI, PRICE, "account user:alice:coins is frozen", START))
            .result(CoinPurchaseView.class);

    assertThat(view.status()).isEqualTo(CoinPurchaseStatus.FAILED);
    assertThat(coinsOf(ALICE)).isZero();
    ledger.when(confirm(PRICE, "usd")).expectNoEvents();
  }

  @Nested
  class AWhale {
    private final CoinPurchaseId whaleBuys = CoinPurchaseId.of(TENANT, "whale-1");
    private final CoinPurchaseId whaleAgain = CoinPurchaseId.of(TENANT, "whale-2");
    private final CoinPurchaseId minnow = CoinPurchaseId.of(TENANT, "minnow-1");
    private final AccountId whale = AccountId.of(TENANT, "user:whale:coins");

    @Test
    void holdsNineQuintillionCoinsAndCannotWrapPastThem() {
      long nineQuintillion = 9_000_000_000_000_000_000L;
      ledger.given(
          new CreateCoinPurchase(
              whaleBuys, "whale", nineQuintillion, PRICE, "USD", "pi_w1", EXPIRES_AT),
          new ConfirmCoinPurchase(whaleBuys, "pi_w1", PRICE, "USD"));
      assertThat(coinsOf(whale)).isEqualTo(nineQuintillion);

      // 9e18 + 9e18 would pass 2^63 - 1 on the whale's account and on the issuance account
      ledger.given(
          new CreateCoinPurchase(
              whaleAgain, "whale", nineQuintillion, PRICE, "USD", "pi_w2", EXPIRES_AT));
      CoinPurchaseView refused =
          ledger
              .when(new ConfirmCoinPurchase(whaleAgain, "pi_w2", PRICE, "USD"))
              .expectEvents(
                  new CoinPurchaseCreditRefused(
                      whaleAgain,
                      "pi_w2",
                      PRICE,
                      "the balance of platform:coins:issuance would overflow 64 bits",
                      START))
              .result(CoinPurchaseView.class);
      assertThat(refused.status()).isEqualTo(CoinPurchaseStatus.FAILED);

      // so would a small purchase by anyone else, since the issuance account holds every coin sold
      ledger.given(
          new CreateCoinPurchase(
              minnow,
              "minnow",
              Long.MAX_VALUE - nineQuintillion + 1,
              PRICE,
              "USD",
              "pi_m",
              EXPIRES_AT));
      ledger
          .when(new ConfirmCoinPurchase(minnow, "pi_m", PRICE, "USD"))
          .expectEvents(
              new AccountOpened(
                  AccountId.of(TENANT, "user:minnow:coins"), "COINS", false, Map.of(), START),
              new CoinPurchaseCreditRefused(
                  minnow,
                  "pi_m",
                  PRICE,
                  "the balance of platform:coins:issuance would overflow 64 bits",
                  START));

      assertThat(coinsOf(whale)).isEqualTo(nineQuintillion);
      assertThat(ledger.sumOfBalances("COINS")).isZero();
    }

    @Test
    void refundsAWhaleExactlyWithoutOverflowingTheProportion() {
      long coins = Long.MAX_VALUE;
      ledger.given(
          new CreateCoinPurchase(
              whaleBuys, "whale", coins, Long.MAX_VALUE, "USD", "pi_w1", EXPIRES_AT),
          new ConfirmCoinPurchase(whaleBuys, "pi_w1", Long.MAX_VALUE, "USD"),
          new RefundCoinPurchase(whaleBuys, Long.MAX_VALUE / 2));

      assertThat(coinsOf(whale)).isEqualTo(coins - coins / 2);

      ledger.given(new RefundCoinPurchase(whaleBuys, Long.MAX_VALUE));
      assertThat(coinsOf(whale)).isZero();
      assertThat(ledger.sumOfBalances("COINS")).isZero();
    }
  }

  // ---- FailCoinPurchase and ExpireCoinPurchase -----------------------------------------------

  @Test
  void failsAPendingPurchaseOnly() {
    ledger.given(create());

    ledger
        .when(new FailCoinPurchase(PURCHASE, "card_declined"))
        .expectEvents(new CoinPurchaseFailed(PURCHASE, "card_declined", START));
    ledger.when(new FailCoinPurchase(PURCHASE, "again")).expectNoEvents();
  }

  @Test
  void expiresAPendingOrFailedPurchaseOnce() {
    ledger.given(create(), new FailCoinPurchase(PURCHASE, "card_declined"));

    ledger.when(new ExpireCoinPurchase(PURCHASE)).expectEvents(expired());
    ledger.when(new ExpireCoinPurchase(PURCHASE)).expectNoEvents();
  }

  @Test
  void neverExpiresAConfirmedPurchase() {
    ledger.given(create(), confirm(PRICE, "usd"));

    ledger.when(new ExpireCoinPurchase(PURCHASE)).expectNoEvents();
    ledger.when(new FailCoinPurchase(PURCHASE, "late")).expectNoEvents();
  }

  // ---- RefundCoinPurchase --------------------------------------------------------------------

  @Nested
  class Refunds {
    private final TransferId refund = clawback("refund:" + PRICE);

    @Test
    void aFullRefundTakesEveryCoinBack() {
      ledger.given(create(), confirm(PRICE, "usd"));

      CoinPurchaseView view =
          ledger
              .when(new RefundCoinPurchase(PURCHASE, PRICE))
              .expectEvents(
                  new TransferPosted(
                      refund,
                      spec(ALICE, ISSUANCE, COINS, "coin_clawback", "purchase refunded"),
                      START),
                  new AccountDebited(ALICE, movement(refund, ISSUANCE, COINS, "coin_clawback"), 0),
                  new AccountCredited(ISSUANCE, movement(refund, ALICE, COINS, "coin_clawback"), 0),
                  new CoinPurchaseRefunded(
                      PURCHASE, PRICE, true, COINS, COINS, 0, refund.id(), null, START))
              .result(CoinPurchaseView.class);

      assertThat(view.status()).isEqualTo(CoinPurchaseStatus.REFUNDED);
      assertThat(coinsOf(ALICE)).isZero();
      assertThat(ledger.eventsOf(ALICE_SHORTFALL)).as("nothing owed, no account").isEmpty();
    }

    @Test
    void partialRefundsTakeBackTheirShareRoundedDownAndAddUpToEveryCoin() {
      ledger.given(create(), confirm(PRICE, "usd"));

      // 300 coins for 1000: 100 refunded is 30 coins; 333 is 99.9, so 99 in all; 1000 is all
      ledger
          .when(new RefundCoinPurchase(PURCHASE, 100))
          .expectEvents(
              new TransferPosted(
                  clawback("refund:100"),
                  spec(ALICE, ISSUANCE, 30, "coin_clawback", "purchase refunded"),
                  START),
              new AccountDebited(
                  ALICE, movement(clawback("refund:100"), ISSUANCE, 30, "coin_clawback"), 270),
              new AccountCredited(
                  ISSUANCE, movement(clawback("refund:100"), ALICE, 30, "coin_clawback"), -270),
              new CoinPurchaseRefunded(
                  PURCHASE, 100, false, 30, 30, 0, clawback("refund:100").id(), null, START));
      assertThat(status()).isEqualTo(CoinPurchaseStatus.CONFIRMED);

      ledger.given(new RefundCoinPurchase(PURCHASE, 333));
      assertThat(coinsOf(ALICE)).isEqualTo(COINS - 99);

      ledger.given(new RefundCoinPurchase(PURCHASE, PRICE));
      assertThat(coinsOf(ALICE)).isZero();
      assertThat(status()).isEqualTo(CoinPurchaseStatus.REFUNDED);
      assertThat(ledger.sumOfBalances("COINS")).isZero();
    }

    @Test
    void aRefundTooSmallForACoinIsRecordedAndTakesNothing() {
      ledger.given(create(), confirm(PRICE, "usd"));

      ledger
          .when(new RefundCoinPurchase(PURCHASE, 3))
          .expectEvents(new CoinPurchaseRefunded(PURCHASE, 3, false, 0, 0, 0, null, null, START));
    }

    @Test
    void aRepeatedOrOlderTotalTakesNothing() {
      ledger.given(create(), confirm(PRICE, "usd"), new RefundCoinPurchase(PURCHASE, 500));

      ledger.when(new RefundCoinPurchase(PURCHASE, 500)).expectNoEvents();
      ledger.when(new RefundCoinPurchase(PURCHASE, 400)).expectNoEvents();
      assertThat(coinsOf(ALICE)).isEqualTo(COINS - 150);
    }

    @Test
    void aTotalBeyondThePriceCountsAsTheWholePrice() {
      ledger.given(create(), confirm(PRICE, "usd"), new RefundCoinPurchase(PURCHASE, PRICE + 50));

      assertThat(status()).isEqualTo(CoinPurchaseStatus.REFUNDED);
      assertThat(coinsOf(ALICE)).isZero();
      ledger.when(new RefundCoinPurchase(PURCHASE, PRICE + 60)).expectNoEvents();
    }

    @Test
    void takesBackWhatIsLeftAndRecordsTheRestAsTheUsersShortfall() {
      ledger.given(create(), confirm(PRICE, "usd"), gift("g1", "alice", "bob", 200));
      TransferId owed = clawback("refund:" + PRICE + ":shortfall");

      ledger
          .when(new RefundCoinPurchase(PURCHASE, PRICE))
          .expectEvents(
              new TransferPosted(
                  refund, spec(ALICE, ISSUANCE, 100, "coin_clawback", "purchase refunded"), START),
              new AccountDebited(ALICE, movement(refund, ISSUANCE, 100, "coin_clawback"), 0),
              new AccountCredited(
                  ISSUANCE, movement(refund, ALICE, 100, "coin_clawback"), -COINS + 100),
              new AccountOpened(ALICE_SHORTFALL, "COINS", true, Map.of(), START),
              new TransferPosted(
                  owed,
                  spec(ALICE_SHORTFALL, ISSUANCE, 200, "coin_shortfall", "purchase refunded"),
                  START),
              new AccountDebited(
                  ALICE_SHORTFALL, movement(owed, ISSUANCE, 200, "coin_shortfall"), -200),
              new AccountCredited(
                  ISSUANCE, movement(owed, ALICE_SHORTFALL, 200, "coin_shortfall"), 0),
              new CoinPurchaseRefunded(
                  PURCHASE, PRICE, true, COINS, 100, 200, refund.id(), owed.id(), START));

      assertThat(coinsOf(ALICE)).isZero();
      assertThat(coinsOf(ALICE_SHORTFALL)).isEqualTo(-200);
      assertThat(ledger.sumOfBalances("COINS")).isZero();
    }

    @Test
    void recordsEveryCoinAsShortfallWhenTheUserSpentThemAll() {
      ledger.given(create(), confirm(PRICE, "usd"), gift("g1", "alice", "bob", COINS));

      var outcome = ledger.when(new RefundCoinPurchase(PURCHASE, PRICE));

      assertThat(outcome.events())
          .last()
          .isEqualTo(
              new CoinPurchaseRefunded(
                  PURCHASE,
                  PRICE,
                  true,
                  COINS,
                  0,
                  COINS,
                  null,
                  clawback("refund:" + PRICE + ":shortfall").id(),
                  START));
      assertThat(ledger.eventsOf(refund)).isEmpty();
      assertThat(coinsOf(ALICE_SHORTFALL)).isEqualTo(-COINS);
      assertThat(ledger.sumOfBalances("COINS")).isZero();
    }

    @Test
    void takesNothingFromAFrozenCoinsAccountAndRecordsItAllAsShortfall() {
      ledger.given(create(), confirm(PRICE, "usd"), new FreezeAccount(ALICE, "audit"));

      ledger.when(new RefundCoinPurchase(PURCHASE, PRICE));

      assertThat(coinsOf(ALICE)).isEqualTo(COINS);
      assertThat(coinsOf(ALICE_SHORTFALL)).isEqualTo(-COINS);
      assertThat(ledger.sumOfBalances("COINS")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.ledger.core.coins.CoinPurchaseCommandHandlerTest#neverConfirmed")
    void aRefundOfAPurchaseNeverConfirmedTakesNothing(Object[] history) {
      ledger.given(create()).given(history);

      ledger.when(new RefundCoinPurchase(PURCHASE, PRICE)).expectNoEvents();
    }
  }

  static Stream<Arguments> neverConfirmed() {
    return Stream.of(
        Arguments.of(named("pending", new Object[] {})),
        Arguments.of(named("failed", new Object[] {new FailCoinPurchase(PURCHASE, "declined")})),
        Arguments.of(named("expired", new Object[] {new ExpireCoinPurchase(PURCHASE)})),
        Arguments.of(named("mismatched", new Object[] {confirm(PRICE - 1, "usd")})));
  }

  // ---- ChargeBackCoinPurchase ----------------------------------------------------------------

  @Nested
  class Chargebacks {
    private final TransferId chargeback = clawback("chargeback");

    @Test
    void aDisputeTakesEveryCoinBack() {
      ledger.given(create(), confirm(PRICE, "usd"));

      CoinPurchaseView view =
          ledger
              .when(new ChargeBackCoinPurchase(PURCHASE, "dp_1", PRICE))
              .expectEvents(
                  new TransferPosted(
                      chargeback,
                      spec(ALICE, ISSUANCE, COINS, "coin_clawback", "purchase charged back"),
                      START),
                  new AccountDebited(
                      ALICE, movement(chargeback, ISSUANCE, COINS, "coin_clawback"), 0),
                  new AccountCredited(
                      ISSUANCE, movement(chargeback, ALICE, COINS, "coin_clawback"), 0),
                  new CoinPurchaseChargedBack(
                      PURCHASE, "dp_1", PRICE, COINS, COINS, 0, chargeback.id(), null, START))
              .result(CoinPurchaseView.class);

      assertThat(view.status()).isEqualTo(CoinPurchaseStatus.CHARGEBACK);
    }

    @Test
    void aDisputeForPartOfThePaymentStillTakesEveryCoinBack() {
      ledger.given(create(), confirm(PRICE, "usd"));

      ledger.when(new ChargeBackCoinPurchase(PURCHASE, "dp_1", 10));

      assertThat(coinsOf(ALICE)).isZero();
    }

    @Test
    void aDisputeAfterAPartialRefundTakesWhatTheRefundLeft() {
      ledger.given(create(), confirm(PRICE, "usd"), new RefundCoinPurchase(PURCHASE, 500));

      var outcome = ledger.when(new ChargeBackCoinPurchase(PURCHASE, "dp_1", 500));

      assertThat(outcome.events())
          .last()
          .isEqualTo(
              new CoinPurchaseChargedBack(
                  PURCHASE, "dp_1", 500, 150, 150, 0, chargeback.id(), null, START));
      assertThat(coinsOf(ALICE)).isZero();
    }

    @Test
    void aDisputeAfterTheCoinsWereSpentRecordsTheShortfall() {
      ledger.given(create(), confirm(PRICE, "usd"), gift("g1", "alice", "bob", 250));

      ledger.when(new ChargeBackCoinPurchase(PURCHASE, "dp_1", PRICE));

      assertThat(coinsOf(ALICE)).isZero();
      assertThat(coinsOf(ALICE_SHORTFALL)).isEqualTo(-250);
      assertThat(ledger.sumOfBalances("COINS")).isZero();
    }

    @Test
    void takesTheCoinsBackOnceAndIgnoresLaterRefunds() {
      ledger.given(
          create(), confirm(PRICE, "usd"), new ChargeBackCoinPurchase(PURCHASE, "dp_1", 1));

      ledger.when(new ChargeBackCoinPurchase(PURCHASE, "dp_2", PRICE)).expectNoEvents();
      ledger.when(new RefundCoinPurchase(PURCHASE, PRICE)).expectNoEvents();
      assertThat(status()).isEqualTo(CoinPurchaseStatus.CHARGEBACK);
    }

    @Test
    void aDisputeAfterAFullRefundTakesNothing() {
      ledger.given(create(), confirm(PRICE, "usd"), new RefundCoinPurchase(PURCHASE, PRICE));

      ledger.when(new ChargeBackCoinPurchase(PURCHASE, "dp_1", PRICE)).expectNoEvents();
      assertThat(status()).isEqualTo(CoinPurchaseStatus.REFUNDED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.ledger.core.coins.CoinPurchaseCommandHandlerTest#neverConfirmed")
    void aDisputeOfAPurchaseNeverConfirmedTakesNothing(Object[] history) {
      ledger.given(create()).given(history);

      ledger.when(new ChargeBackCoinPurchase(PURCHASE, "dp_1", PRICE)).expectNoEvents();
    }
  }

  // ---- settling a shortfall ------------------------------------------------------------------

  @Nested
  class Settlement {
    private final CoinPurchaseId next = CoinPurchaseId.of(TENANT, "cp-2");
    private final TransferId settlement =
        TransferId.of(TENANT, "engine:coin-purchase:" + next.referenceId() + ":settlement");
    private final TransferId credit =
        TransferId.of(TENANT, "engine:coin-purchase:" + next.referenceId() + ":credit");

    private void owe(long coins) {
      ledger.given(
          create(),
          confirm(PRICE, "usd"),
          gift("spent", "alice", "bob", coins),
          new RefundCoinPurchase(PURCHASE, PRICE));
      assertThat(coinsOf(ALICE_SHORTFALL)).isEqualTo(-coins);
    }

    private void buy(long coins) {
      ledger.given(new CreateCoinPurchase(next, "alice", coins, 500, "USD", "pi_2", EXPIRES_AT));
    }

    @Test
    void theNextPurchaseSettlesTheShortfallFirstAndCreditsTheRest() {
      owe(120);
      buy(200);

      ledger
          .when(new ConfirmCoinPurchase(next, "pi_2", 500, "USD"))
          .expectEvents(
              new TransferPosted(
                  settlement,
                  new TransferSpec(
                      ISSUANCE,
                      ALICE_SHORTFALL,
                      120,
                      "COINS",
                      "coin_shortfall_settlement",
                      "coin-purchase:cp-2",
                      Map.of("reason", "purchase"),
                      false,
                      null),
                  START),
              new AccountDebited(
                  ISSUANCE,
                  new Movement(
                      settlement.id(),
                      ALICE_SHORTFALL.address(),
                      120,
                      "coin_shortfall_settlement",
                      "coin-purchase:cp-2"),
                  -120),
              new AccountCredited(
                  ALICE_SHORTFALL,
                  new Movement(
                      settlement.id(),
                      ISSUANCE.address(),
                      120,
                      "coin_shortfall_settlement",
                      "coin-purchase:cp-2"),
                  0),
              new TransferPosted(
                  credit,
                  new TransferSpec(
                      ISSUANCE,
                      ALICE,
                      80,
                      "COINS",
                      "coin_purchase",
                      "coin-purchase:cp-2",
                      Map.of("reason", "purchase"),
                      false,
                      null),
                  START),
              new AccountDebited(
                  ISSUANCE,
                  new Movement(
                      credit.id(), ALICE.address(), 80, "coin_purchase", "coin-purchase:cp-2"),
                  -200),
              new AccountCredited(
                  ALICE,
                  new Movement(
                      credit.id(), ISSUANCE.address(), 80, "coin_purchase", "coin-purchase:cp-2"),
                  80),
              new CoinPurchaseConfirmed(
                  next, "pi_2", 500, 80, 120, credit.id(), settlement.id(), START));

      assertThat(coinsOf(ALICE_SHORTFALL)).isZero();
      assertThat(ledger.sumOfBalances("COINS")).isZero();
      ledger.given(gift("after", "alice", "bob", 80));
    }

    @Test
    void aPurchaseSmallerThanTheShortfallSettlesPartOfItAndCreditsNothing() {
      owe(250);
      buy(100);

      var outcome = ledger.when(new ConfirmCoinPurchase(next, "pi_2", 500, "USD"));

      assertThat(outcome.events())
          .last()
          .isEqualTo(
              new CoinPurchaseConfirmed(next, "pi_2", 500, 0, 100, null, settlement.id(), START));
      assertThat(coinsOf(ALICE_SHORTFALL)).isEqualTo(-150);
      assertThat(coinsOf(ALICE)).isZero();
      assertThat(ledger.eventsOf(credit)).isEmpty();
    }
  }

  // ---- unknown purchases ---------------------------------------------------------------------

  static Stream<Arguments> commandsForAnUnknownPurchase() {
    return Stream.of(
        Arguments.of(named("ConfirmCoinPurchase", confirm(PRICE, "usd"))),
        Arguments.of(named("FailCoinPurchase", new FailCoinPurchase(PURCHASE, "declined"))),
        Arguments.of(named("ExpireCoinPurchase", new ExpireCoinPurchase(PURCHASE))),
        Arguments.of(named("RefundCoinPurchase", new RefundCoinPurchase(PURCHASE, PRICE))),
        Arguments.of(
            named("ChargeBackCoinPurchase", new ChargeBackCoinPurchase(PURCHASE, "dp_1", 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandsForAnUnknownPurchase")
  void rejectsACommandForAnUnknownPurchase(Object command) {
    ledger.when(command).expectRejection(COIN_PURCHASE_NOT_FOUND);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private long coinsOf(AccountId account) {
    return ledger.eventsOf(account).isEmpty() ? 0 : ledger.account(account).balance().posted();
  }

  private CoinPurchaseStatus status() {
    return ledger.read(
        () -> ledger.coinPurchases().load(PURCHASE.toString()).invoke(CoinPurchase::status));
  }

  private static CreateCoinPurchase create() {
    return createWith("alice", COINS, PRICE, "USD");
  }

  private static CreateCoinPurchase createWith(
      String userId, long coins, long price, String currency) {
    return new CreateCoinPurchase(PURCHASE, userId, coins, price, currency, PI, EXPIRES_AT);
  }

  private static CoinPurchaseCreated created() {
    return new CoinPurchaseCreated(
        PURCHASE, REF, "alice", COINS, PRICE, "USD", PI, START, EXPIRES_AT);
  }

  private static CoinPurchaseExpired expired() {
    return new CoinPurchaseExpired(PURCHASE, START);
  }

  private static ConfirmCoinPurchase confirm(long received, String currency) {
    return new ConfirmCoinPurchase(PURCHASE, PI, received, currency);
  }

  private static SendGift gift(String id, String from, String to, long coins) {
    return new SendGift(GiftId.of(TENANT, id), from, to, coins);
  }

  private static TransferId clawback(String step) {
    return TransferId.of(TENANT, "engine:coin-purchase:" + REF + ":" + step);
  }

  private static TransferSpec spec(
      AccountId debit, AccountId credit, long amount, String code, String reason) {
    return new TransferSpec(
        debit, credit, amount, "COINS", code, REFERENCE, Map.of("reason", reason), false, null);
  }

  private static Movement movement(
      TransferId transfer, AccountId counterparty, long amount, String code) {
    return new Movement(transfer.id(), counterparty.address(), amount, code, REFERENCE);
  }
}
