package dev.ledger.core.transfer;

import dev.ledger.core.shared.TransferId;
import java.time.Instant;

/**
 * A transfer as it stands.
 *
 * @param postedAmount what has moved: the full amount once posted, the posted part of a pending
 *     transfer, 0 while pending or after a void or expiry
 * @param closedAt when it was posted, voided or expired (null while pending)
 */
public record TransferView(
    TransferId transferId,
    TransferSpec spec,
    TransferStatus status,
    long postedAmount,
    Instant createdAt,
    Instant expiresAt,
    Instant closedAt) {}
