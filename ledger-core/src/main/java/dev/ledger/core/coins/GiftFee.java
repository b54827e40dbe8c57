package dev.ledger.core.coins;

/**
 * The platform's share of a gift, in exact integer arithmetic.
 *
 * <p>The rate is in basis points (1/10,000): 3000 is 30 %. The fee is {@code floor(coins × rate /
 * 10,000)}, rounded down in the recipient's favour, and the recipient's earnings are {@code coins −
 * fee}: the two always add up to the gift, so no coin is created or lost. The product {@code coins
 * × rate} can pass 2^63 for a large gift, so it is never formed: with {@code coins = q × 10,000 +
 * r}, the fee is {@code q × rate + floor(r × rate / 10,000)}, where {@code q × rate ≤ coins} and
 * {@code r × rate < 10^8}, both exact in 64 bits.
 */
public final class GiftFee {
  /** Basis points in a whole: a rate of 10,000 would be 100 %. */
  public static final long BASIS_POINTS_PER_WHOLE = 10_000;

  private GiftFee() {}

  /** Whether a rate can be a gift's fee rate: from 0 up to, not including, 100 %. */
  public static boolean isValidRate(long basisPoints) {
    return basisPoints >= 0 && basisPoints < BASIS_POINTS_PER_WHOLE;
  }

  /**
   * The fee of a gift of {@code coins} at {@code basisPoints}.
   *
   * @param coins positive
   * @param basisPoints a valid rate ({@link #isValidRate})
   */
  public static long of(long coins, long basisPoints) {
    if (coins <= 0) {
      throw new IllegalArgumentException("a gift's coins are positive");
    }
    if (!isValidRate(basisPoints)) {
      throw new IllegalArgumentException("a fee rate is from 0 to 9999 basis points");
    }
    long whole = coins / BASIS_POINTS_PER_WHOLE;
    long rest = coins % BASIS_POINTS_PER_WHOLE;
    return whole * basisPoints + rest * basisPoints / BASIS_POINTS_PER_WHOLE;
  }
}
