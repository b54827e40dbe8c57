package dev.ledger.api.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a configuration failure as one clear paragraph instead of a stack trace. */
public class LedgerStartupFailureAnalyzer
    extends AbstractFailureAnalyzer<LedgerConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LedgerConfigurationException cause) {
    return new FailureAnalysis(
        "Invalid configuration: "
            + cause.getMessage()
            + (cause.getCause() == null ? "" : " (" + cause.getCause() + ")"),
        "Correct "
            + cause.setting()
            + " (see the configuration table in README.md) and start again.",
        cause);
  }
}
