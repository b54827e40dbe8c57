package dev.ledger.core.transfer;

import dev.ledger.core.shared.EventRef;
import java.util.List;

/**
 * The answer to a transfer command.
 *
 * @param created whether this command created the transfer (false for an identical repeat)
 * @param events the latest event of every aggregate the command touched (or, for a repeat, of the
 *     transfer), so the caller can tell the position its effects are visible from
 */
public record TransferResult(TransferView transfer, boolean created, List<EventRef> events) {}
