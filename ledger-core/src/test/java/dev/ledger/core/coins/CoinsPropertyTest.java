package dev.ledger.core.coins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ledger.core.LedgerFixture;
import dev.ledger.core.LedgerFixture.Outcome;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.coins.CoinPurchaseCommands.ChargeBackCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.ConfirmCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.CreateCoinPurchase;
import dev.ledger.core.coins.CoinPurchaseCommands.RefundCoinPurchase;
import dev.ledger.core.coins.GiftCommands.SendGift;
import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever purchases, gifts, refunds and disputes arrive, in whatever order, the coins stay
 * double-entry: after every command the coins of all accounts sum to zero, no user's coins or
 * earnings and no revenue ever go below zero, a shortfall account never goes above zero, a user who
 * owes coins never gives any, and a purchase never takes back more coins than it issued.
 *
 * <p>Each of 50 fixed seeds draws a history of 30 to 80 commands among four users with {@link
 * Random}; a failure names its seed and step.
 */
class CoinsPropertyTest {
  private static final String TENANT = "acme";
  private static final List<String> USERS = List.of("u1", "u2", "u3", "u4");
  private static final Instant EXPIRES_AT = Instant.parse("2027-01-01T00:00:00Z");

  /** What the histories of all seeds reached, so the test can tell that it proved something. */
  private static final Set<String> SEEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @org.junit.jupiter.api.AfterAll
  static void theHistoriesReachedEveryInterestingCase() {
    assertThat(SEEN)
        .contains(
            "gift accepted",
            "gift " + Rejection.INSUFFICIENT_FUNDS,
            "gift " + Rejection.ACCOUNT_FROZEN,
            "gift " + Rejection.ACCOUNTS_MUST_DIFFER,
            "shortfall recorded",
            "shortfall settled",
            "partial refund",
            "full refund",
            "chargeback");
  }

  static LongStream seeds() {
    return LongStream.range(1, 51);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void coinsStayDoubleEntryAndNoFloorIsBroken(long seed) {
    Random random = new Random(seed);
    LedgerFixture ledger = new LedgerFixture(random.nextInt(10_000));
    List<CoinPurchaseId> purchases = new ArrayList<>();
    Map<CoinPurchaseId, Long> prices = new HashMap<>();
    Set<Rejection> giftRejections = EnumSet.noneOf(Rejection.class);
    int steps = 30 + random.nextInt(51);
    for (int step = 0; step < steps; step++) {
      String user = USERS.get(random.nextInt(USERS.size()));
      Object command;
      int kind = random.nextInt(10);
      if (kind < 3 || purchases.isEmpty()) {
        CoinPurchaseId id = CoinPurchaseId.of(TENANT, "p" + step);
        long price = 1 + random.nextInt(5_000);
        ledger.given(
            new CreateCoinPurchase(
                id, user, 1 + random.nextInt(1_000), price, "USD", "pi_" + step, EXPIRES_AT));
        purchases.add(id);
        prices.put(id, price);
        command = new ConfirmCoinPurchase(id, "pi_" + step, price, "USD");
      } else if (kind < 7) {
        String other = USERS.get(random.nextInt(USERS.size()));
        command = new SendGift(GiftId.of(TENANT, "g" + step), user, other, 1 + random.nextInt(400));
      } else {
        CoinPurchaseId id = purchases.get(random.nextInt(purchases.size()));
        long price = prices.get(id);
        command =
            switch (kind) {
              case 7 -> new RefundCoinPurchase(id, price + random.nextInt(2)); // in full
              case 8 -> new RefundCoinPurchase(id, 1 + random.nextInt((int) price));
              default -> new ChargeBackCoinPurchase(id, "dp_" + step, price);
            };
      }
      long owedBefore = command instanceof SendGift gift ? owed(ledger, gift.senderId()) : 0;
      Outcome outcome = ledger.when(command);
      String where = "seed " + seed + ", step " + step + ": " + command;

      if (command instanceof SendGift gift) {
        SEEN.add(outcome.rejection() == null ? "gift accepted" : "gift " + outcome.rejection());
        if (outcome.rejection() != null) {
          giftRejections.add(outcome.rejection());
          assertThat(outcome.events()).as(where).isEmpty();
        }
        if (gift.senderId().equals(gift.recipientId())) {
          assertThat(outcome.rejection()).as(where).isEqualTo(Rejection.ACCOUNTS_MUST_DIFFER);
        } else if (owedBefore > 0) {
          assertThat(outcome.rejection()).as(where).isEqualTo(Rejection.ACCOUNT_FROZEN);
        }
      } else {
        assertThat(outcome.failure()).as(where).isNull();
      }
      for (Object event : outcome.events()) {
        if (event instanceof CoinPurchaseEvents.CoinPurchaseRefunded refunded) {
          SEEN.add(refunded.fullyRefunded() ? "full refund" : "partial refund");
          if (refunded.coinsShortfall() > 0) {
            SEEN.add("shortfall recorded");
          }
        }
        if (event instanceof CoinPurchaseEvents.CoinPurchaseChargedBack chargedBack) {
          SEEN.add("chargeback");
          if (chargedBack.coinsShortfall() > 0) {
            SEEN.add("shortfall recorded");
          }
        }
        if (event instanceof CoinPurchaseEvents.CoinPurchaseConfirmed confirmed
            && confirmed.coinsSettled() > 0) {
          SEEN.add("shortfall settled");
        }
      }
      assertThat(ledger.sumOfBalances("COINS")).as(where).isZero();
      for (Object event : ledger.allEvents()) {
        if (event instanceof AccountOpened opened) {
          long posted = ledger.account(opened.accountId()).balance().posted();
          if (opened.accountId().address().endsWith(":shortfall")) {
            assertThat(posted).as(where + " " + opened.accountId()).isNotPositive();
          } else if (!opened.accountId().address().equals(Coins.ISSUANCE)) {
            assertThat(posted).as(where + " " + opened.accountId()).isNotNegative();
          }
        }
      }
    }
    for (CoinPurchaseId id : purchases) {
      CoinPurchase purchase =
          ledger.read(() -> ledger.coinPurchases().load(id.toString()).invoke(p -> p));
      assertThat(purchase.coinsNotTakenBack()).as("seed %d, %s", seed, id).isNotNegative();
    }
  }

  private static long owed(LedgerFixture ledger, String userId) {
    AccountId shortfall = Coins.userShortfall(new dev.ledger.core.shared.TenantId(TENANT), userId);
    if (ledger.eventsOf(shortfall).isEmpty()) {
      return 0;
    }
    return Math.max(0, -ledger.account(shortfall).balance().posted());
  }
}
