package dev.ledger.api.audit;

import dev.ledger.api.ledger.Positions;
import dev.ledger.projections.ledger.BalanceProjection;
import dev.ledger.projections.reconciliation.ReconciliationQueries;
import dev.ledger.projections.reconciliation.ReconciliationQueries.AccountMismatch;
import dev.ledger.projections.reconciliation.ReconciliationQueries.AssetSum;
import dev.ledger.projections.reconciliation.ReconciliationQueries.Balances;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code GET /v1/audit/verify}: checks one tenant's history in one consistent snapshot of the
 * database.
 *
 * <ol>
 *   <li>The hash chain: each event's hash is recomputed in Java from its stored bytes ({@link
 *       EventHashes}) and compared with the stored one, and each event's {@code previous_hash} with
 *       the stored hash of the previous event of its aggregate.
 *   <li>Invariant 1: for each asset, the balances the history gives sum to zero ({@code
 *       v_reconciliation_ledger}).
 *   <li>Invariant 5: every cached balance equals its history at the position it has applied ({@code
 *       v_reconciliation_accounts}).
 * </ol>
 *
 * <p>Each problem names what is wrong precisely: the event (position, aggregate, sequence) or the
 * account, and what was expected against what is there. Reads the history through a cursor, so
 * memory does not grow with it; the list of problems stops at {@link #PROBLEMS_MAX}.
 */
@Component
public class AuditVerifier {
  /** Problems listed in one answer; the count goes on. */
  static final int PROBLEMS_MAX = 1_000;

  private final AuditEventStore events;
  private final ReconciliationQueries reconciliation;
  private final Positions positions;
  private final TransactionTemplate snapshot;

  public AuditVerifier(
      AuditEventStore events,
      ReconciliationQueries reconciliation,
      Positions positions,
      PlatformTransactionManager transactionManager) {
    this.events = events;
    this.reconciliation = reconciliation;
    this.positions = positions;
    this.snapshot = snapshot(transactionManager);
  }

  /** A read-only transaction that sees one snapshot of the whole database. */
  static TransactionTemplate snapshot(PlatformTransactionManager transactionManager) {
    TransactionTemplate template = new TransactionTemplate(transactionManager);
    template.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    template.setReadOnly(true);
    return template;
  }

  public Map<String, Object> verify(String tenant) {
    return snapshot.execute(status -> run(tenant));
  }

  private Map<String, Object> run(String tenant) {
    Problems problems = new Problems();
    long head = events.head();
    Chain chain = new Chain(problems);
    events.streamByAggregate(tenant, chain::check);

    int beforeLedger = problems.total;
    for (AssetSum asset : reconciliation.assets(tenant)) {
      if (!asset.postedSum().equals(BigInteger.ZERO)) {
        problems.add(
            problem("ledger_unbalanced")
                .asset(asset.asset())
                .position(asset.position())
                .expected(0)
                .actual(asset.postedSum())
                .detail(
                    "the posted balances of the "
                        + asset.accounts()
                        + " accounts of "
                        + asset.asset()
                        + " sum to "
                        + asset.postedSum()));
      }
      if (!asset.pendingDebitsSum().equals(asset.pendingCreditsSum())) {
        problems.add(
            problem("ledger_pending_unbalanced")
                .asset(asset.asset())
                .position(asset.position())
                .expected(asset.pendingDebitsSum())
                .actual(asset.pendingCreditsSum())
                .detail(
                    "pending transfers of "
                        + asset.asset()
                        + " hold "
                        + asset.pendingDebitsSum()
                        + " on their debit side and will credit "
                        + asset.pendingCreditsSum()));
      }
    }
    int ledgerProblems = problems.total - beforeLedger;

    long balancesReached = positions.reached(BalanceProjection.NAME);
    int beforeAccounts = problems.total;
    for (AccountMismatch mismatch :
        reconciliation.accountMismatches(tenant, balancesReached, PROBLEMS_MAX)) {
      String kind =
          switch (mismatch.issue()) {
            case "NOT_IN_HISTORY" -> "account_not_in_history";
            case "MISSING_IN_CACHE" -> "account_missing_in_cache";
            default -> "balance_differs";
          };
      problems.add(
          problem(kind)
              .accountId(mismatch.accountId())
              .asset(mismatch.asset())
              .position(mismatch.position())
              .expected(balances(mismatch.history()))
              .actual(mismatch.cached() == null ? null : balances(mismatch.cached()))
              .detail(accountDetail(mismatch)));
    }
    int accountProblems = problems.total - beforeAccounts;

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("ok", problems.total == 0);
    report.put("eventsChecked", chain.checked);
    report.put("chainValid", chain.found == 0);
    report.put("ledgerBalanced", ledgerProblems == 0);
    report.put("projectionsMatch", accountProblems == 0);
    report.put("position", head);
    report.put("problemsTotal", problems.total);
    report.put("problems", problems.listed);
    return report;
  }

  /** Walks one aggregate after another, each in sequence order, keeping only the last event. */
  private final class Chain {
    private final Problems problems;
    private StoredEvent last;
    private long checked;
    private int found;

    Chain(Problems problems) {
      this.problems = problems;
    }

    void check(StoredEvent event) {
      checked++;
      byte[] expectedPrevious = null;
      boolean previousKnown = true;
      if (event.sequence() > 0) {
        if (last != null
            && last.aggregateId().equals(event.aggregateId())
            && last.sequence() == event.sequence() - 1) {
          expectedPrevious = last.hash();
        } else {
          // the previous event is another tenant's, or missing
          var stored = events.hashOf(event.aggregateId(), event.sequence() - 1);
          if (stored.isPresent()) {
            expectedPrevious = stored.get();
          } else {
            previousKnown = false;
            report(
                problem("missing_previous_event")
                    .event(event)
                    .detail(
                        "event "
                            + event.sequence()
                            + " of "
                            + event.aggregateId()
                            + " follows an event "
                            + (event.sequence() - 1)
                            + " that is not in the store"));
          }
        }
      }
      if (previousKnown && !Arrays.equals(expectedPrevious, event.previousHash())) {
        report(
            problem("chain_broken")
                .event(event)
                .expected(EventHashes.hex(expectedPrevious))
                .actual(EventHashes.hex(event.previousHash()))
                .detail(
                    "previous_hash of event "
                        + event.sequence()
                        + " of "
                        + event.aggregateId()
                        + " is not the hash of the event before it"));
      }
      byte[] recomputed = EventHashes.hash(event.previousHash(), event);
      if (!Arrays.equals(recomputed, event.hash())) {
        report(
            problem("hash_mismatch")
                .event(event)
                .expected(EventHashes.hex(recomputed))
                .actual(EventHashes.hex(event.hash()))
                .detail(
                    "the stored bytes of event "
                        + event.sequence()
                        + " of "
                        + event.aggregateId()
                        + " (position "
                        + event.position()
                        + ") do not hash to its stored hash: it was changed after it was"
                        + " appended"));
      }
      last = event;
    }

    private void report(Problem problem) {
      found++;
      problems.add(problem);
    }
  }

  private static String accountDetail(AccountMismatch mismatch) {
    return switch (mismatch.issue()) {
      case "NOT_IN_HISTORY" ->
          "the balance cache holds account "
              + mismatch.accountId()
              + ", which the event history never opened";
      case "MISSING_IN_CACHE" ->
          "account "
              + mismatch.accountId()
              + " was opened at position "
              + mismatch.position()
              + " and the balance projection has passed it, but the cache has no row for it";
      default ->
          "the cached balances of "
              + mismatch.accountId()
              + " differ from its event history up to position "
              + mismatch.position()
              + " (posted "
              + mismatch.cached().posted()
              + " cached, "
              + mismatch.history().posted()
              + " in the history)";
    };
  }

  private static Map<String, Object> balances(Balances balances) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("posted", balances.posted());
    view.put("debitsPosted", balances.debitsPosted());
    view.put("creditsPosted", balances.creditsPosted());
    view.put("debitsPending", balances.debitsPending());
    view.put("creditsPending", balances.creditsPending());
    return view;
  }

  private static Problem problem(String kind) {
    return new Problem(kind);
  }

  /** The problems found, listed up to {@link #PROBLEMS_MAX} and counted in full. */
  private static final class Problems {
    final List<Map<String, Object>> listed = new ArrayList<>();
    int total;

    void add(Problem problem) {
      total++;
      if (listed.size() < PROBLEMS_MAX) {
        listed.add(problem.fields);
      }
    }
  }

  /** One problem, as the answer shows it: only the fields that apply to its kind. */
  private static final class Problem {
    final Map<String, Object> fields = new LinkedHashMap<>();

    Problem(String kind) {
      fields.put("kind", kind);
    }

    Problem event(StoredEvent event) {
      fields.put("position", event.position());
      fields.put("aggregateId", event.aggregateId());
      fields.put("sequence", event.sequence());
      fields.put("type", event.type());
      return this;
    }

    Problem position(long position) {
      fields.put("position", position);
      return this;
    }

    Problem accountId(String accountId) {
      fields.put("accountId", accountId);
      return this;
    }

    Problem asset(String asset) {
      fields.put("asset", asset);
      return this;
    }

    Problem expected(Object expected) {
      fields.put("expected", expected);
      return this;
    }

    Problem actual(Object actual) {
      fields.put("actual", actual);
      return this;
    }

    Problem detail(String detail) {
      fields.put("detail", detail);
      return this;
    }
  }
}
