package dev.ledger.api.config;

import java.time.Duration;
import org.axonframework.axonserver.connector.AxonServerConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * With Axon Server switched on, start-up waits until the connector reaches a server, for at most
 * {@code LEDGER_AXONSERVER_CONNECT_TIMEOUT}, and fails with a message naming the servers when none
 * answers: an engine that cannot reach its event store must not report itself started. A timeout of
 * zero skips the wait (the connector keeps trying in the background, Axon's own behaviour).
 */
@Component
@ConditionalOnProperty(name = "axon.axonserver.enabled", havingValue = "true")
public class AxonServerConnectionCheck implements SmartInitializingSingleton {
  private static final Logger log = LoggerFactory.getLogger(AxonServerConnectionCheck.class);

  private final AxonServerConnectionManager connections;
  private final LedgerProperties.Axonserver settings;

  public AxonServerConnectionCheck(
      AxonServerConnectionManager connections, LedgerProperties properties) {
    this.connections = connections;
    this.settings = properties.axonserver();
  }

  @Override
  public void afterSingletonsInstantiated() {
    Duration timeout = settings.connectTimeout();
    if (timeout.isZero()) {
      log.warn(
          "not waiting for Axon Server at {} (LEDGER_AXONSERVER_CONNECT_TIMEOUT=0)",
          settings.servers());
      return;
    }
    String context = connections.getDefaultContext();
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        connections.getConnection(context);
        if (connections.isConnected(context)) {
          log.info("connected to Axon Server at {}, context {}", settings.servers(), context);
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new LedgerConfigurationException(
        "LEDGER_AXONSERVER_SERVERS",
        "no Axon Server answered at "
            + settings.servers()
            + " within "
            + timeout.toSeconds()
            + "s (LEDGER_AXONSERVER_CONNECT_TIMEOUT)"
            + (last == null ? "" : ": " + last.getMessage()));
  }
}
