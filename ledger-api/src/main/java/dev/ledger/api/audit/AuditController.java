package dev.ledger.api.audit;

import dev.ledger.api.audit.AuditEventStore.Filter;
import dev.ledger.api.config.LedgerProperties;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.Paging;
import dev.ledger.api.web.RequestContext;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.projections.support.Cursors;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The audit endpoints, for keys with {@code audit:read}: a tenant's events with their hash chain,
 * page by page or as one streamed export, and a verification of the chain and of the ledger's
 * invariants. A tenant sees the events whose metadata names it.
 */
@RestController
public class AuditController {
  public static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.$]{1,255}");
  private static final int AGGREGATE_ID_LENGTH_MAX = 512;

  /** Bytes buffered before they go to the client. */
  private static final int EXPORT_BUFFER_BYTES = 64 * 1024;

  private final AuditEventStore events;
  private final AuditVerifier verifier;
  private final Paging paging;
  private final TransactionTemplate snapshot;
  private final Semaphore scans;

  public AuditController(
      AuditEventStore events,
      AuditVerifier verifier,
      Paging paging,
      PlatformTransactionManager transactionManager,
      LedgerProperties properties) {
    this.events = events;
    this.verifier = verifier;
    this.paging = paging;
    this.snapshot = AuditVerifier.snapshot(transactionManager);
    this.scans = new Semaphore(properties.audit().scansMax());
  }

  @GetMapping("/v1/audit/events")
  @RequiresScope(Scope.AUDIT_READ)
  Map<String, Object> events(
      @RequestParam(required = false) String after,
      @RequestParam(required = false) String aggregateId,
      @RequestParam(required = false) String type,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor) {
    long from = position("after", after, 0);
    int size = paging.limit(limit);
    Paging.checkCursor(cursor);
    if (cursor != null) {
      from = Math.max(from, cursorPosition(cursor));
    }
    Filter filter = new Filter(from, null, aggregateId(aggregateId), type(type));
    List<StoredEvent> rows = events.page(RequestContext.current().tenant(), filter, size + 1);
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("data", rows.stream().limit(size).map(AuditEventViews::view).toList());
    page.put(
        "nextCursor",
        rows.size() > size ? Cursors.encode(Long.toString(rows.get(size - 1).position())) : null);
    return page;
  }

  /**
   * Every event of the tenant after {@code after} and up to {@code until}, one JSON object a line,
   * read in one snapshot through a database cursor and written as it is read: memory stays the same
   * however long the history. A failure midway cuts the response off without its last chunk, so a
   * client cannot take a partial export for a whole one.
   */
  @GetMapping("/v1/audit/export")
  @RequiresScope(Scope.AUDIT_READ)
  ResponseEntity<StreamingResponseBody> export(
      @RequestParam(required = false) String after, @RequestParam(required = false) String until) {
    long from = position("after", after, 0);
    Long to = until == null ? null : position("until", until, 0);
    if (to != null && to < from) {
      throw ApiException.invalid("until", "must not be below after");
    }
    String tenant = RequestContext.current().tenant();
    Filter filter = new Filter(from, to, null, null);
    acquireScan();
    StreamingResponseBody body =
        output -> {
          try {
            OutputStream buffered = new BufferedOutputStream(output, EXPORT_BUFFER_BYTES);
            snapshot.executeWithoutResult(
                status -> events.stream(tenant, filter, event -> write(buffered, event)));
            buffered.flush();
          } catch (UncheckedIOException e) {
            throw e.getCause();
          } finally {
            scans.release();
          }
        };
    return ResponseEntity.ok().contentType(NDJSON).header("Cache-Control", "no-store").body(body);
  }

  @GetMapping("/v1/audit/verify")
  @RequiresScope(Scope.AUDIT_READ)
  Map<String, Object> verify() {
    acquireScan();
    try {
      return verifier.verify(RequestContext.current().tenant());
    } finally {
      scans.release();
    }
  }

  private void acquireScan() {
    if (!scans.tryAcquire()) {
      throw new ApiException(
          HttpStatus.TOO_MANY_REQUESTS,
          "rate_limited",
          "as many exports and verifications as this instance runs at once are running; retry"
              + " when one has finished");
    }
  }

  private static void write(OutputStream output, StoredEvent event) {
    try {
      output.write(AuditEventViews.line(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long position(String name, String raw, long absent) {
    if (raw == null) {
      return absent;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.invalid(name, "must be a position: a non-negative integer");
  }

  private static long cursorPosition(String cursor) {
    try {
      long position = Cursors.decodeLong(cursor);
      if (position >= 0) {
        return position;
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw ApiException.invalid("cursor", "is not a cursor this API issued");
  }

  private static String aggregateId(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty()
        || raw.length() > AGGREGATE_ID_LENGTH_MAX
        || raw.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.invalid(
          "aggregateId",
          "must be an aggregate identifier as events show it (tenant/kind/id), at most "
              + AGGREGATE_ID_LENGTH_MAX
              + " characters");
    }
    return raw;
  }

  private static String type(String raw) {
    if (raw == null) {
      return null;
    }
    if (!TYPE.matcher(raw).matches()) {
      throw ApiException.invalid(
          "type", "must be an event type such as AccountDebited, or its full class name");
    }
    return raw;
  }
}
