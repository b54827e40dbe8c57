package dev.ledger.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ledger.api.support.ApiTest;
import dev.ledger.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code GET /v1/audit/verify} recomputes the hash chain of a tenant's history and checks invariant
 * 1 (per asset, balances sum to zero) and invariant 5 (each cached balance equals its history), and
 * names each problem precisely. The history here is changed behind the engine's back, in SQL, with
 * the immutability trigger lifted for the change, as only a database superuser could.
 */
class AuditVerifyApiTest extends ApiTest {
  @Autowired JdbcTemplate jdbc;
  @Autowired PlatformTransactionManager transactionManager;

  private Http auditor;

  @BeforeEach
  void history() {
    auditor = new Http(port, newKey(tenant, "audit:read"));
    funded("platform:points:issuance", "user:vic:points", 0, "POINTS");
    assertThat(
            transfer("t-1", "platform:points:issuance", "user:vic:points", 1_000, "POINTS")
                .status())
        .isEqualTo(201);
    Http.Response last =
        transfer("t-2", "platform:points:issuance", "user:vic:points", 500, "POINTS");
    assertThat(last.status()).isEqualTo(201);
    // read-your-writes: the balance cache has applied every event of the history
    assertThat(
            api.get("/v1/accounts/user:vic:points?minPosition=" + last.body().get("position"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void anUntouchedHistoryVerifies() {
    JsonNode report = verify();
    assertThat(report.get("ok").asBoolean()).as(report.toString()).isTrue();
    assertThat(report.get("chainValid").asBoolean()).isTrue();
    assertThat(report.get("ledgerBalanced").asBoolean()).isTrue();
    assertThat(report.get("projectionsMatch").asBoolean()).isTrue();
    assertThat(report.get("problems")).isEmpty();
    assertThat(report.get("eventsChecked").asLong())
        .isEqualTo(
            jdbc.queryForObject(
                "SELECT count(*) FROM domain_event_entry WHERE tenant_id = ?", Long.class, tenant))
        .isEqualTo(8); // two accounts opened, two transfers of three events each
  }

  @Test
  void aPayloadChangedInTheDatabaseIsNamedWithItsPositionAndWhatItBroke() {
    long credit = position("user:vic:points", 1); // the credit of t-1
    changeHistory(
        "UPDATE domain_event_entry SET payload = convert_to(replace(convert_from(payload, 'UTF8'),"
            + " '\"amount\":1000', '\"amount\":1001'), 'UTF8') WHERE global_index = ?",
        credit);

    JsonNode report = verify();
    assertThat(report.get("ok").asBoolean()).isFalse();
    assertThat(report.get("chainValid").asBoolean()).isFalse();
    assertThat(report.get("ledgerBalanced").asBoolean()).isFalse();
    assertThat(report.get("projectionsMatch").asBoolean()).isFalse();
    List<JsonNode> problems = list(report.get("problems"));
    assertThat(problems).hasSize(3);

    JsonNode changed = problem(problems, "hash_mismatch");
    assertThat(changed.get("position").asLong()).isEqualTo(credit);
    assertThat(changed.get("aggregateId").asText()).isEqualTo(tenant + "/account/user:vic:points");
    assertThat(changed.get("sequence").asLong()).isEqualTo(1);
    assertThat(changed.get("type").asText()).isEqualTo("AccountCredited");
    assertThat(changed.get("actual").asText()).isEqualTo(hashAt(credit));
    assertThat(changed.get("expected").asText()).hasSize(64).isNotEqualTo(hashAt(credit));

    JsonNode unbalanced = problem(problems, "ledger_unbalanced");
    assertThat(unbalanced.get("asset").asText()).isEqualTo("POINTS");
    assertThat(unbalanced.get("expected").asLong()).isZero();
    assertThat(unbalanced.get("actual").asLong()).isEqualTo(1);

    JsonNode cache = problem(problems, "balance_differs");
    assertThat(cache.get("accountId").asText()).isEqualTo("user:vic:points");
    assertThat(cache.get("expected").get("posted").asLong()).as("the history").isEqualTo(1_501);
    assertThat(cache.get("actual").get("posted").asLong()).as("the cache").isEqualTo(1_500);
  }

  @Test
  void anEventRewrittenWithAFreshHashBreaksTheLinkFromTheNextEvent() {
    long credit = position("user:vic:points", 1);
    long next = position("user:vic:points", 2);
    changeHistory(
        "UPDATE domain_event_entry SET payload = convert_to(replace(convert_from(payload, 'UTF8'),"
            + " '\"amount\":1000', '\"amount\":1'), 'UTF8') WHERE global_index = ?",
        credit);
    changeHistory(
        "UPDATE domain_event_entry SET hash = ledger_event_hash(previous_hash, global_index,"
            + " aggregate_identifier, sequence_number, type, event_identifier, payload_type,"
            + " payload_revision, time_stamp, meta_data, payload) WHERE global_index = ?",
        credit);

    JsonNode report = verify();
    assertThat(report.get("chainValid").asBoolean()).isFalse();
    List<JsonNode> chain =
        list(report.get("problems")).stream().filter(p -> p.has("sequence")).toList();
    assertThat(chain).hasSize(1);
    JsonNode broken = chain.get(0);
    assertThat(broken.get("kind").asText()).isEqualTo("chain_broken");
    assertThat(broken.get("position").asLong()).isEqualTo(next);
    assertThat(broken.get("sequence").asLong()).isEqualTo(2);
    assertThat(broken.get("expected").asText()).isEqualTo(hashAt(credit));
  }

  @Test
  void aRemovedEventIsNamedByTheEventAfterIt() {
    long credit = position("user:vic:points", 1);
    long next = position("user:vic:points", 2);
    changeHistory("DELETE FROM domain_event_entry WHERE global_index = ?", credit);

    JsonNode report = verify();
    assertThat(report.get("chainValid").asBoolean()).isFalse();
    JsonNode missing = problem(list(report.get("problems")), "missing_previous_event");
    assertThat(missing.get("position").asLong()).isEqualTo(next);
    assertThat(missing.get("aggregateId").asText()).isEqualTo(tenant + "/account/user:vic:points");
    assertThat(missing.get("sequence").asLong()).isEqualTo(2);
  }

  @Test
  void aCachedBalanceThatDiffersFromItsHistoryIsNamed() {
    jdbc.update(
        "UPDATE account_balance SET credits_posted = credits_posted + 5 WHERE tenant_id = ? AND address = ?",
        tenant,
        "user:vic:points");

    JsonNode report = verify();
    assertThat(report.get("chainValid").asBoolean()).isTrue();
    assertThat(report.get("ledgerBalanced").asBoolean()).isTrue();
    assertThat(report.get("projectionsMatch").asBoolean()).isFalse();
    List<JsonNode> problems = list(report.get("problems"));
    assertThat(problems).hasSize(1);
    JsonNode differs = problems.get(0);
    assertThat(differs.get("kind").asText()).isEqualTo("balance_differs");
    assertThat(differs.get("accountId").asText()).isEqualTo("user:vic:points");
    assertThat(differs.get("asset").asText()).isEqualTo("POINTS");
    assertThat(differs.get("expected").get("creditsPosted").asLong()).isEqualTo(1_500);
    assertThat(differs.get("actual").get("creditsPosted").asLong()).isEqualTo(1_505);
    assertThat(differs.get("detail").asText()).contains("user:vic:points");
  }

  private JsonNode verify() {
    Http.Response response = auditor.get("/v1/audit/verify");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.body();
  }

  /** Runs a change of the event store with its immutability trigger lifted for that one change. */
  private void changeHistory(String sql, Object... args) {
    new TransactionTemplate(transactionManager)
        .executeWithoutResult(
            status -> {
              jdbc.execute(
                  "ALTER TABLE domain_event_entry DISABLE TRIGGER domain_event_entry_immutable");
              assertThat(jdbc.update(sql, args)).isEqualTo(1);
              jdbc.execute(
                  "ALTER TABLE domain_event_entry ENABLE TRIGGER domain_event_entry_immutable");
            });
  }

  private long position(String address, long sequence) {
    return jdbc.queryForObject(
        "SELECT global_index FROM domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = ?",
        Long.class,
        tenant + "/account/" + address,
        sequence);
  }

  private String hashAt(long position) {
    return jdbc.queryForObject(
        "SELECT encode(hash, 'hex') FROM domain_event_entry WHERE global_index = ?",
        String.class,
        position);
  }

  private static JsonNode problem(List<JsonNode> problems, String kind) {
    return problems.stream()
        .filter(p -> p.get("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " among " + problems));
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list;
  }
}
