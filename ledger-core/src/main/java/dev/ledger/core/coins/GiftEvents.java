package dev.ledger.core.coins;

import java.time.Instant;

/** Events of gifts. Coins are whole coins. */
public final class GiftEvents {
  private GiftEvents() {}

  /**
   * A gift was sent. In the same transaction {@code coins} left {@code user:{senderId}:coins}:
   * {@code earnings} (= coins − fee) to {@code user:{recipientId}:earnings} by the transfer {@code
   * earningsTransferId}, and {@code fee} to {@code platform:revenue:coins} by {@code feeTransferId}
   * (null when the fee is 0).
   *
   * @param feeBasisPoints the fee rate the gift was sent at, in 1/10,000: fee = floor(coins × rate
   *     / 10,000)
   */
  public record GiftSent(
      GiftId giftId,
      String referenceId,
      String senderId,
      String recipientId,
      long coins,
      long fee,
      long earnings,
      long feeBasisPoints,
      String earningsTransferId,
      String feeTransferId,
      Instant sentAt) {}
}
