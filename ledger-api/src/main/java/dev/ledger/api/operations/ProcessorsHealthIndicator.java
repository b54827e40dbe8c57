package dev.ledger.api.operations;

import java.util.Map;
import java.util.TreeMap;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The readiness of the event processors on this node ({@code processors} in {@code
 * /actuator/health/readiness}): down while any processor is not running (not started yet, shut
 * down) or in error. Axon counts as an error only what stops a processor as a whole, such as a
 * token store or event store it cannot reach; one event that its handler keeps failing on is a dead
 * letter or a retried segment, watched through the metrics, and does not take the node out of
 * service.
 */
@Component
public class ProcessorsHealthIndicator implements HealthIndicator {
  private final ObjectProvider<EventProcessingConfiguration> processing;

  public ProcessorsHealthIndicator(ObjectProvider<EventProcessingConfiguration> processing) {
    this.processing = processing;
  }

  @Override
  public Health health() {
    EventProcessingConfiguration configuration = processing.getIfAvailable();
    if (configuration == null) {
      return Health.down().withDetail("reason", "event processing is not configured yet").build();
    }
    Map<String, String> states = new TreeMap<>();
    boolean ready = true;
    for (Map.Entry<String, EventProcessor> entry : configuration.eventProcessors().entrySet()) {
      EventProcessor processor = entry.getValue();
      String state =
          processor.isError() ? "error" : processor.isRunning() ? "running" : "not running";
      ready &= state.equals("running");
      states.put(entry.getKey(), state);
    }
    return (ready ? Health.up() : Health.down()).withDetails(states).build();
  }
}
