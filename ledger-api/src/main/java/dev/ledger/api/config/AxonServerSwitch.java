package dev.ledger.api.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Switches the engine to Axon Server when {@code LEDGER_AXONSERVER_SERVERS} is set: Axon's
 * connector (on the class path, off by default) then provides the command bus, the query bus and
 * the event store; tokens, sagas, deadlines, dead letters and read models stay in PostgreSQL. The
 * switch has to happen before Axon's auto-configuration decides, hence an environment
 * post-processor rather than a bean. The value is checked when {@link LedgerProperties} binds.
 */
public class AxonServerSwitch implements EnvironmentPostProcessor, Ordered {
  static final String SERVERS = "ledger.axonserver.servers";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    String servers = environment.getProperty(SERVERS);
    if (servers == null || servers.isBlank()) {
      return;
    }
    Map<String, Object> axon = new LinkedHashMap<>();
    axon.put("axon.axonserver.enabled", "true");
    axon.put("axon.axonserver.servers", servers.trim());
    String node = environment.getProperty("ledger.node-id");
    if (node != null && !node.isBlank()) {
      axon.put("axon.axonserver.client-id", node);
    }
    environment.getPropertySources().addFirst(new MapPropertySource("ledger-axonserver", axon));
  }

  @Override
  public int getOrder() {
    // after the configuration files and the environment are read
    return Ordered.LOWEST_PRECEDENCE;
  }
}
