package dev.ledger.api.config;

import dev.ledger.projections.catalog.CatalogProjection;
import dev.ledger.projections.catalog.CatalogQueries;
import dev.ledger.projections.coins.CoinProjection;
import dev.ledger.projections.coins.CoinQueries;
import dev.ledger.projections.investment.InvestmentProjection;
import dev.ledger.projections.investment.InvestmentQueries;
import dev.ledger.projections.leaderboard.LeaderboardProjection;
import dev.ledger.projections.leaderboard.LeaderboardQueries;
import dev.ledger.projections.ledger.BalanceProjection;
import dev.ledger.projections.ledger.LedgerQueries;
import dev.ledger.projections.ledger.TransferProjection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The read models; Axon finds their event handlers on these beans. */
@Configuration(proxyBeanMethods = false)
public class ProjectionConfig {
  @Bean
  BalanceProjection balanceProjection(JdbcTemplate jdbc) {
    return new BalanceProjection(jdbc);
  }

  @Bean
  TransferProjection transferProjection(JdbcTemplate jdbc) {
    return new TransferProjection(jdbc);
  }

  @Bean
  InvestmentProjection investmentProjection(JdbcTemplate jdbc) {
    return new InvestmentProjection(jdbc);
  }

  @Bean
  InvestmentQueries investmentQueries(JdbcTemplate jdbc) {
    return new InvestmentQueries(jdbc);
  }

  @Bean
  CatalogProjection catalogProjection(JdbcTemplate jdbc) {
    return new CatalogProjection(jdbc);
  }

  @Bean
  CatalogQueries catalogQueries(JdbcTemplate jdbc) {
    return new CatalogQueries(jdbc);
  }

  @Bean
  LedgerQueries ledgerQueries(JdbcTemplate jdbc) {
    return new LedgerQueries(jdbc);
  }

  @Bean
  LeaderboardProjection leaderboardProjection(JdbcTemplate jdbc) {
    return new LeaderboardProjection(jdbc);
  }

  @Bean
  LeaderboardQueries leaderboardQueries(JdbcTemplate jdbc) {
    return new LeaderboardQueries(jdbc);
  }

  @Bean
  CoinProjection coinProjection(JdbcTemplate jdbc) {
    return new CoinProjection(jdbc);
  }

  @Bean
  CoinQueries coinQueries(JdbcTemplate jdbc) {
    return new CoinQueries(jdbc);
  }
}
