package dev.ledger.core.coins;

import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.TenantId;

/**
 * The accounts of the virtual coins. Coins enter the ledger from the issuance account (which may go
 * negative: its balance is minus all coins ever sold and not taken back) when a purchase is
 * confirmed. Each user holds two accounts of asset {@code COINS} that never go negative: {@code
 * user:{userId}:coins}, bought and spendable, and {@code user:{userId}:earnings}, received from
 * gifts and never spendable as coins. A gift's fee goes to {@code platform:revenue:coins}.
 *
 * <p>When a refund or a chargeback takes back more coins than the user still has, the rest is
 * posted from the user's receivable {@code user:{userId}:coins:shortfall} (which may go negative:
 * minus what the user owes), and the user's coins cannot be spent until it is settled (ADR 0021).
 */
public final class Coins {
  public static final String ASSET = "COINS";
  public static final String ISSUANCE = "platform:coins:issuance";
  public static final String REVENUE = "platform:revenue:coins";

  /** A confirmed purchase's coins, into the user's coins account. */
  public static final String PURCHASE_CODE = "coin_purchase";

  /** A confirmed purchase's coins that settle an earlier shortfall instead. */
  public static final String SETTLEMENT_CODE = "coin_shortfall_settlement";

  /** Coins taken back from the user's coins account after a refund or chargeback. */
  public static final String CLAWBACK_CODE = "coin_clawback";

  /** The part of a clawback the user no longer had, recorded against the user. */
  public static final String SHORTFALL_CODE = "coin_shortfall";

  /** A gift's coins that reach the recipient's earnings. */
  public static final String GIFT_CODE = "gift";

  /** A gift's fee, to the platform. */
  public static final String GIFT_FEE_CODE = "gift_fee";

  private Coins() {}

  public static AccountId userCoins(TenantId tenant, String userId) {
    return new AccountId(tenant, "user:" + userId + ":coins");
  }

  public static AccountId userEarnings(TenantId tenant, String userId) {
    return new AccountId(tenant, "user:" + userId + ":earnings");
  }

  public static AccountId userShortfall(TenantId tenant, String userId) {
    return new AccountId(tenant, "user:" + userId + ":coins:shortfall");
  }

  public static AccountId issuance(TenantId tenant) {
    return new AccountId(tenant, ISSUANCE);
  }

  public static AccountId revenue(TenantId tenant) {
    return new AccountId(tenant, REVENUE);
  }
}
