package dev.ledger.core.coins;

import dev.ledger.core.shared.EventRef;

/**
 * A coin purchase as a command left it.
 *
 * @param created whether this command created it (false for an identical repeat)
 * @param lastEvent the purchase's latest event, whose position the client may wait for
 */
public record CoinPurchaseView(
    CoinPurchaseId purchaseId,
    String userId,
    long coins,
    long priceMinor,
    String currency,
    String paymentIntentId,
    CoinPurchaseStatus status,
    boolean created,
    EventRef lastEvent) {}
