package dev.ledger.api.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.core.account.AccountEvents;
import dev.ledger.core.account.Balance;
import dev.ledger.core.shared.AccountId;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

/**
 * An account's balance at a past moment, folded from its events in the event store itself (not from
 * the balance cache), so it can be compared with the cache and trusted when the cache is in doubt.
 * Reads the events one by one in sequence order and keeps nothing but the running totals: constant
 * memory, however long the history.
 */
@Component
public class BalanceHistory {
  private static final String PREFIX = AccountEvents.class.getName() + "$";

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;

  public BalanceHistory(JdbcTemplate jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * The balance after the last event at or before {@code atPosition} / {@code asOf} (both null:
   * now). Empty when the account did not exist then.
   *
   * @param position the global position of the last event folded in
   */
  public record AsOf(Balance balance, long position, Instant lastEventAt) {}

  public Optional<AsOf> balance(AccountId account, Long atPosition, Instant asOf) {
    Fold fold = new Fold(asOf);
    jdbc.query(
        connection -> {
          var statement =
              connection.prepareStatement(
                  "SELECT global_index, time_stamp, payload_type, payload FROM domain_event_entry"
                      + " WHERE aggregate_identifier = ? AND global_index <= ? ORDER BY sequence_number");
          statement.setString(1, account.toString());
          statement.setLong(2, atPosition == null ? Long.MAX_VALUE : atPosition);
          statement.setFetchSize(500);
          return statement;
        },
        fold);
    if (!fold.opened) {
      return Optional.empty();
    }
    return Optional.of(new AsOf(fold.balance, fold.position, fold.lastEventAt));
  }

  private final class Fold implements RowCallbackHandler {
    private final Instant asOf;
    private boolean opened;
    private boolean done;
    private Balance balance = Balance.ZERO;
    private long position;
    private Instant lastEventAt;

    Fold(Instant asOf) {
      this.asOf = asOf;
    }

    @Override
    public void processRow(java.sql.ResultSet rs) throws java.sql.SQLException {
      if (done) {
        return;
      }
      Instant at = Instant.parse(rs.getString("time_stamp"));
      if (asOf != null && at.isAfter(asOf)) {
        done = true;
        return;
      }
      String type = rs.getString("payload_type");
      if (!type.startsWith(PREFIX)) {
        return;
      }
      JsonNode event;
      try {
        event = json.readTree(rs.getBytes("payload"));
      } catch (IOException e) {
        throw new IllegalStateException(
            "unreadable event at position " + rs.getLong("global_index"), e);
      }
      switch (type.substring(PREFIX.length())) {
        case "AccountOpened" -> opened = true;
        case "AccountDebited" -> balance = balance.afterDebit(amount(event.path("movement")));
        case "AccountCredited" -> balance = balance.afterCredit(amount(event.path("movement")));
        case "AccountDebitReserved" ->
            balance = balance.afterDebitReserved(amount(event.path("movement")));
        case "AccountCreditReserved" ->
            balance = balance.afterCreditReserved(amount(event.path("movement")));
        case "AccountDebitReservationReleased" ->
            balance = balance.afterDebitReservationReleased(amount(event));
        case "AccountCreditReservationReleased" ->
            balance = balance.afterCreditReservationReleased(amount(event));
        default -> {
          // freezes and other events do not move value
        }
      }
      position = rs.getLong("global_index");
      lastEventAt = at;
    }

    private long amount(JsonNode node) {
      JsonNode amount = node.get("amount");
      if (amount == null || !amount.canConvertToLong()) {
        throw new IllegalStateException("an account event without an amount");
      }
      return amount.longValue();
    }
  }
}
