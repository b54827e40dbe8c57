package dev.ledger.core.coins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A gift's fee is floor(coins × rate / 10,000), computed without ever forming a product that could
 * pass 2^63, so it is exact for every gift up to 2^63 − 1 coins; the recipient's part is the rest,
 * at least one coin, and the two always add up to the gift.
 */
class GiftFeeTest {
  @ParameterizedTest(name = "{0} coins at {1} bp: fee {2}")
  @CsvSource({
    "1, 3000, 0",
    "3, 3000, 0",
    "4, 3000, 1",
    "10, 3000, 3",
    "100, 3000, 30",
    "101, 3000, 30",
    "9999, 3000, 2999",
    "10001, 3000, 3000",
    "1, 9999, 0",
    "2, 9999, 1",
    "10000, 9999, 9999",
    "12345, 0, 0",
    "9000000000000000000, 3000, 2700000000000000000",
    "9223372036854775807, 3000, 2767011611056432742",
    "9223372036854775807, 9999, 9222449699651090329",
  })
  void roundsTheFeeDownInTheRecipientsFavour(long coins, long rate, long fee) {
    assertThat(GiftFee.of(coins, rate)).isEqualTo(fee);
    assertThat(GiftFee.of(coins, rate)).isEqualTo(exact(coins, rate));
  }

  @Test
  void theFeeAndTheEarningsAlwaysAddUpToTheGiftAndTheRecipientGetsACoinAtLeast() {
    Random random = new Random(8);
    for (int i = 0; i < 200_000; i++) {
      long coins =
          switch (i % 3) {
            case 0 -> 1 + random.nextInt(100_000);
            case 1 -> 1 + (random.nextLong() & Long.MAX_VALUE) % Long.MAX_VALUE;
            default -> Long.MAX_VALUE - random.nextInt(100_000);
          };
      long rate = random.nextInt(10_000);
      long fee = GiftFee.of(coins, rate);
      assertThat(fee).as("%d at %d", coins, rate).isEqualTo(exact(coins, rate));
      assertThat(coins - fee).as("%d at %d", coins, rate).isPositive();
      assertThat(fee).isNotNegative();
    }
  }

  @Test
  void refusesWhatIsNoGiftAndNoRate() {
    assertThatThrownBy(() -> GiftFee.of(0, 3000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GiftFee.of(-1, 3000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GiftFee.of(1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GiftFee.of(1, 10_000)).isInstanceOf(IllegalArgumentException.class);
    assertThat(GiftFee.isValidRate(0)).isTrue();
    assertThat(GiftFee.isValidRate(9999)).isTrue();
    assertThat(GiftFee.isValidRate(10_000)).isFalse();
  }

  private static long exact(long coins, long rate) {
    return BigInteger.valueOf(coins)
        .multiply(BigInteger.valueOf(rate))
        .divide(BigInteger.valueOf(10_000))
        .longValueExact();
  }
}
