package dev.ledger.api.config;

import dev.ledger.api.projection.ReadModel;
import dev.ledger.api.projection.ReadModels;
import dev.ledger.projections.catalog.CatalogProjection;
import dev.ledger.projections.catalog.CatalogQueries;
import dev.ledger.projections.coins.CoinProjection;
import dev.ledger.projections.coins.CoinQueries;
import dev.ledger.projections.escrow.EscrowProjection;
import dev.ledger.projections.escrow.EscrowQueries;
import dev.ledger.projections.investment.InvestmentProjection;
import dev.ledger.projections.investment.InvestmentQueries;
import dev.ledger.projections.leaderboard.LeaderboardProjection;
import dev.ledger.projections.leaderboard.LeaderboardQueries;
import dev.ledger.projections.ledger.BalanceProjection;
import dev.ledger.projections.ledger.LedgerQueries;
import dev.ledger.projections.ledger.TransferProjection;
import dev.ledger.projections.reconciliation.PaymentReconciliationProjection;
import dev.ledger.projections.reconciliation.ReconciliationQueries;
import java.util.List;
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
  EscrowProjection escrowProjection(JdbcTemplate jdbc) {
    return new EscrowProjection(jdbc);
  }

  @Bean
  EscrowQueries escrowQueries(JdbcTemplate jdbc) {
    return new EscrowQueries(jdbc);
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

  @Bean
  PaymentReconciliationProjection paymentReconciliationProjection(JdbcTemplate jdbc) {
    return new PaymentReconciliationProjection(jdbc);
  }

  @Bean
  ReconciliationQueries reconciliationQueries(JdbcTemplate jdbc) {
    return new ReconciliationQueries(jdbc);
  }

  /**
   * Every read model with the tables its projection writes, for replays: a table the projection
   * writes and this list lacks makes its replay fail (see {@link ReadModel}). {@code
   * ReadModelsTest} checks that every projection's processor is here.
   */
  @Bean
  ReadModels readModels() {
    return new ReadModels(
        List.of(
            new ReadModel(
                BalanceProjection.NAME,
                List.of("account_balance", "account_entry"),
                BalanceProjection::new),
            new ReadModel(
                TransferProjection.NAME,
                List.of("transfer", "journal_entry"),
                TransferProjection::new),
            new ReadModel(
                InvestmentProjection.NAME,
                List.of("investment", "investment_transition"),
                InvestmentProjection::new),
            new ReadModel(
                CatalogProjection.NAME, List.of("product", "shop_order"), CatalogProjection::new),
            new ReadModel(
                LeaderboardProjection.NAME,
                List.of("leaderboard_points_account", "leaderboard_entry"),
                LeaderboardProjection::new),
            new ReadModel(
                EscrowProjection.NAME,
                List.of("escrow", "escrow_transition", "escrow_payout_failure"),
                EscrowProjection::new),
            new ReadModel(
                CoinProjection.NAME,
                List.of("coin_purchase", "coin_purchase_transition", "gift"),
                CoinProjection::new),
            new ReadModel(
                PaymentReconciliationProjection.NAME,
                List.of("stripe_payment", "payment_resource"),
                PaymentReconciliationProjection::new)));
  }
}
