package dev.ledger.projections.ledger;

import java.time.Instant;

/** One line of an account statement; {@code amount} is negative for a debit. */
public record EntryRow(
    long position,
    String transferId,
    String counterparty,
    long amount,
    long balanceAfter,
    String code,
    String reference,
    Instant timestamp) {}
