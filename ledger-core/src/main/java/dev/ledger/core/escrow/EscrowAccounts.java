package dev.ledger.core.escrow;

import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.TenantId;

/**
 * The ledger accounts escrow money passes through, one set per asset (an account holds one asset):
 * captured funds enter from {@code platform:stripe:{ASSET}} (money received through Stripe, which
 * goes negative as money comes in) into {@code escrow:{referenceId}}, and leave it to {@code
 * payee:{acct}:{ASSET}} and {@code platform:revenue:{ASSET}}, so a completed escrow's account is at
 * zero. A refund after completion is paid by {@code platform:escrow-refunds:{ASSET}}.
 */
public final class EscrowAccounts {
  private EscrowAccounts() {}

  public static AccountId escrow(EscrowId escrow) {
    return new AccountId(escrow.tenant(), "escrow:" + escrow.referenceId());
  }

  public static AccountId stripe(TenantId tenant, String asset) {
    return new AccountId(tenant, "platform:stripe:" + asset);
  }

  public static AccountId payee(TenantId tenant, String connectedAccount, String asset) {
    return new AccountId(tenant, "payee:" + connectedAccount + ":" + asset);
  }

  public static AccountId revenue(TenantId tenant, String asset) {
    return new AccountId(tenant, "platform:revenue:" + asset);
  }

  public static AccountId refunds(TenantId tenant, String asset) {
    return new AccountId(tenant, "platform:escrow-refunds:" + asset);
  }
}
