package dev.ledger.core.transfer;

/** Where a transfer is in its life. Only {@code PENDING} can change. */
public enum TransferStatus {
  PENDING,
  POSTED,
  VOIDED,
  EXPIRED
}
