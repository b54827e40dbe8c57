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
import dev.ledger.projections.support.Json;
import java.sql.Timestamp;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The balance cache and the account statements. Runs in the processor's transaction, together with
 * its token update, so each event is applied exactly once.
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
    jdbc.update(
        """
        INSERT INTO account_balance (tenant_id, address, asset, allow_negative, metadata, created_at, last_position)
        VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT DO NOTHING""",
        event.accountId().tenant().value(),
        event.accountId().address(),
        event.asset(),
        event.allowNegative(),
        Json.write(event.metadata()),
        Timestamp.from(event.openedAt()),
        Positions.of(token));
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
    add(event.accountId(), "debits_posted", event.movement().amount(), token);
    entry(
        event.accountId(),
        event.movement(),
        -event.movement().amount(),
        event.postedAfter(),
        token,
        at);
  }

  @EventHandler
  void on(
      AccountCredited event,
      TrackingToken token,
      @org.axonframework.eventhandling.Timestamp Instant at) {
    add(event.accountId(), "credits_posted", event.movement().amount(), token);
    entry(
        event.accountId(),
        event.movement(),
        event.movement().amount(),
        event.postedAfter(),
        token,
        at);
  }

  @EventHandler
  void on(AccountDebitReserved event, TrackingToken token) {
    add(event.accountId(), "debits_pending", event.movement().amount(), token);
  }

  @EventHandler
  void on(AccountCreditReserved event, TrackingToken token) {
    add(event.accountId(), "credits_pending", event.movement().amount(), token);
  }

  @EventHandler
  void on(AccountDebitReservationReleased event, TrackingToken token) {
    add(event.accountId(), "debits_pending", -event.amount(), token);
  }

  @EventHandler
  void on(AccountCreditReservationReleased event, TrackingToken token) {
    add(event.accountId(), "credits_pending", -event.amount(), token);
  }

  @ResetHandler
  void reset() {
    jdbc.update("DELETE FROM account_entry");
    jdbc.update("DELETE FROM account_balance");
  }

  private void setFrozen(AccountId account, boolean frozen, TrackingToken token) {
    jdbc.update(
        "UPDATE account_balance SET frozen = ?, last_position = ? WHERE tenant_id = ? AND address = ?",
        frozen,
        Positions.of(token),
        account.tenant().value(),
        account.address());
  }

  private void add(AccountId account, String column, long delta, TrackingToken token) {
    // column is one of four constants above, never input
    jdbc.update(
        "UPDATE account_balance SET "
            + column
            + " = "
            + column
            + " + ?, last_position = ?"
            + " WHERE tenant_id = ? AND address = ?",
        delta,
        Positions.of(token),
        account.tenant().value(),
        account.address());
  }

  private void entry(
      AccountId account,
      Movement movement,
      long signedAmount,
      long balanceAfter,
      TrackingToken token,
      Instant at) {
    jdbc.update(
        """
        INSERT INTO account_entry (tenant_id, address, position, transfer_id, counterparty, amount, balance_after,
                                   code, reference, occurred_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        account.tenant().value(),
        account.address(),
        Positions.of(token),
        movement.transferId(),
        movement.counterparty(),
        signedAmount,
        balanceAfter,
        movement.code(),
        movement.reference(),
        Timestamp.from(at));
  }
}
