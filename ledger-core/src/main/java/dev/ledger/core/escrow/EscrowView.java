package dev.ledger.core.escrow;

import dev.ledger.core.shared.EventRef;

/** An escrow as a command left it, for the answer to the client. */
public record EscrowView(
    EscrowId escrowId,
    EscrowStatus status,
    String paymentIntentId,
    boolean created,
    EventRef lastEvent) {}
