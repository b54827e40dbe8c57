package dev.ledger.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The ledger engine: one jar, embedded PostgreSQL by default. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LedgerApplication {
  static {
    // A ledger does not phone home, and the machines it runs on may have no internet at all.
    System.setProperty("axoniq.update-checker.disabled", "true");
    System.setProperty("disable-axoniq-console-message", "true");
  }

  public static void main(String[] args) {
    SpringApplication.run(LedgerApplication.class, args);
  }
}
