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

  public int scale(String code) {
    return scales.get(code);
  }
}
