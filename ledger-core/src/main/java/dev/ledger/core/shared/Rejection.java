package dev.ledger.core.shared;

/**
 * Every business rule a command can break. For {@code PostTransfer} they are checked in this order
 * of precedence (an unknown transfer is reported before anything about the amount). Each maps to
 * one stable error code in the HTTP API ({@link #code()}).
 */
public enum Rejection {
  AMOUNT_MUST_BE_POSITIVE,
  ACCOUNTS_MUST_DIFFER,
  ACCOUNT_NOT_FOUND,
  TRANSFER_NOT_FOUND,
  INVESTMENT_NOT_FOUND,
  PRODUCT_NOT_FOUND,
  ORDER_NOT_FOUND,
  ESCROW_NOT_FOUND,
  COIN_PURCHASE_NOT_FOUND,
  OUT_OF_STOCK,
  PRICE_NOT_AVAILABLE,
  ASSET_MISMATCH,
  ACCOUNT_FROZEN,
  INSUFFICIENT_FUNDS,
  AMOUNT_EXCEEDS_PENDING,
  INVALID_STATE,
  ID_CONFLICT,
  BALANCE_OVERFLOW;

  /** The snake_case code clients see. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
