package dev.ledger.projections.ledger;

import dev.ledger.core.shared.TransferId;
import dev.ledger.core.transfer.TransferEvents.JournalEntryPosted;
import dev.ledger.core.transfer.TransferEvents.PendingTransferExpired;
import dev.ledger.core.transfer.TransferEvents.PendingTransferPosted;
import dev.ledger.core.transfer.TransferEvents.PendingTransferVoided;
import dev.ledger.core.transfer.TransferEvents.TransferPending;
import dev.ledger.core.transfer.TransferEvents.TransferPosted;
import dev.ledger.core.transfer.TransferSpec;
import dev.ledger.core.transfer.TransferStatus;
import dev.ledger.projections.support.DeferredWrites;
import dev.ledger.projections.support.Json;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Transfers by id, by account and by reference; journal entries by id. The transfer writes of a
 * batch of events are made together when it commits ({@link DeferredWrites}).
 */
@ProcessingGroup(TransferProjection.NAME)
public class TransferProjection {
  public static final String NAME = "transfers";

  private final JdbcTemplate jdbc;

  public TransferProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @EventHandler
  void on(TransferPosted event, TrackingToken token) {
    insert(
        event.transferId(),
        event.spec(),
        TransferStatus.POSTED,
        event.spec().amount(),
        event.postedAt(),
        null,
        event.postedAt(),
        token);
  }

  @EventHandler
  void on(TransferPending event, TrackingToken token) {
    insert(
        event.transferId(),
        event.spec(),
        TransferStatus.PENDING,
        0,
        event.createdAt(),
        event.expiresAt(),
        null,
        token);
  }

  @EventHandler
  void on(PendingTransferPosted event, TrackingToken token) {
    close(event.transferId(), TransferStatus.POSTED, event.amount(), event.postedAt(), token);
  }

  @EventHandler
  void on(PendingTransferVoided event, TrackingToken token) {
    close(event.transferId(), TransferStatus.VOIDED, 0, event.voidedAt(), token);
  }

  @EventHandler
  void on(PendingTransferExpired event, TrackingToken token) {
    close(event.transferId(), TransferStatus.EXPIRED, 0, event.expiredAt(), token);
  }

  @EventHandler
  void on(JournalEntryPosted event, TrackingToken token) {
    jdbc.update(
        """
        INSERT INTO journal_entry (tenant_id, id, postings, code, reference, metadata, posted_at, last_position)
        VALUES (?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?) ON CONFLICT DO NOTHING""",
        event.entryId().tenant().value(),
        event.entryId().id(),
        Json.write(event.postings()),
        event.code(),
        event.reference(),
        Json.write(event.metadata()),
        Timestamp.from(event.postedAt()),
        Positions.of(token));
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM transfer");
    jdbc.update("DELETE FROM journal_entry");
  }

  private void insert(
      TransferId id,
      TransferSpec spec,
      TransferStatus status,
      long postedAmount,
      Instant createdAt,
      Instant expiresAt,
      Instant closedAt,
      TrackingToken token) {
    long position = Positions.of(token);
    Writes writes = writes();
    writes.inserts.add(
        new Object[] {
          id.tenant().value(),
          id.id(),
          spec.debitAccount().address(),
          spec.creditAccount().address(),
          spec.amount(),
          postedAmount,
          spec.asset(),
          status.name(),
          spec.code(),
          spec.reference(),
          Json.write(spec.metadata()),
          spec.pending(),
          spec.timeoutSeconds(),
          Timestamp.from(createdAt),
          expiresAt == null ? null : Timestamp.from(expiresAt),
          closedAt == null ? null : Timestamp.from(closedAt),
          position,
          position
        });
    DeferredWrites.flushIfImmediate(writes);
  }

  private void close(
      TransferId id, TransferStatus status, long postedAmount, Instant at, TrackingToken token) {
    Writes writes = writes();
    writes.closes.add(
        new Object[] {
          status.name(),
          postedAmount,
          Timestamp.from(at),
          Positions.of(token),
          id.tenant().value(),
          id.id()
        });
    DeferredWrites.flushIfImmediate(writes);
  }

  private Writes writes() {
    return DeferredWrites.pending(NAME, Writes::new);
  }

  /**
   * The writes of one batch of events: the new transfers first, then the closings in event order (a
   * transfer held and closed in the same batch is inserted before it is closed).
   */
  private final class Writes implements DeferredWrites.Pending {
    private final List<Object[]> inserts = new ArrayList<>();
    private final List<Object[]> closes = new ArrayList<>();

    @Override
    public void flush() {
      if (!inserts.isEmpty()) {
        jdbc.batchUpdate(
            """
            INSERT INTO transfer (tenant_id, id, debit_account, credit_account, amount, posted_amount, asset, status, code,
                                  reference, metadata, pending, timeout_seconds, created_at, expires_at, closed_at,
                                  created_position, last_position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
            inserts);
      }
      if (!closes.isEmpty()) {
        jdbc.batchUpdate(
            "UPDATE transfer SET status = ?, posted_amount = ?, closed_at = ?, last_position = ?"
                + " WHERE tenant_id = ? AND id = ?",
            closes);
      }
      inserts.clear();
      closes.clear();
    }
  }
}
