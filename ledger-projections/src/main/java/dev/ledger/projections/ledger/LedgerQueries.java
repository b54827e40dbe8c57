package dev.ledger.projections.ledger;

import dev.ledger.projections.support.Cursors;
import dev.ledger.projections.support.Json;
import dev.ledger.projections.support.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** Reads the ledger's read models. Every list is keyset-paged: cost does not grow with depth. */
public class LedgerQueries {
  private final JdbcTemplate jdbc;

  public LedgerQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<AccountRow> account(String tenant, String address) {
    return jdbc
        .query(
            "SELECT * FROM account_balance WHERE tenant_id = ? AND address = ?",
            ACCOUNT,
            tenant,
            address)
        .stream()
        .findFirst();
  }

  /**
   * Accounts whose address starts with {@code prefix} (and of {@code asset}, if given), by address.
   */
  public Page<AccountRow> accounts(
      String tenant, String prefix, String asset, int limit, String cursor) {
    StringBuilder sql = new StringBuilder("SELECT * FROM account_balance WHERE tenant_id = ?");
    List<Object> args = new ArrayList<>(List.of(tenant));
    if (prefix != null && !prefix.isEmpty()) {
      // addresses only hold [a-zA-Z0-9_:-], so a LIKE pattern needs '_' escaped and nothing else
      sql.append(" AND address LIKE ? ESCAPE '!'");
      args.add(prefix.replace("!", "!!").replace("_", "!_").replace("%", "!%") + "%");
    }
    if (asset != null) {
      sql.append(" AND asset = ?");
      args.add(asset);
    }
    if (cursor != null) {
      sql.append(" AND address COLLATE \"C\" > ?");
      args.add(Cursors.decode(cursor));
    }
    sql.append(" ORDER BY address COLLATE \"C\" LIMIT ?");
    args.add(limit + 1);
    return Page.of(jdbc.query(sql.toString(), ACCOUNT, args.toArray()), limit, AccountRow::address);
  }

  /** An account's statement, newest first. */
  public Page<EntryRow> entries(String tenant, String address, int limit, String cursor) {
    long before = cursor == null ? Long.MAX_VALUE : Cursors.decodeLong(cursor);
    List<EntryRow> rows =
        jdbc.query(
            "SELECT * FROM account_entry WHERE tenant_id = ? AND address = ? AND position < ?"
                + " ORDER BY position DESC LIMIT ?",
            ENTRY,
            tenant,
            address,
            before,
            limit + 1);
    return Page.of(rows, limit, e -> Long.toString(e.position()));
  }

  public Optional<TransferRow> transfer(String tenant, String id) {
    return jdbc
        .query("SELECT * FROM transfer WHERE tenant_id = ? AND id = ?", TRANSFER, tenant, id)
        .stream()
        .findFirst();
  }

  /**
   * Transfers touching {@code account} (either side) and/or with {@code reference}, newest first.
   */
  public Page<TransferRow> transfers(
      String tenant, String account, String reference, int limit, String cursor) {
    StringBuilder sql = new StringBuilder("SELECT * FROM transfer WHERE tenant_id = ?");
    List<Object> args = new ArrayList<>(List.of(tenant));
    if (account != null) {
      sql.append(" AND (debit_account = ? OR credit_account = ?)");
      args.add(account);
      args.add(account);
    }
    if (reference != null) {
      sql.append(" AND reference = ?");
      args.add(reference);
    }
    if (cursor != null) {
      sql.append(" AND created_position < ?");
      args.add(Cursors.decodeLong(cursor));
    }
    sql.append(" ORDER BY created_position DESC LIMIT ?");
    args.add(limit + 1);
    return Page.of(
        jdbc.query(sql.toString(), TRANSFER, args.toArray()),
        limit,
        t -> Long.toString(t.createdPosition()));
  }

  public Optional<JournalEntryRow> journalEntry(String tenant, String id) {
    return jdbc
        .query(
            "SELECT * FROM journal_entry WHERE tenant_id = ? AND id = ?",
            (rs, i) ->
                new JournalEntryRow(
                    rs.getString("id"),
                    Json.read(rs.getString("postings"), JournalEntryRow.POSTINGS),
                    rs.getString("code"),
                    rs.getString("reference"),
                    Json.readStringMap(rs.getString("metadata")),
                    instant(rs, "posted_at"),
                    rs.getLong("last_position")),
            tenant,
            id)
        .stream()
        .findFirst();
  }

  private static final RowMapper<AccountRow> ACCOUNT =
      (rs, i) ->
          new AccountRow(
              rs.getString("address"),
              rs.getString("asset"),
              rs.getBoolean("allow_negative"),
              rs.getBoolean("frozen"),
              Json.readStringMap(rs.getString("metadata")),
              rs.getLong("debits_posted"),
              rs.getLong("credits_posted"),
              rs.getLong("debits_pending"),
              rs.getLong("credits_pending"),
              instant(rs, "created_at"),
              rs.getLong("last_position"));

  private static final RowMapper<EntryRow> ENTRY =
      (rs, i) ->
          new EntryRow(
              rs.getLong("position"),
              rs.getString("transfer_id"),
              rs.getString("counterparty"),
              rs.getLong("amount"),
              rs.getLong("balance_after"),
              rs.getString("code"),
              rs.getString("reference"),
              instant(rs, "occurred_at"));

  private static final RowMapper<TransferRow> TRANSFER =
      (rs, i) ->
          new TransferRow(
              rs.getString("id"),
              rs.getString("debit_account"),
              rs.getString("credit_account"),
              rs.getLong("amount"),
              rs.getLong("posted_amount"),
              rs.getString("asset"),
              rs.getString("status"),
              rs.getString("code"),
              rs.getString("reference"),
              Json.readStringMap(rs.getString("metadata")),
              rs.getBoolean("pending"),
              (Long) rs.getObject("timeout_seconds"),
              instant(rs, "created_at"),
              instant(rs, "expires_at"),
              instant(rs, "closed_at"),
              rs.getLong("created_position"),
              rs.getLong("last_position"));

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }
}
