package dev.ledger.core.coins;

import dev.ledger.core.coins.GiftEvents.GiftSent;
import dev.ledger.core.shared.EventRef;
import java.util.List;

/**
 * The answer to {@code SendGift}.
 *
 * @param created whether this command sent the gift (false for an identical repeat)
 * @param events the latest event of every aggregate the command touched (for a repeat, of the
 *     gift), so the caller can tell the position its effects are visible from
 * @param senderCoins the sender's available coins as the command left them (null for a repeat)
 */
public record GiftResult(GiftSent gift, boolean created, List<EventRef> events, Long senderCoins) {}
