package dev.ledger.api.ledger;

import dev.ledger.api.config.LedgerProperties;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The assets this engine knows: the built-in ones and those configured. */
@Component
public class Assets {
  private final Map<String, Integer> scales;

  public Assets(LedgerProperties properties) {
    this.scales = properties.assets();
  }

  public boolean isKnown(String code) {
    return scales.containsKey(code);
  }

  /** Whether the asset is money Stripe can charge: an ISO 4217 code with a minor unit. */
  public boolean isCurrency(String code) {
    return code.length() == 3 && !code.equals("POINTS") && !code.equals("COINS");
  }

  public int scale(String code) {
    return scales.get(code);
  }
}
