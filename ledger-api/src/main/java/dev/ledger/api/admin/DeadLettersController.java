package dev.ledger.api.admin;

import dev.ledger.api.stripe.WebhookInbox;
import dev.ledger.api.stripe.WebhookInbox.Status;
import dev.ledger.api.stripe.WebhookInbox.StoredEvent;
import dev.ledger.api.web.ApiException;
import dev.ledger.api.web.Paging;
import dev.ledger.api.web.RequiresScope;
import dev.ledger.api.web.Scope;
import dev.ledger.projections.support.Cursors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What an operator needs when processing fails: the webhook inbox by status, and the dead letters
 * (webhooks parked after their last attempt, and events a projection could not handle), each of
 * which can be retried. Platform administration: the {@code admin} scope.
 */
@RestController
public class DeadLettersController {
  static final String WEBHOOK = "webhook:";
  static final String PROCESSOR = "processor:";

  private final WebhookInbox inbox;
  private final Paging paging;
  private final JdbcTemplate jdbc;
  private final EventProcessingConfiguration processing;

  public DeadLettersController(
      WebhookInbox inbox,
      Paging paging,
      JdbcTemplate jdbc,
      EventProcessingConfiguration processing) {
    this.inbox = inbox;
    this.paging = paging;
    this.jdbc = jdbc;
    this.processing = processing;
  }

  @GetMapping("/v1/admin/webhook-events")
  @RequiresScope(Scope.ADMIN)
  Map<String, Object> webhookEvents(
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor) {
    Status wanted = null;
    if (status != null) {
      try {
        wanted = Status.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(
            "status",
            "must be one of "
                + java.util.Arrays.toString(Status.values()).toLowerCase(Locale.ROOT));
      }
    }
    int size = paging.limit(limit);
    Paging.checkCursor(cursor);
    List<StoredEvent> rows =
        inbox.list(wanted, size, cursor == null ? null : Cursors.decode(cursor));
    String next = rows.size() > size ? Cursors.encode(rows.get(size - 1).eventId()) : null;
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("data", rows.stream().limit(size).map(DeadLettersController::webhook).toList());
    page.put("nextCursor", next);
    return page;
  }

  @GetMapping("/v1/admin/dead-letters")
  @RequiresScope(Scope.ADMIN)
  Map<String, Object> deadLetters(@RequestParam(required = false) String limit) {
    int size = paging.limit(limit);
    List<Map<String, Object>> letters = new ArrayList<>();
    inbox.list(Status.DEAD, size, null).stream().limit(size).forEach(e -> letters.add(webhook(e)));
    jdbc.query(
        "SELECT dead_letter_id, processing_group, sequence_identifier, payload_type, cause_type, cause_message, enqueued_at"
            + " FROM dead_letter_entry ORDER BY enqueued_at LIMIT ?",
        rs -> {
          Map<String, Object> letter = new LinkedHashMap<>();
          letter.put("id", PROCESSOR + rs.getString("dead_letter_id"));
          letter.put("source", "processor");
          letter.put("processingGroup", rs.getString("processing_group"));
          letter.put("sequence", rs.getString("sequence_identifier"));
          letter.put("type", rs.getString("payload_type"));
          letter.put("error", rs.getString("cause_type") + ": " + rs.getString("cause_message"));
          letter.put("enqueuedAt", rs.getString("enqueued_at"));
          letters.add(letter);
        },
        size);
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("data", letters);
    page.put("nextCursor", null);
    return page;
  }

  @PostMapping("/v1/admin/dead-letters/{id}/retry")
  @RequiresScope(Scope.ADMIN)
  ResponseEntity<Object> retry(@PathVariable String id) {
    if (id.startsWith(WEBHOOK)) {
      if (!inbox.retry(id.substring(WEBHOOK.length()))) {
        throw ApiException.notFound("not_found", "no dead or rejected webhook " + id);
      }
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .body(Map.of("id", id, "status", "RETRYING"));
    }
    if (id.startsWith(PROCESSOR)) {
      String letterId = id.substring(PROCESSOR.length());
      String group =
          jdbc
              .query(
                  "SELECT processing_group FROM dead_letter_entry WHERE dead_letter_id = ?",
                  (rs, i) -> rs.getString(1),
                  letterId)
              .stream()
              .findFirst()
              .orElseThrow(() -> ApiException.notFound("not_found", "no dead letter " + id));
      boolean processed =
          processing
              .sequencedDeadLetterProcessor(group)
              .map(
                  p ->
                      p.process(
                          letter ->
                              letter.message().getIdentifier() != null
                                  && matches(letterId, letter)))
              .orElse(false);
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .body(Map.of("id", id, "status", processed ? "PROCESSED" : "STILL_FAILING"));
    }
    throw ApiException.notFound("not_found", "no dead letter " + id);
  }

  private boolean matches(
      String letterId, org.axonframework.messaging.deadletter.DeadLetter<?> letter) {
    return jdbc.queryForObject(
            "SELECT count(*) FROM dead_letter_entry WHERE dead_letter_id = ? AND event_identifier = ?",
            Integer.class,
            letterId,
            letter.message().getIdentifier())
        > 0;
  }

  private static Map<String, Object> webhook(StoredEvent e) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", WEBHOOK + e.eventId());
    view.put("source", "webhook");
    view.put("eventId", e.eventId());
    view.put("type", e.type());
    view.put("status", e.status().name());
    view.put("deliveries", e.deliveries());
    view.put("attempts", e.attempts());
    view.put("receivedAt", e.receivedAt().toString());
    view.put("processedAt", e.processedAt() == null ? null : e.processedAt().toString());
    view.put(
        "nextAttemptAt",
        e.status() == Status.RETRYING || e.status() == Status.RECEIVED
            ? e.nextAttemptAt().toString()
            : null);
    view.put("error", e.lastError());
    view.put("rejectionReason", e.rejectionReason());
    return view;
  }
}
