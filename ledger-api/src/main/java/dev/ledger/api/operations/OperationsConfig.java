package dev.ledger.api.operations;

import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Metrics and logs of what the engine does, wired around the parts that do it. */
@Configuration(proxyBeanMethods = false)
public class OperationsConfig {
  /**
   * Measures whichever command gateway the Axon configuration declares (the JDBC one or, later,
   * Axon Server's), so that the way commands are sent and the way they are measured stay apart. The
   * meter registry is looked up on first use: a post-processor must not create it early, or it
   * would miss Spring Boot's own configuration of the registry.
   */
  @Bean
  static BeanPostProcessor measuredCommandGateway(ObjectProvider<MeterRegistry> meters) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof CommandGateway gateway && !(bean instanceof MeasuredCommandGateway)) {
          return new MeasuredCommandGateway(gateway, meters::getObject);
        }
        return bean;
      }
    };
  }
}
