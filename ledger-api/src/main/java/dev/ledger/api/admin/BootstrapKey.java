package dev.ledger.api.admin;

import dev.ledger.api.config.LedgerProperties;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Creates the key given by {@code LEDGER_BOOTSTRAP_API_KEY}, if any, before the HTTP server accepts
 * its first request.
 */
@Component
public class BootstrapKey implements SmartInitializingSingleton {
  private final LedgerProperties properties;
  private final ApiKeys apiKeys;

  public BootstrapKey(LedgerProperties properties, ApiKeys apiKeys) {
    this.properties = properties;
    this.apiKeys = apiKeys;
  }

  @Override
  public void afterSingletonsInstantiated() {
    if (properties.bootstrapApiKey() != null) {
      apiKeys.ensureBootstrapKey(properties.bootstrapApiKey());
    }
  }
}
