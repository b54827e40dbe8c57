package dev.ledger.api.escrow;

import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.leaderboard.Csv;
import dev.ledger.api.ledger.Assets;
import dev.ledger.api.ledger.Positions;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.Paging;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.projections.escrow.EscrowProjection;
import dev.ledger.projections.escrow.EscrowQueries;
import dev.ledger.projections.escrow.EscrowQueries.Day;
import dev.ledger.projections.escrow.EscrowQueries.EscrowRow;
import dev.ledger.projections.support.Page;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Escrow reconciliation: per day (UTC, by the day an escrow was created) what completed, was
 * refunded, is still pending, failed, or waits in manual review; and the escrows stuck in a
 * non-final state for longer than a threshold. JSON, or CSV to {@code Accept: text/csv}.
 */
@RestController
public class EscrowReconciliationController {
  static final int DAYS_MAX = 366;
  private static final List<String> DAILY_CSV =
      List.of(
          "day",
          "count",
          "completedAmount",
          "refundedAmount",
          "pendingAmount",
          "failedAmount",
          "canceledAmount",
          "manualReview",
          "payoutFailedAmount");
  private static final List<String> STUCK_CSV =
      List.of(
          "id",
          "status",
          "amount",
          "currency",
          "payeeStripeAccount",
          "reviewStep",
          "lastError",
          "updatedAt");

  private final EscrowQueries queries;
  private final Positions positions;
  private final Paging paging;
  private final Assets assets;
  private final Clock clock;
  private final Duration stuckAfter;

  public EscrowReconciliationController(
      EscrowQueries queries,
      Positions positions,
      Paging paging,
      Assets assets,
      Clock clock,
      LedgerProperties properties) {
    this.queries = queries;
    this.positions = positions;
    this.paging = paging;
    this.assets = assets;
    this.clock = clock;
    this.stuckAfter = properties.escrow().stuckAfter();
  }

  @GetMapping("/v1/reconciliation/escrows/daily")
  @RequiresScope(Scope.AUDIT_READ)
  ResponseEntity<Object> daily(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String currency,
      @RequestParam(required = false) String minPosition,
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    LocalDate end = to == null ? today : date("to", to);
    LocalDate start = from == null ? end.minusDays(29) : date("from", from);
    if (start.isAfter(end)) {
      throw ApiException.invalid("from", "must not be after to");
    }
    if (ChronoUnit.DAYS.between(start, end) >= DAYS_MAX) {
      throw ApiException.invalid("from", "the range must be at most " + DAYS_MAX + " days");
    }
    if (currency != null && !(assets.isKnown(currency) && assets.isCurrency(currency))) {
      throw ApiException.invalid("currency", "must be a currency the engine knows, such as USD");
    }
    long position = positions.await(EscrowProjection.NAME, Positions.parseMinPosition(minPosition));
    List<Day> days = queries.daily(RequestContext.current().tenant(), start, end, currency);
    if (Csv.isPreferred(accept)) {
      Csv csv = new Csv(DAILY_CSV);
      for (Day d : days) {
        csv.row(
            d.day().toString(),
            Long.toString(d.count()),
            Long.toString(d.completedAmount()),
            Long.toString(d.refundedAmount()),
            Long.toString(d.pendingAmount()),
            Long.toString(d.failedAmount()),
            Long.toString(d.canceledAmount()),
            Long.toString(d.manualReview()),
            Long.toString(d.payoutFailedAmount()));
      }
      return ResponseEntity.ok().contentType(Csv.MEDIA_TYPE).body(csv.toString());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", start.toString());
    body.put("to", end.toString());
    body.put("currency", currency);
    body.put(
        "days",
        days.stream()
            .map(
                d -> {
                  Map<String, Object> day = new LinkedHashMap<>();
                  day.put("day", d.day().toString());
                  day.put("count", d.count());
                  day.put("completedAmount", d.completedAmount());
                  day.put("refundedAmount", d.refundedAmount());
                  day.put("pendingAmount", d.pendingAmount());
                  day.put("failedAmount", d.failedAmount());
                  day.put("canceledAmount", d.canceledAmount());
                  day.put("manualReview", d.manualReview());
                  day.put("payoutFailedAmount", d.payoutFailedAmount());
                  return day;
                })
            .toList());
    body.put("position", position);
    return ResponseEntity.ok(body);
  }

  @GetMapping("/v1/reconciliation/escrows/stuck")
  @RequiresScope(Scope.AUDIT_READ)
  ResponseEntity<Object> stuck(
      @RequestParam(required = false) String olderThan,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String minPosition,
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
    Duration threshold = olderThan == null ? stuckAfter : duration(olderThan);
    int size = paging.limit(limit);
    Paging.checkCursor(cursor);
    long position = positions.await(EscrowProjection.NAME, Positions.parseMinPosition(minPosition));
    Page<EscrowRow> page;
    try {
      page =
          queries.stuck(
              RequestContext.current().tenant(), clock.instant().minus(threshold), size, cursor);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("cursor", "is not a cursor this API issued");
    }
    if (Csv.isPreferred(accept)) {
      Csv csv = new Csv(STUCK_CSV);
      for (EscrowRow row : page.data()) {
        csv.row(
            row.id(),
            row.status(),
            Long.toString(row.amount()),
            row.currency(),
            row.payeeAccount(),
            row.reviewStep() == null ? "" : row.reviewStep(),
            row.lastError() == null ? "" : row.lastError(),
            row.updatedAt().toString());
      }
      return ResponseEntity.ok().contentType(Csv.MEDIA_TYPE).body(csv.toString());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("olderThan", threshold.toString());
    body.put("data", page.data().stream().map(EscrowJson::of).toList());
    body.put("nextCursor", page.nextCursor());
    body.put("position", position);
    return ResponseEntity.ok(body);
  }

  private static LocalDate date(String field, String raw) {
    try {
      return LocalDate.parse(raw);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(field, "must be a date YYYY-MM-DD");
    }
  }

  /** An ISO-8601 duration ({@code PT1H}, {@code P2D}) from one minute to a year. */
  private static Duration duration(String raw) {
    Duration value;
    try {
      value = Duration.parse(raw);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid("olderThan", "must be an ISO-8601 duration such as PT1H");
    }
    if (value.toMinutes() < 1 || value.compareTo(Duration.ofDays(366)) > 0) {
      throw ApiException.invalid("olderThan", "must be between PT1M and P366D");
    }
    return value;
  }
}
