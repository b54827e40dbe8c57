package dev.ledger.projections.ledger;

import java.time.Instant;
import java.util.Map;

/** A transfer in the read model. */
public record TransferRow(
    String id,
    String debitAccount,
    String creditAccount,
    long amount,
    long postedAmount,
    String asset,
    String status,
    String code,
    String reference,
    Map<String, String> metadata,
    boolean pending,
    Long timeoutSeconds,
    Instant createdAt,
    Instant expiresAt,
    Instant closedAt,
    long createdPosition,
    long lastPosition) {}
