package dev.ledger.api.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The one DataSource of the engine: the external PostgreSQL named by {@code LEDGER_DB_URL}, or else
 * the embedded one. Event store, token store, sagas, deadlines and read models share it, so a
 * processor's read-model writes and its token commit together.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

  /** Present only when no external database is configured. */
  @Bean(destroyMethod = "close")
  EmbeddedDatabase embeddedDatabase(LedgerProperties properties) {
    if (properties.db().url() != null) {
      return new EmbeddedDatabase(null);
    }
    return new EmbeddedDatabase(EmbeddedPostgresServer.start(properties.dataDir()));
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(LedgerProperties properties, EmbeddedDatabase embedded) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("ledger");
    config.setMaximumPoolSize(properties.db().poolSize());
    config.setMinimumIdle(2);
    config.setConnectionTimeout(10_000);
    if (embedded.server() != null) {
      config.setJdbcUrl(embedded.server().jdbcUrl());
      config.setUsername("postgres");
    } else {
      config.setJdbcUrl(properties.db().url());
      config.setUsername(properties.db().user());
      config.setPassword(properties.db().password());
    }
    config.setInitializationFailTimeout(10_000);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new LedgerConfigurationException(
          "LEDGER_DB_URL",
          "(" + config.getJdbcUrl() + ") could not be reached: " + e.getMessage(),
          e);
    }
  }

  @Bean
  JdbcTemplate jdbcTemplate(DataSource dataSource) {
    return new JdbcTemplate(dataSource);
  }

  /** Holds the embedded server, if any, so that it stops after the pool that uses it. */
  public record EmbeddedDatabase(EmbeddedPostgresServer server) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      if (server != null) {
        server.close();
      }
    }
  }
}
