package dev.ledger.core.shared;

import java.util.regex.Pattern;

/** An asset code such as {@code POINTS} or {@code USD}: {@code [A-Z][A-Z0-9_]{0,15}}. */
public final class AssetCode {
  private static final Pattern FORMAT = Pattern.compile("[A-Z][A-Z0-9_]{0,15}");

  private AssetCode() {}

  public static boolean isValid(String code) {
    return code != null && FORMAT.matcher(code).matches();
  }
}
