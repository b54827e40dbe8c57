package dev.ledger.core.coins;

import static dev.ledger.core.LedgerFixture.START;
import static dev.ledger.core.shared.Rejection.ACCOUNTS_MUST_DIFFER;
import static dev.ledger.core.shared.Rejection.ACCOUNT_FROZEN;
import static dev.ledger.core.shared.Rejection.AMOUNT_MUST_BE_POSITIVE;
import static dev.ledger.core.shared.Rejection.ASSET_MISMATCH;
import static dev.ledger.core.shared.Rejection.BALANCE_OVERFLOW;
import static dev.ledger.core.shared.Rejection.ID_CONFLICT;
import static dev.ledger.core.shared.Rejection.INSUFFICIENT_FUNDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.account.AccountCommands.FreezeAccount;
import dev.ledger.core.account.AccountCommands.OpenAccount;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.Movement;
import dev.ledger.core.coins.CoinPurchaseCommands.ConfirmCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.CreateCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.RefundCoinPurchase;
import dev.ledger.core.coins.GiftCommands.SendGift;
import dev.ledger.core.coins.GiftEvents.GiftSent;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.EventRef;
import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferCommands.PostTransfer;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import dev.ledger.core.transfer.TransferSpec;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A gift takes coins from the sender's coins account only, and in one command gives the recipient's
 * earnings the gift less the fee and the platform the fee, or changes nothing: not when the sender
 * is short of coins, gifts to themselves, or owes coins from a refunded purchase, and not when an
 * account would overflow. A gift id takes effect once. The coins of all accounts sum to zero.
 */
class GiftCommandHandlerTest {
  private static final String TENANT = "acme";
  private static final GiftId GIFT = GiftId.of(TENANT, "g-1");
  private static final String REF = GIFT.referenceId();
  private static final AccountId ALICE = AccountId.of(TENANT, "user:alice:coins");
  private static final AccountId BOB_EARNINGS = AccountId.of(TENANT, "user:bob:earnings");
  private static final AccountId REVENUE = AccountId.of(TENANT, "platform:revenue:coins");
  private static final TransferId TO_BOB =
      TransferId.of(TENANT, "engine:gift:" + REF + ":earnings");
  private static final TransferId TO_PLATFORM =
      TransferId.of(TENANT, "engine:gift:" + REF + ":fee");
  private static final String REFERENCE = "gift:g-1";

  private final LedgerFixture ledger = new LedgerFixture();
  private int purchases;

  @Test
  void splitsAGiftBetweenTheRecipientsEarningsAndThePlatformInOneCommand() {
    buy(ledger, "alice", 1000);

    GiftResult result =
        ledger
            .when(send(100))
            .expectEvents(
                new AccountOpened(REVENUE, "COINS", false, Map.of(), START),
                new AccountOpened(BOB_EARNINGS, "COINS", false, Map.of(), START),
                sent(100, 30, 3000),
                new TransferPosted(TO_BOB, spec(BOB_EARNINGS, 70, "gift"), START),
                new AccountDebited(ALICE, movement(TO_BOB, BOB_EARNINGS, 70, "gift"), 930),
                new AccountCredited(BOB_EARNINGS, movement(TO_BOB, ALICE, 70, "gift"), 70),
                new TransferPosted(TO_PLATFORM, spec(REVENUE, 30, "gift_fee"), START),
                new AccountDebited(ALICE, movement(TO_PLATFORM, REVENUE, 30, "gift_fee"), 900),
                new AccountCredited(REVENUE, movement(TO_PLATFORM, ALICE, 30, "gift_fee"), 30))
            .result(GiftResult.class);

    assertThat(result.created()).isTrue();
    assertThat(result.senderCoins()).isEqualTo(900);
    assertThat(result.gift()).isEqualTo(sent(100, 30, 3000));
    assertThat(result.events()).contains(new EventRef(GIFT.toString(), 0));
    assertThat(ledger.sumOfBalances("COINS")).isZero();
  }

  @Test
  void aGiftTooSmallForAFeeGoesWhollyToTheRecipient() {
    buy(ledger, "alice", 10);

    var outcome = ledger.when(send(3));

    assertThat(outcome.result(GiftResult.class).gift()).isEqualTo(sent(3, 0, 3000));
    assertThat(ledger.eventsOf(TO_PLATFORM)).isEmpty();
    assertThat(ledger.eventsOf(REVENUE)).as("no fee, no revenue account").isEmpty();
    assertThat(balance(BOB_EARNINGS)).isEqualTo(3);
  }

  @Test
  void takesTheFeeRateItWasGiven() {
    LedgerFixture free = new LedgerFixture(0);
    buy(free, "alice", 100);

    GiftResult result = free.when(send(100)).result(GiftResult.class);
    assertThat(result.gift().fee()).isZero();
    assertThat(result.gift().earnings()).isEqualTo(100);

    LedgerFixture greedy = new LedgerFixture(9999);
    buy(greedy, "alice", 100);
    GiftResult most = greedy.when(send(100)).result(GiftResult.class);
    assertThat(most.gift().fee()).isEqualTo(99);
    assertThat(most.gift().earnings()).isEqualTo(1);
  }

  @Test
  void refusesAGiftBeyondTheSendersCoinsAndChangesNothing() {
    buy(ledger, "alice", 99);

    ledger.when(send(100)).expectRejection(INSUFFICIENT_FUNDS);

    assertThat(balance(ALICE)).isEqualTo(99);
    assertThat(ledger.eventsOf(GIFT)).isEmpty();
  }

  @Test
  void aSenderWithoutCoinsIsShortOfFundsAndGetsNoAccount() {
    ledger.when(send(1)).expectRejection(INSUFFICIENT_FUNDS);

    assertThat(ledger.eventsOf(ALICE)).isEmpty();
  }

  @Test
  void earningsAreNotSpendableAsCoins() {
    buy(ledger, "alice", 100);
    ledger.given(send(100));
    assertThat(balance(BOB_EARNINGS)).isEqualTo(70);

    ledger
        .when(new SendGift(GiftId.of(TENANT, "g-2"), "bob", "alice", 1))
        .expectRejection(INSUFFICIENT_FUNDS);
  }

  @Test
  void aUserCannotGiftToThemselves() {
    buy(ledger, "alice", 100);

    ledger.when(new SendGift(GIFT, "alice", "alice", 10)).expectRejection(ACCOUNTS_MUST_DIFFER);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void refusesCoinsThatAreNotPositive(long coins) {
    buy(ledger, "alice", 100);

    ledger.when(send(coins)).expectRejection(AMOUNT_MUST_BE_POSITIVE);
  }

  @Test
  void answersAnIdenticalRepeatWithTheGiftAsSentAndMovesNothingAgain() {
    buy(ledger, "alice", 100);
    ledger.given(send(40));

    GiftResult repeat = ledger.when(send(40)).expectNoEvents().result(GiftResult.class);

    assertThat(repeat.created()).isFalse();
    assertThat(repeat.gift()).isEqualTo(sent(40, 12, 3000));
    assertThat(balance(ALICE)).isEqualTo(60);
  }

  @Test
  void rejectsARepeatWithOtherContentAsAnIdConflict() {
    buy(ledger, "alice", 100);
    ledger.given(send(40));

    ledger.when(send(41)).expectRejection(ID_CONFLICT);
    ledger.when(new SendGift(GIFT, "alice", "carol", 40)).expectRejection(ID_CONFLICT);
  }

  @Test
  void aSenderWhoOwesCoinsFromARefundCannotSpendThem() {
    CoinPurchaseId purchase = buy(ledger, "alice", 100);
    ledger.given(send(60), new RefundCoinPurchase(purchase, 1000));
    // 40 were left to take back, 60 are owed; new coins arrive from outside the purchase flow
    ledger.given(
        new OpenAccount(AccountId.of(TENANT, "platform:bonus"), "COINS", true, null),
        new PostTransfer(
            TransferId.of(TENANT, "bonus-1"),
            new TransferSpec(
                AccountId.of(TENANT, "platform:bonus"),
                ALICE,
                500,
                "COINS",
                null,
                null,
                null,
                false,
                null)));

    ledger
        .when(new SendGift(GiftId.of(TENANT, "g-2"), "alice", "bob", 10))
        .expectRejection(ACCOUNT_FROZEN);
  }

  @Test
  void aFrozenCoinsAccountSendsNothing() {
    buy(ledger, "alice", 100);
    ledger.given(new FreezeAccount(ALICE, "audit"));

    ledger.when(send(10)).expectRejection(ACCOUNT_FROZEN);
  }

  @Test
  void anEarningsAccountInAnotherAssetRefusesTheGift() {
    buy(ledger, "alice", 100);
    ledger.given(new OpenAccount(BOB_EARNINGS, "POINTS", false, null));

    ledger.when(send(10)).expectRejection(ASSET_MISMATCH);
  }

  @Test
  void earningsThatWouldPass64BitsRefuseTheGiftWhole() {
    buy(ledger, "alice", 100);
    AccountId bonus = AccountId.of(TENANT, "platform:bonus");
    ledger.given(
        new OpenAccount(bonus, "COINS", true, null),
        new OpenAccount(BOB_EARNINGS, "COINS", false, null),
        new PostTransfer(
            TransferId.of(TENANT, "bonus-1"),
            new TransferSpec(
                bonus, BOB_EARNINGS, Long.MAX_VALUE - 5, "COINS", null, null, null, false, null)));

    ledger.when(send(100)).expectRejection(BALANCE_OVERFLOW);

    assertThat(balance(ALICE)).isEqualTo(100);
    assertThat(balance(BOB_EARNINGS)).isEqualTo(Long.MAX_VALUE - 5);
  }

  @Test
  void aWhaleGivesNineQuintillionCoinsExactly() {
    long nine = 9_000_000_000_000_000_000L;
    buy(ledger, "alice", nine);

    GiftResult result = ledger.when(send(nine)).result(GiftResult.class);

    assertThat(result.gift().fee()).isEqualTo(2_700_000_000_000_000_000L);
    assertThat(balance(BOB_EARNINGS)).isEqualTo(6_300_000_000_000_000_000L);
    assertThat(balance(REVENUE)).isEqualTo(2_700_000_000_000_000_000L);
    assertThat(balance(ALICE)).isZero();
    assertThat(ledger.sumOfBalances("COINS")).isZero();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private CoinPurchaseId buy(LedgerFixture fixture, String userId, long coins) {
    CoinPurchaseId purchase = CoinPurchaseId.of(TENANT, "buy-" + (++purchases));
    String pi = "pi_" + purchases;
    fixture.given(
        new CreateCoinPurchase(
            purchase, userId, coins, 1000, "USD", pi, Instant.parse("2027-01-01T00:00:00Z")),
        new ConfirmCoinPurchase(purchase, pi, 1000, "USD"));
    return purchase;
  }

  private long balance(AccountId account) {
    return ledger.account(account).balance().posted();
  }

  private static SendGift send(long coins) {
    return new SendGift(GIFT, "alice", "bob", coins);
  }

  private static GiftSent sent(long coins, long fee, long rate) {
    return new GiftSent(
        GIFT,
        REF,
        "alice",
        "bob",
        coins,
        fee,
        coins - fee,
        rate,
        TO_BOB.id(),
        fee > 0 ? TO_PLATFORM.id() : null,
        START);
  }

  private static TransferSpec spec(AccountId credit, long amount, String code) {
    return new TransferSpec(ALICE, credit, amount, "COINS", code, REFERENCE, Map.of(), false, null);
  }

  private static Movement movement(
      TransferId transfer, AccountId counterparty, long amount, String code) {
    return new Movement(transfer.id(), counterparty.address(), amount, code, REFERENCE);
  }
}
