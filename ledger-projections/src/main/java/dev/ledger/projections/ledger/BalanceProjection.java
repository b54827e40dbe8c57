package dev.ledger.projections.ledger;

import dev.ledger.core.account.AccountEvents.AccountCreditReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountCreditReserved;
import dev.ledger.core.account.AccountEvents.AccountCredited;
import dev.ledger.core.account.AccountEvents.AccountDebitReservationReleased;
import dev.ledger.core.account.AccountEvents.AccountDebitReserved;
import dev.ledger.core.account.AccountEvents.AccountDebited;
import dev.ledger.core.account.AccountEvents.AccountFrozen;
import dev.ledger.core.account.AccountEvents.AccountOpened;
import dev.ledger.core.account.AccountEvents.AccountUnfrozen;
import dev.ledger.core.account.Movement;
import dev.ledger.core.shared.AccountId;
import dev.ledger.projections.support.DeferredWrites;
import dev.ledger.projections.support.Json;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The balance cache and the account statements. Runs in the processor's transaction, together with
 * its token update, so each event is applied exactly once. The writes of a batch of events are made
 * together when it commits ({@link DeferredWrites}): one update per account, not per event.
 */
@ProcessingGroup(BalanceProjection.NAME)
public class BalanceProjection {
  public static final String NAME = "balances";

  private final JdbcTemplate jdbc;

  public BalanceProjection(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @EventHandler
  void on(AccountOpened event, TrackingToken token) {
    Writes writes = writes();
    writes.opened.add(
        new Object[] {
          event.accountId().tenant().value(),
          event.accountId().address(),
          event.asset(),
          event.allowNegative(),
          Json.write(event.metadata()),
          Timestamp.from(event.openedAt()),
          Positions.of(token)
        });
    DeferredWrites.flushIfImmediate(writes);
  }

  @EventHandler
  void on(AccountFrozen event, TrackingToken token) {
    setFrozen(event.accountId(), true, token);
  }

  @EventHandler
  void on(AccountUnfrozen event, TrackingToken token) {
    setFrozen(event.accountId(), false, token);
  }

  @EventHandler
  void on(
      AccountDebited event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    Writes writes = writes();
    writes.add(event.accountId(), DEBITS_POSTED, event.movement().amount(), token);
    writes.entry(
        event.accountId(),
        event.movement(),
        -event.movement().amount(),
        event.postedAfter(),
        token,
        at);
    DeferredWrites.flushIfImmediate(writes);
  }

  @EventHandler
  void on(
      AccountCredited event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    Writes writes = writes();
    writes.add(event.accountId(), CREDITS_POSTED, event.movement().amount(), token);
    writes.entry(
        event.accountId(),
        event.movement(),
        event.movement().amount(),
        event.postedAfter(),
        token,
        at);
    DeferredWrites.flushIfImmediate(writes);
  }

  @EventHandler
  void on(AccountDebitReserved event, TrackingToken token) {
    add(event.accountId(), DEBITS_PENDING, event.movement().amount(), token);
  }

  @EventHandler
  void on(AccountCreditReserved event, TrackingToken token) {
    add(event.accountId(), CREDITS_PENDING, event.movement().amount(), token);
  }

  @EventHandler
  void on(AccountDebitReservationReleased event, TrackingToken token) {
    add(event.accountId(), DEBITS_PENDING, -event.amount(), token);
  }

  @EventHandler
  void on(AccountCreditReservationReleased event, TrackingToken token) {
    add(event.accountId(), CREDITS_PENDING, -event.amount(), token);
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM account_entry");
    jdbc.update("DELETE FROM account_balance");
  }

  private void setFrozen(AccountId account, boolean frozen, TrackingToken token) {
    Writes writes = writes();
    writes.frozen.put(
        account,
        new Object[] {frozen, Positions.of(token), account.tenant().value(), account.address()});
    DeferredWrites.flushIfImmediate(writes);
  }

  private void add(AccountId account, int column, long delta, TrackingToken token) {
    Writes writes = writes();
    writes.add(account, column, delta, token);
    DeferredWrites.flushIfImmediate(writes);
  }

  private Writes writes() {
    return DeferredWrites.pending(NAME, Writes::new);
  }

  private static final int DEBITS_POSTED = 0;
  private static final int CREDITS_POSTED = 1;
  private static final int DEBITS_PENDING = 2;
  private static final int CREDITS_PENDING = 3;
  private static final int LAST_POSITION = 4;

  /**
   * The writes of one batch of events. Balance changes are sums, so each account gets one update
   * per batch carrying the sum of its changes and the position of its latest event; accounts are
   * inserted before they are updated, and frozen flags keep the last value the batch set.
   */
  private final class Writes implements DeferredWrites.Pending {
    private final List<Object[]> opened = new ArrayList<>();
    private final Map<AccountId, Object[]> frozen = new LinkedHashMap<>();
    private final Map<AccountId, long[]> sums = new LinkedHashMap<>();
    private final List<Object[]> entries = new ArrayList<>();

    void add(AccountId account, int column, long delta, TrackingToken token) {
      long[] sum = sums.computeIfAbsent(account, a -> new long[5]);
      sum[column] = Math.addExact(sum[column], delta);
      sum[LAST_POSITION] = Math.max(sum[LAST_POSITION], Positions.of(token));
    }

    void entry(
        AccountId account,
        Movement movement,
        long signedAmount,
        long balanceAfter,
        TrackingToken token,
        Instant at) {
      entries.add(
          new Object[] {
            account.tenant().value(),
            account.address(),
            Positions.of(token),
            movement.transferId(),
            movement.counterparty(),
            signedAmount,
            balanceAfter,
            movement.code(),
            movement.reference(),
            Timestamp.from(at)
          });
    }

    @Override
    public void flush() {
      if (!opened.isEmpty()) {
        jdbc.batchUpdate(
            """
            INSERT INTO account_balance (tenant_id, address, asset, allow_negative, metadata, created_at, last_position)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT DO NOTHING""",
            opened);
      }
      if (!frozen.isEmpty()) {
        jdbc.batchUpdate(
            "UPDATE account_balance SET frozen = ?, last_position = GREATEST(last_position, ?)"
                + " WHERE tenant_id = ? AND address = ?",
            new ArrayList<>(frozen.values()));
      }
      if (!sums.isEmpty()) {
        List<Object[]> rows = new ArrayList<>(sums.size());
        sums.forEach(
            (account, sum) ->
                rows.add(
                    new Object[] {
                      sum[DEBITS_POSTED],
                      sum[CREDITS_POSTED],
                      sum[DEBITS_PENDING],
                      sum[CREDITS_PENDING],
                      sum[LAST_POSITION],
                      account.tenant().value(),
                      account.address()
                    }));
        jdbc.batchUpdate(
            "UPDATE account_balance SET debits_posted = debits_posted + ?,"
                + " credits_posted = credits_posted + ?, debits_pending = debits_pending + ?,"
                + " credits_pending = credits_pending + ?,"
                + " last_position = GREATEST(last_position, ?)"
                + " WHERE tenant_id = ? AND address = ?",
            rows);
      }
      if (!entries.isEmpty()) {
        jdbc.batchUpdate(
            """
            INSERT INTO account_entry (tenant_id, address, position, transfer_id, counterparty, amount, balance_after,
                                       code, reference, occurred_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
            entries);
      }
      opened.clear();
      frozen.clear();
      sums.clear();
      entries.clear();
    }
  }
}
