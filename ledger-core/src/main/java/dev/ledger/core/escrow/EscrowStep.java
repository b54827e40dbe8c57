package dev.ledger.core.escrow;

/** The step of an escrow that talks to Stripe and can fail: what manual review is about. */
public enum EscrowStep {
  CAPTURE,
  TRANSFER
}
