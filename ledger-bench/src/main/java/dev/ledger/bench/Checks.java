package dev.ledger.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a ledger stayed correct under the load: Σ balances = 0 per asset, no account that may not
 * go negative is negative, every acknowledged transfer is there, and (when no outcome was
 * ambiguous) every account holds exactly what the acknowledged transfers say. Runs on the engine's
 * balance cache, once it has caught up, and on the baseline's tables.
 */
final class Checks {
  private static final int IDS_PER_QUERY = 10_000;

  private Checks() {}

  /** One check and what it found; {@code problem} null when it passed. */
  record Check(String name, String problem) {
    boolean passed() {
      return problem == null;
    }
  }

  /**
   * The engine's checks, named after {@code system}: "engine" on the read models the load built,
   * "replay" on those a replay rebuilt.
   */
  static List<Check> engine(Connection db, EngineLoad load, List<Tally> tallies, String system)
      throws SQLException {
    List<Check> checks = new ArrayList<>();
    checks.add(
        rows(
            db,
            system + ": Σ balances = 0 per asset",
            "SELECT asset || ': posted ' || sum(credits_posted - debits_posted) || ', pending '"
                + " || sum(credits_pending - debits_pending) FROM account_balance GROUP BY asset"
                + " HAVING sum(credits_posted - debits_posted) <> 0"
                + " OR sum(credits_pending - debits_pending) <> 0"));
    checks.add(
        rows(
            db,
            system + ": no negative balance where not allowed",
            "SELECT address || ' available ' || (credits_posted - debits_posted - debits_pending)"
                + " FROM account_balance WHERE NOT allow_negative"
                + " AND credits_posted - debits_posted - debits_pending < 0 LIMIT 5"));
    checks.add(
        allPresent(
            db,
            system + ": every acknowledged transfer is recorded",
            "SELECT count(*) FROM transfer WHERE tenant_id = 'default' AND id = ANY (?)",
            tallies));
    checks.add(
        exactBalances(
            db,
            system + ": each account holds what its acknowledged transfers say",
            "SELECT address, credits_posted - debits_posted FROM account_balance"
                + " WHERE tenant_id = 'default' AND address = ANY (?)",
            load,
            tallies));
    return checks;
  }

  static List<Check> baseline(Connection db, EngineLoad load, List<Tally> tallies)
      throws SQLException {
    List<Check> checks = new ArrayList<>();
    checks.add(
        rows(
            db,
            "baseline: Σ balances = 0 per asset",
            "SELECT asset || ': ' || sum(credits_posted - debits_posted) FROM bench_baseline.account"
                + " GROUP BY asset HAVING sum(credits_posted - debits_posted) <> 0"));
    checks.add(
        rows(
            db,
            "baseline: no negative balance where not allowed",
            "SELECT id || ' ' || (credits_posted - debits_posted) FROM bench_baseline.account"
                + " WHERE NOT allow_negative AND credits_posted - debits_posted < 0 LIMIT 5"));
    checks.add(
        allPresent(
            db,
            "baseline: every acknowledged transfer is recorded",
            "SELECT count(*) FROM bench_baseline.ledger WHERE id = ANY (?)",
            tallies));
    checks.add(
        exactBalances(
            db,
            "baseline: each account holds what its acknowledged transfers say",
            "SELECT id, credits_posted - debits_posted FROM bench_baseline.account"
                + " WHERE id = ANY (?)",
            load,
            tallies));
    return checks;
  }

  /** A check that passes when the query finds no rows; the rows it finds are the problem. */
  static Check rows(Connection db, String name, String sql) throws SQLException {
    List<String> found = new ArrayList<>();
    try (PreparedStatement query = db.prepareStatement(sql);
        ResultSet result = query.executeQuery()) {
      while (result.next()) {
        found.add(result.getString(1));
      }
    }
    return new Check(name, found.isEmpty() ? null : String.join("; ", found));
  }

  private static Check allPresent(Connection db, String name, String sql, List<Tally> tallies)
      throws SQLException {
    long acknowledged = 0;
    long present = 0;
    List<String> chunk = new ArrayList<>(IDS_PER_QUERY);
    for (Tally tally : tallies) {
      for (String id : tally.ackedIds()) {
        acknowledged++;
        chunk.add(id);
        if (chunk.size() == IDS_PER_QUERY) {
          present += count(db, sql, chunk);
          chunk.clear();
        }
      }
    }
    if (!chunk.isEmpty()) {
      present += count(db, sql, chunk);
    }
    return new Check(
        name + " (" + acknowledged + ")",
        present == acknowledged ? null : (acknowledged - present) + " acknowledged but missing");
  }

  private static long count(Connection db, String sql, List<String> ids) throws SQLException {
    try (PreparedStatement query = db.prepareStatement(sql)) {
      Array array = db.createArrayOf("text", ids.toArray());
      query.setArray(1, array);
      try (ResultSet result = query.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  private static Check exactBalances(
      Connection db, String name, String sql, EngineLoad load, List<Tally> tallies)
      throws SQLException {
    long ambiguous = tallies.stream().mapToLong(Tally::ambiguous).sum();
    if (ambiguous > 0) {
      return new Check(name + " (skipped: " + ambiguous + " outcomes unknown to the client)", null);
    }
    Map<String, Long> expected = new HashMap<>();
    String[] addresses = new String[load.accounts()];
    for (int i = 0; i < load.accounts(); i++) {
      long balance = EngineLoad.FUNDING;
      for (Tally tally : tallies) {
        balance += tally.balanceDelta(i);
      }
      addresses[i] = load.address(i);
      expected.put(addresses[i], balance);
    }
    List<String> wrong = new ArrayList<>();
    int seen = 0;
    try (PreparedStatement query = db.prepareStatement(sql)) {
      query.setArray(1, db.createArrayOf("text", addresses));
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          seen++;
          long actual = result.getLong(2);
          long want = expected.get(result.getString(1));
          if (actual != want && wrong.size() < 5) {
            wrong.add(result.getString(1) + " holds " + actual + ", expected " + want);
          }
        }
      }
    }
    if (seen != addresses.length) {
      wrong.add((addresses.length - seen) + " accounts missing");
    }
    return new Check(name, wrong.isEmpty() ? null : String.join("; ", wrong));
  }
}
