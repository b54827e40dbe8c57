package dev.ledger.core.investment;

import dev.ledger.core.shared.EventRef;

/**
 * An investment as a command left it.
 *
 * @param created whether this command created it (false for an identical repeat)
 */
public record InvestmentView(
    InvestmentId investmentId,
    String userId,
    String paymentIntentId,
    InvestmentStatus status,
    boolean created,
    EventRef lastEvent) {}
