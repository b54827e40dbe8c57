package dev.ledger.api.reconciliation;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.leaderboard.Csv;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.Paging;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.projections.ledger.BalanceProjection;
import dev.ledger.projections.ledger.TransferProjection;
import dev.ledger.projections.reconciliation.PaymentReconciliationProjection;
import dev.ledger.projections.reconciliation.ReconciliationQueries;
import dev.ledger.projections.reconciliation.ReconciliationQueries.AccountMismatch;
import dev.ledger.projections.reconciliation.ReconciliationQueries.AssetSum;
import dev.ledger.projections.reconciliation.ReconciliationQueries.Balances;
import dev.ledger.projections.reconciliation.ReconciliationQueries.PaymentMovement;
import dev.ledger.projections.support.Page;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reconciliation for auditors and finance ({@code audit:read}), in JSON or, to {@code Accept:
 * text/csv}, CSV. Both read the views analysts query in SQL ({@code v_reconciliation_ledger},
 * {@code v_reconciliation_accounts}, {@code v_reconciliation_payments}), so the two never disagree.
 */
@RestController
public class ReconciliationController {
  /** Differing accounts listed in one answer. */
  static final int MISMATCHES_MAX = 1_000;

  static final List<String> LEDGER_CSV_HEADER =
      List.of(
          "record",
          "asset",
          "accountId",
          "issue",
          "position",
          "accounts",
          "postedSum",
          "pendingDebitsSum",
          "pendingCreditsSum",
          "balanced",
          "cachedPosted",
          "historyPosted",
          "cachedPendingDebits",
          "historyPendingDebits",
          "cachedPendingCredits",
          "historyPendingCredits");

  static final List<String> PAYMENTS_CSV_HEADER =
      List.of(
          "status",
          "movement",
          "stripeObjectId",
          "paymentIntentId",
          "orderType",
          "referenceId",
          "resourceId",
          "stripeStatus",
          "stripeAmount",
          "currency",
          "domainStatus",
          "expectedAmount",
          "domainAmount",
          "ledgerTransferId",
          "ledgerAmount",
          "since",
          "webhookEventId",
          "detail");

  /**
   * What {@code status=} accepts: {@code unmatched} (all but MATCHED), {@code all}, or a status.
   */
  static final String STATUS_FILTERS =
      "unmatched, all, matched, amount_mismatch, missing_in_ledger, stuck or in_progress";

  private final ReconciliationQueries queries;
  private final Positions positions;
  private final Paging paging;
  private final TransactionTemplate snapshot;
  private final Duration stuckAfter;

  public ReconciliationController(
      ReconciliationQueries queries,
      Positions positions,
      Paging paging,
      PlatformTransactionManager transactionManager,
      LedgerProperties properties) {
    this.queries = queries;
    this.positions = positions;
    this.paging = paging;
    this.snapshot = new TransactionTemplate(transactionManager);
    this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    this.snapshot.setReadOnly(true);
    this.stuckAfter = properties.reconciliation().stuckAfter();
  }

  /**
   * Per asset, the sums of the balances the event history gives (posted must sum to zero, pending
   * debits must equal pending credits), and every account whose cached balances differ from its
   * history; {@code balanced} when there is nothing to report.
   */
  @GetMapping("/v1/reconciliation/ledger")
  @RequiresScope(Scope.AUDIT_READ)
  ResponseEntity<Object> ledger(
      @RequestParam(required = false) String minPosition,
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
    Long wanted = Positions.parseMinPosition(minPosition);
    positions.await(BalanceProjection.NAME, wanted);
    String tenant = RequestContext.current().tenant();
    LedgerReport report =
        snapshot.execute(
            status -> {
              long reached = positions.reached(BalanceProjection.NAME);
              return new LedgerReport(
                  positions.head(),
                  queries.assets(tenant),
                  queries.accountMismatches(tenant, reached, MISMATCHES_MAX + 1));
            });
    Objects.requireNonNull(report);
    List<AccountMismatch> mismatches = report.mismatches().stream().limit(MISMATCHES_MAX).toList();
    boolean balanced =
        report.assets().stream().allMatch(AssetSum::balanced) && report.mismatches().isEmpty();

    if (Csv.isPreferred(accept)) {
      Csv csv = new Csv(LEDGER_CSV_HEADER);
      for (AssetSum asset : report.assets()) {
        csv.row(
            "asset",
            asset.asset(),
            "",
            asset.balanced() ? "" : "UNBALANCED",
            Long.toString(asset.position()),
            Long.toString(asset.accounts()),
            asset.postedSum().toString(),
            asset.pendingDebitsSum().toString(),
            asset.pendingCreditsSum().toString(),
            Boolean.toString(asset.balanced()),
            "",
            "",
            "",
            "",
            "",
            "");
      }
      for (AccountMismatch mismatch : mismatches) {
        Balances cached = mismatch.cached();
        Balances history = mismatch.history();
        csv.row(
            "account",
            mismatch.asset(),
            mismatch.accountId(),
            mismatch.issue(),
            Long.toString(mismatch.position()),
            "",
            "",
            "",
            "",
            "false",
            text(cached == null ? null : cached.posted()),
            text(history.posted()),
            text(cached == null ? null : cached.debitsPending()),
            text(history.debitsPending()),
            text(cached == null ? null : cached.creditsPending()),
            text(history.creditsPending()));
      }
      return ResponseEntity.ok().contentType(Csv.MEDIA_TYPE).body(csv.toString());
    }

    Map<String, Object> view = new LinkedHashMap<>();
    view.put("balanced", balanced);
    view.put("assets", report.assets().stream().map(ReconciliationController::asset).toList());
    view.put("mismatches", mismatches.stream().map(ReconciliationController::mismatch).toList());
    view.put("mismatchesTruncated", report.mismatches().size() > MISMATCHES_MAX);
    view.put("position", wanted == null ? report.head() : Math.max(report.head(), wanted));
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(view);
  }

  private record LedgerReport(long head, List<AssetSum> assets, List<AccountMismatch> mismatches) {}

  /**
   * Every Stripe money movement the engine has seen, against the domain and the ledger, newest
   * first and cursor-paged. The CSV answer holds the same page; {@code Next-Cursor} names the next.
   */
  @GetMapping("/v1/reconciliation/payments")
  @RequiresScope(Scope.AUDIT_READ)
  ResponseEntity<Object> payments(
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String minPosition,
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
    Set<String> statuses = statuses(status);
    int size = paging.limit(limit);
    Paging.checkCursor(cursor);
    Long wanted = Positions.parseMinPosition(minPosition);
    long position =
        Math.min(
            positions.await(PaymentReconciliationProjection.NAME, wanted),
            positions.await(TransferProjection.NAME, wanted));
    String tenant = RequestContext.current().tenant();
    Page<PaymentMovement> page;
    try {
      page = snapshot.execute(tx -> queries.payments(tenant, statuses, size, cursor, stuckAfter));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("cursor", "is not a cursor this API issued");
    }
    Objects.requireNonNull(page);

    if (Csv.isPreferred(accept)) {
      Csv csv = new Csv(PAYMENTS_CSV_HEADER);
      for (PaymentMovement row : page.data()) {
        csv.row(
            row.status(),
            row.movement(),
            row.stripeObjectId(),
            row.paymentIntentId(),
            row.orderType(),
            row.referenceId(),
            row.resourceId(),
            row.stripeStatus(),
            text(row.stripeAmount()),
            row.currency(),
            row.domainStatus(),
            text(row.expectedAmount()),
            text(row.domainAmount()),
            row.ledgerTransferId(),
            text(row.ledgerAmount()),
            row.since().toString(),
            row.webhookEventId(),
            row.detail());
      }
      ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(Csv.MEDIA_TYPE);
      if (page.nextCursor() != null) {
        ok.header("Next-Cursor", page.nextCursor());
      }
      return ok.body(csv.toString());
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("data", page.data().stream().map(ReconciliationController::payment).toList());
    view.put("nextCursor", page.nextCursor());
    view.put("position", position);
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(view);
  }

  private static Set<String> statuses(String raw) {
    if (raw == null) {
      return Set.of();
    }
    String wanted = raw.toUpperCase(Locale.ROOT);
    if (wanted.equals("ALL")) {
      return Set.of();
    }
    if (wanted.equals("UNMATCHED")) {
      Set<String> unmatched = new TreeSet<>(ReconciliationQueries.PAYMENT_STATUSES);
      unmatched.remove("MATCHED");
      return unmatched;
    }
    if (ReconciliationQueries.PAYMENT_STATUSES.contains(wanted)) {
      return Set.of(wanted);
    }
    throw ApiException.invalid("status", "must be " + STATUS_FILTERS);
  }

  private static Map<String, Object> asset(AssetSum asset) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("asset", asset.asset());
    view.put("accounts", asset.accounts());
    view.put("postedSum", asset.postedSum());
    view.put("pendingDebitsSum", asset.pendingDebitsSum());
    view.put("pendingCreditsSum", asset.pendingCreditsSum());
    view.put("balanced", asset.balanced());
    view.put("position", asset.position());
    return view;
  }

  private static Map<String, Object> mismatch(AccountMismatch mismatch) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("accountId", mismatch.accountId());
    view.put("asset", mismatch.asset());
    view.put("issue", mismatch.issue());
    view.put("position", mismatch.position());
    view.put("cached", mismatch.cached() == null ? null : balances(mismatch.cached()));
    view.put("history", balances(mismatch.history()));
    return view;
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

  private static Map<String, Object> payment(PaymentMovement row) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("status", row.status());
    view.put("movement", row.movement());
    view.put("stripeObjectId", row.stripeObjectId());
    view.put("paymentIntentId", row.paymentIntentId());
    view.put("orderType", row.orderType());
    view.put("referenceId", row.referenceId());
    view.put("resourceId", row.resourceId());
    view.put("stripeStatus", row.stripeStatus());
    view.put("stripeAmount", row.stripeAmount());
    view.put("currency", row.currency());
    view.put("domainStatus", row.domainStatus());
    view.put("expectedAmount", row.expectedAmount());
    view.put("domainAmount", row.domainAmount());
    view.put("ledgerTransferId", row.ledgerTransferId());
    view.put("ledgerAmount", row.ledgerAmount());
    view.put("since", row.since().toString());
    view.put("webhookEventId", row.webhookEventId());
    view.put("detail", row.detail());
    return view;
  }

  private static String text(Long value) {
    return value == null ? "" : value.toString();
  }
}
