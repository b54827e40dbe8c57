package dev.ledger.core.coins;

/** Commands of gifts. Coins are whole coins. */
public final class GiftCommands {
  private GiftCommands() {}

  /**
   * Sends {@code coins} of the sender's coins as a gift: the recipient's earnings receive them less
   * the platform's fee, which goes to {@code platform:revenue:coins}. Repeated with the same
   * sender, recipient and coins it answers the gift as it was sent; with other content it is {@code
   * ID_CONFLICT}.
   */
  public record SendGift(GiftId giftId, String senderId, String recipientId, long coins) {}
}
