package dev.ledger.api.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The analysts' role {@code ledger_analyst}, created by a migration, reads the stable views (and
 * they answer what the API answers) but can neither write nor read the event store or the tables
 * behind the views. The test takes the role with {@code SET LOCAL ROLE}, as a login role that is a
 * member of it would have it.
 */
class AnalystViewsTest extends ApiTest {
  static final List<String> VIEWS =
      List.of(
          "v_account_balances",
          "v_account_entries",
          "v_leaderboard_entries",
          "v_reconciliation_ledger",
          "v_reconciliation_accounts",
          "v_reconciliation_payments");

  @Autowired JdbcTemplate jdbc;
  @Autowired PlatformTransactionManager transactionManager;

  private long position;

  @BeforeEach
  void history() {
    funded("platform:points:issuance", "user:ida:points", 0, "POINTS");
    Http.Response award =
        api.post(
            "/v1/points/awards",
            Map.of("id", "a-1", "userId", "ida", "amount", 120, "reason", "test"));
    assertThat(award.status()).as(award.toString()).isEqualTo(201);
    position = award.body().get("position").asLong();
    assertThat(api.get("/v1/leaderboards/points-balance?minPosition=" + position).status())
        .isEqualTo(200);
    assertThat(api.get("/v1/accounts/user:ida:points?minPosition=" + position).status())
        .isEqualTo(200);
  }

  @Test
  void theRoleExistsAndCannotLogIn() {
    assertThat(
            jdbc.queryForObject(
                "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'ledger_analyst'", Boolean.class))
        .isFalse();
  }

  @Test
  void anAnalystReadsEveryViewAndTheyAnswerWhatTheApiAnswers() {
    for (String view : VIEWS) {
      Long rows = asAnalyst(db -> db.queryForObject("SELECT count(*) FROM " + view, Long.class));
      assertThat(rows).as(view).isNotNull();
    }
    Map<String, Object> balance =
        asAnalyst(
            db ->
                db.queryForMap(
                    "SELECT posted, available, asset FROM v_account_balances"
                        + " WHERE tenant_id = ? AND account_id = ?",
                    tenant,
                    "user:ida:points"));
    assertThat(balance)
        .containsEntry("posted", 120L)
        .containsEntry("available", 120L)
        .containsEntry("asset", "POINTS");
    Long entry =
        asAnalyst(
            db ->
                db.queryForObject(
                    "SELECT amount FROM v_account_entries WHERE tenant_id = ? AND account_id = ?",
                    Long.class,
                    tenant,
                    "user:ida:points"));
    assertThat(entry).isEqualTo(120);
    Map<String, Object> leader =
        asAnalyst(
            db ->
                db.queryForMap(
                    "SELECT rank, user_id, value FROM v_leaderboard_entries"
                        + " WHERE tenant_id = ? AND board = 'points-earned' AND period_key = 'all'",
                    tenant));
    assertThat(leader)
        .containsEntry("rank", 1L)
        .containsEntry("user_id", "ida")
        .containsEntry("value", 120L);
    Boolean balanced =
        asAnalyst(
            db ->
                db.queryForObject(
                    "SELECT balanced FROM v_reconciliation_ledger WHERE tenant_id = ? AND asset = 'POINTS'",
                    Boolean.class,
                    tenant));
    assertThat(balanced).isTrue();
  }

  @Test
  void anAnalystCanNeitherWriteNorReadTheEventStoreOrTheTablesBehindTheViews() {
    for (String sql :
        List.of(
            "SELECT count(*) FROM domain_event_entry",
            "SELECT count(*) FROM account_balance",
            "SELECT count(*) FROM token_entry",
            "SELECT count(*) FROM api_key",
            "SELECT count(*) FROM ledger_account_movement",
            "UPDATE v_account_balances SET frozen = true",
            "DELETE FROM v_account_entries",
            "INSERT INTO v_account_entries (tenant_id) VALUES ('x')",
            "CREATE TABLE analyst_scratch (id int)")) {
      assertThatThrownBy(() -> asAnalyst(db -> db.update(sql)))
          .as(sql)
          .isInstanceOf(DataAccessException.class)
          .rootCause()
          .hasMessageContaining("permission denied");
    }
  }

  private <T> T asAnalyst(Function<JdbcTemplate, T> work) {
    return new TransactionTemplate(transactionManager)
        .execute(
            status -> {
              jdbc.execute("SET LOCAL ROLE ledger_analyst");
              return work.apply(jdbc);
            });
  }
}
