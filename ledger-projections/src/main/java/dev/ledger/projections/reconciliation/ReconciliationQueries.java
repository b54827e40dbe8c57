package dev.ledger.projections.reconciliation;

import dev.ledger.projections.support.Cursors;
import dev.ledger.projections.support.Page;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Reads the reconciliation views ({@code v_reconciliation_ledger}, {@code
 * v_reconciliation_accounts}, {@code v_reconciliation_payments}, see {@code
 * V111__analyst_views.sql}): the endpoints answer exactly what analysts see in SQL.
 */
public class ReconciliationQueries {
  /** The statuses a payment movement can have. */
  public static final Set<String> PAYMENT_STATUSES =
      Set.of("MATCHED", "AMOUNT_MISMATCH", "MISSING_IN_LEDGER", "STUCK", "IN_PROGRESS");

  private final JdbcTemplate jdbc;

  public ReconciliationQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * One asset of a tenant, summed over the event history.
   *
   * @param postedSum credits minus debits posted, over all accounts: zero when balanced
   * @param pendingDebitsSum held on the debit side of pending transfers
   * @param pendingCreditsSum to be credited by pending transfers: equal to the debits when balanced
   * @param position the latest account event of the asset
   */
  public record AssetSum(
      String asset,
      long accounts,
      BigInteger postedSum,
      BigInteger pendingDebitsSum,
      BigInteger pendingCreditsSum,
      boolean balanced,
      long position) {}

  /** Per asset, from the history itself. */
  public List<AssetSum> assets(String tenant) {
    return jdbc.query(
        "SELECT * FROM v_reconciliation_ledger WHERE tenant_id = ? ORDER BY asset",
        (rs, i) ->
            new AssetSum(
                rs.getString("asset"),
                rs.getLong("accounts"),
                integer(rs, "posted_sum"),
                integer(rs, "pending_debits_sum"),
                integer(rs, "pending_credits_sum"),
                rs.getBoolean("balanced"),
                rs.getLong("position")),
        tenant);
  }

  /** Balances of an account: debits and credits, posted and pending (null when unknown). */
  public record Balances(
      Long debitsPosted, Long creditsPosted, Long debitsPending, Long creditsPending) {
    /** Credits minus debits posted, or null. */
    public Long posted() {
      return debitsPosted == null || creditsPosted == null ? null : creditsPosted - debitsPosted;
    }
  }

  /**
   * An account whose cache and history disagree.
   *
   * @param issue {@code BALANCE_DIFFERS}, {@code NOT_IN_HISTORY} or {@code MISSING_IN_CACHE}
   * @param position the position the cached row has applied, or for {@code MISSING_IN_CACHE} that
   *     of the account's opening
   * @param cached null for {@code MISSING_IN_CACHE}
   */
  public record AccountMismatch(
      String accountId,
      String asset,
      String issue,
      long position,
      Balances cached,
      Balances history) {}

  /**
   * Accounts of a tenant whose cached balances differ from the history, by account id; at most
   * {@code max}. Rows {@code MISSING_IN_CACHE} whose position the balance projection has not
   * reached ({@code balancesReached}) are lag, not differences, and are left out.
   */
  public List<AccountMismatch> accountMismatches(String tenant, long balancesReached, int max) {
    return jdbc.query(
        "SELECT * FROM v_reconciliation_accounts WHERE tenant_id = ?"
            + " AND (issue <> 'MISSING_IN_CACHE' OR position <= ?)"
            + " ORDER BY account_id COLLATE \"C\", issue LIMIT ?",
        (rs, i) ->
            new AccountMismatch(
                rs.getString("account_id"),
                rs.getString("asset"),
                rs.getString("issue"),
                rs.getLong("position"),
                "MISSING_IN_CACHE".equals(rs.getString("issue")) ? null : balances(rs, "cached_"),
                balances(rs, "history_")),
        tenant,
        balancesReached,
        max);
  }

  /** One row of {@code v_reconciliation_payments}; see the view for the meaning of each field. */
  public record PaymentMovement(
      String movement,
      String stripeObjectId,
      String paymentIntentId,
      String orderType,
      String referenceId,
      String resourceId,
      String stripeStatus,
      Long stripeAmount,
      String currency,
      String domainStatus,
      Long expectedAmount,
      Long domainAmount,
      String ledgerTransferId,
      Long ledgerAmount,
      String status,
      String detail,
      Instant since,
      String webhookEventId) {
    /** The sort key, for cursors: microseconds since the epoch, movement, object id. */
    String key() {
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, since);
      return micros + "|" + movement + "|" + stripeObjectId;
    }
  }

  /**
   * A tenant's payment movements, newest first, keyset-paged by (since, movement, object id). Must
   * run inside a transaction: the view reads {@code stuckAfter} from a transaction-local setting.
   *
   * @param statuses the statuses wanted (empty: all)
   * @param stuckAfter how long a movement may stay open before it is MISSING_IN_LEDGER or STUCK
   */
  public Page<PaymentMovement> payments(
      String tenant, Set<String> statuses, int limit, String cursor, Duration stuckAfter) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("payments are read inside a transaction");
    }
    jdbc.queryForObject(
        "SELECT set_config('ledger.reconciliation_stuck_after', ?, true)",
        String.class,
        stuckAfter.toMillis() + " milliseconds");
    StringBuilder sql =
        new StringBuilder("SELECT * FROM v_reconciliation_payments v WHERE v.tenant_id = ?");
    List<Object> args = new ArrayList<>(List.of(tenant));
    if (!statuses.isEmpty()) {
      sql.append(" AND v.status IN (")
          .append(String.join(", ", Collections.nCopies(statuses.size(), "?")))
          .append(")");
      args.addAll(statuses);
    }
    if (cursor != null) {
      String[] key = Cursors.decode(cursor).split("\\|", 3);
      if (key.length != 3) {
        throw new IllegalArgumentException("invalid cursor");
      }
      long micros;
      try {
        micros = Long.parseLong(key[0]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid cursor");
      }
      sql.append(" AND (v.since, v.movement, v.stripe_object_id) < (?, ?, ?)");
      args.add(Timestamp.from(Instant.EPOCH.plus(micros, ChronoUnit.MICROS)));
      args.add(key[1]);
      args.add(key[2]);
    }
    sql.append(" ORDER BY v.since DESC, v.movement DESC, v.stripe_object_id DESC LIMIT ?");
    args.add(limit + 1);
    return Page.of(
        jdbc.query(sql.toString(), PAYMENT, args.toArray()), limit, PaymentMovement::key);
  }

  private static final RowMapper<PaymentMovement> PAYMENT =
      (rs, i) ->
          new PaymentMovement(
              rs.getString("movement"),
              rs.getString("stripe_object_id"),
              rs.getString("payment_intent_id"),
              rs.getString("order_type"),
              rs.getString("reference_id"),
              rs.getString("resource_id"),
              rs.getString("stripe_status"),
              rs.getObject("stripe_amount", Long.class),
              rs.getString("currency"),
              rs.getString("domain_status"),
              rs.getObject("expected_amount", Long.class),
              rs.getObject("domain_amount", Long.class),
              rs.getString("ledger_transfer_id"),
              rs.getObject("ledger_amount", Long.class),
              rs.getString("status"),
              rs.getString("detail"),
              rs.getTimestamp("since").toInstant(),
              rs.getString("webhook_event_id"));

  private static Balances balances(ResultSet rs, String prefix) throws SQLException {
    return new Balances(
        rs.getObject(prefix + "debits_posted", Long.class),
        rs.getObject(prefix + "credits_posted", Long.class),
        rs.getObject(prefix + "debits_pending", Long.class),
        rs.getObject(prefix + "credits_pending", Long.class));
  }

  private static BigInteger integer(ResultSet rs, String column) throws SQLException {
    java.math.BigDecimal value = rs.getBigDecimal(column);
    return value == null ? BigInteger.ZERO : value.toBigIntegerExact();
  }
}
