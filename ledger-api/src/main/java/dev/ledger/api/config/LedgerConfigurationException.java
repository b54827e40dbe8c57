package dev.ledger.api.config;

/** A setting is missing or invalid; the engine refuses to start and names the setting. */
public class LedgerConfigurationException extends RuntimeException {
  private final String setting;

  public LedgerConfigurationException(String setting, String problem) {
    super(setting + " " + problem);
    this.setting = setting;
  }

  public LedgerConfigurationException(String setting, String problem, Throwable cause) {
    super(setting + " " + problem, cause);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
