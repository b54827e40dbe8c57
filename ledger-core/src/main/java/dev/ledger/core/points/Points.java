package dev.ledger.core.points;

import dev.ledger.core.shared.AccountId;
import dev.ledger.core.shared.TenantId;
import java.util.regex.Pattern;

/**
 * The accounts of the loyalty points program. Points enter the ledger from the issuance account
 * (which may go negative: its balance is minus all points ever issued) and leave it into the
 * redemption account; each user holds {@code user:{userId}:points}, which never goes negative.
 */
public final class Points {
  public static final String ASSET = "POINTS";
  public static final String ISSUANCE = "platform:points:issuance";
  public static final String REDEEMED = "platform:points:redeemed";
  public static final String AWARD_CODE = "points_award";
  public static final String REDEMPTION_CODE = "points_redemption";
  public static final String REVERSAL_CODE = "points_reversal";

  private static final Pattern USER_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private Points() {}

  public static boolean isValidUserId(String userId) {
    return userId != null && USER_ID.matcher(userId).matches();
  }

  public static AccountId userAccount(TenantId tenant, String userId) {
    return new AccountId(tenant, "user:" + userId + ":points");
  }

  public static AccountId issuance(TenantId tenant) {
    return new AccountId(tenant, ISSUANCE);
  }

  public static AccountId redeemed(TenantId tenant) {
    return new AccountId(tenant, REDEEMED);
  }
}
