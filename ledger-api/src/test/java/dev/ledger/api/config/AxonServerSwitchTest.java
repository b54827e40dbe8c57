package dev.ledger.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ledger.api.support.Engine;
import dev.ledger.api.support.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.axonserver.connector.command.AxonServerCommandBus;
import org.axonframework.axonserver.connector.event.axon.AxonServerEventStore;
import org.axonframework.axonserver.connector.query.AxonServerQueryBus;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.queryhandling.QueryBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code LEDGER_AXONSERVER_SERVERS} switches the engine to Axon Server: the command bus, the query
 * bus and the event store become the connector's, while tokens (and sagas, deadlines, read models)
 * stay in PostgreSQL; and start-up waits for a server, failing within the connect timeout with a
 * message that names the setting and the address when none answers. An ill-formed list fails at
 * once. No Axon Server runs on the build machines (it is not distributed through Maven Central), so
 * the components are observed as they are built, before the start-up check stops the engine.
 */
class AxonServerSwitchTest {
  /** Every Axon component the engine built, in the order it built them. */
  static final List<Object> BUILT = new CopyOnWriteArrayList<>();

  /** A probe in the engine's context that records the Axon components it builds. */
  @Configuration(proxyBeanMethods = false)
  static class Probe {
    @Bean
    static BeanPostProcessor axonComponentRecorder() {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String name) {
          if (bean instanceof CommandBus
              || bean instanceof QueryBus
              || bean instanceof EventStore
              || bean instanceof TokenStore) {
            BUILT.add(bean);
          }
          return bean;
        }
      };
    }
  }

  @BeforeEach
  void forgetEarlierEngines() {
    BUILT.clear();
  }

  private static Map<String, String> settings(String servers) {
    Map<String, String> settings = new HashMap<>(Engine.onDatabase(TestDatabases.newDatabase()));
    settings.put("ledger.axonserver.servers", servers);
    settings.put("ledger.axonserver.connect-timeout", "2s");
    return settings;
  }

  @Test
  void theSwitchWiresAxonServerAndFailsFastWhenNoServerAnswers() {
    String address = "127.0.0.1:" + closedPort();

    Throwable failure = catchThrowable(() -> Engine.start(settings(address), Probe.class).close());

    assertThat(rootOf(failure))
        .isInstanceOf(LedgerConfigurationException.class)
        .hasMessageContaining("LEDGER_AXONSERVER_SERVERS")
        .hasMessageContaining("no Axon Server answered at " + address + " within 2s");
    assertThat(BUILT).hasAtLeastOneElementOfType(AxonServerCommandBus.class);
    assertThat(BUILT).hasAtLeastOneElementOfType(AxonServerQueryBus.class);
    assertThat(BUILT).hasAtLeastOneElementOfType(AxonServerEventStore.class);
    assertThat(BUILT).hasAtLeastOneElementOfType(JdbcTokenStore.class);
  }

  @Test
  void anIllFormedServerListFailsAtOnce() {
    Throwable failure = catchThrowable(() -> Engine.start(settings("host:port:extra,")).close());

    assertThat(rootOf(failure))
        .hasMessageContaining("LEDGER_AXONSERVER_SERVERS")
        .hasMessageContaining("host:port:extra");
  }

  @Test
  void withoutTheSettingTheEngineKeepsItsPostgresqlEventStoreAndLocalBuses() {
    try (Engine engine =
        Engine.start(new HashMap<>(Engine.onDatabase(TestDatabases.newDatabase())))) {
      assertThat(engine.bean(EventStore.class)).isNotInstanceOf(AxonServerEventStore.class);
      assertThat(engine.bean(CommandBus.class)).isNotInstanceOf(AxonServerCommandBus.class);
      assertThat(engine.bean(QueryBus.class)).isNotInstanceOf(AxonServerQueryBus.class);
    }
  }

  private static Throwable rootOf(Throwable failure) {
    assertThat(failure).as("start-up should have failed").isNotNull();
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
