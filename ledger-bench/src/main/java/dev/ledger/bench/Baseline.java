package dev.ledger.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain-SQL ledger the engine is measured against, on the same PostgreSQL: what a team writes
 * by hand. One PL/pgSQL function moves value between two accounts: it locks both rows in id order
 * (so A→B beside B→A cannot deadlock), refuses to overdraw an account that may not go negative,
 * writes one ledger row under a unique transfer id, and updates both balances, in one transaction.
 * It has no events, no history of balances, no read models and no HTTP: a floor, not a rival.
 */
final class Baseline implements AutoCloseable {
  static final String SCHEMA = "bench_baseline";

  private static final String DDL =
      """
      DROP SCHEMA IF EXISTS bench_baseline CASCADE;
      CREATE SCHEMA bench_baseline;
      CREATE TABLE bench_baseline.account (
          id             TEXT    PRIMARY KEY,
          asset          TEXT    NOT NULL,
          allow_negative BOOLEAN NOT NULL,
          debits_posted  BIGINT  NOT NULL DEFAULT 0,
          credits_posted BIGINT  NOT NULL DEFAULT 0
      );
      CREATE TABLE bench_baseline.ledger (
          id             TEXT        PRIMARY KEY,
          debit_account  TEXT        NOT NULL REFERENCES bench_baseline.account,
          credit_account TEXT        NOT NULL REFERENCES bench_baseline.account,
          amount         BIGINT      NOT NULL CHECK (amount > 0),
          asset          TEXT        NOT NULL,
          created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      -- One double-entry transfer. Answers created, exists (same id, same content), or a rejection.
      CREATE FUNCTION bench_baseline.transfer(p_id TEXT, p_debit TEXT, p_credit TEXT, p_amount BIGINT)
      RETURNS TEXT LANGUAGE plpgsql AS $$
      DECLARE
          d bench_baseline.account;
          c bench_baseline.account;
          existing bench_baseline.ledger;
      BEGIN
          IF p_amount <= 0 THEN RETURN 'amount_must_be_positive'; END IF;
          IF p_debit = p_credit THEN RETURN 'accounts_must_differ'; END IF;
          -- both rows, locked in canonical order
          PERFORM 1 FROM bench_baseline.account WHERE id IN (p_debit, p_credit) ORDER BY id FOR UPDATE;
          SELECT * INTO d FROM bench_baseline.account WHERE id = p_debit;
          IF NOT FOUND THEN RETURN 'account_not_found'; END IF;
          SELECT * INTO c FROM bench_baseline.account WHERE id = p_credit;
          IF NOT FOUND THEN RETURN 'account_not_found'; END IF;
          IF d.asset <> c.asset THEN RETURN 'asset_mismatch'; END IF;
          SELECT * INTO existing FROM bench_baseline.ledger WHERE id = p_id;
          IF FOUND THEN
              IF existing.debit_account = p_debit AND existing.credit_account = p_credit
                 AND existing.amount = p_amount THEN
                  RETURN 'exists';
              END IF;
              RETURN 'id_conflict';
          END IF;
          IF NOT d.allow_negative AND d.credits_posted - d.debits_posted < p_amount THEN
              RETURN 'insufficient_funds';
          END IF;
          INSERT INTO bench_baseline.ledger (id, debit_account, credit_account, amount, asset)
              VALUES (p_id, p_debit, p_credit, p_amount, d.asset)
              ON CONFLICT (id) DO NOTHING;
          IF NOT FOUND THEN
              RETURN 'exists'; -- a concurrent call took the id first
          END IF;
          UPDATE bench_baseline.account SET debits_posted = debits_posted + p_amount WHERE id = p_debit;
          UPDATE bench_baseline.account SET credits_posted = credits_posted + p_amount WHERE id = p_credit;
          RETURN 'created';
      END $$;

      -- Many transfers, each standing alone, in one call, as a team would write it once a batch
      -- updating the same row a thousand times in one transaction had shown itself slow: every
      -- account involved is locked first, in id order (concurrent batches cannot deadlock), each
      -- transfer is checked as transfer() checks it against running balances kept in arrays, its
      -- ledger row inserted, and each account's balance is written once at the end.
      CREATE FUNCTION bench_baseline.transfer_batch(p_ids TEXT[], p_debits TEXT[], p_credits TEXT[], p_amounts BIGINT[])
      RETURNS TEXT[] LANGUAGE plpgsql AS $$
      DECLARE
          n       INT := coalesce(array_length(p_ids, 1), 0);
          results TEXT[] := array_fill(NULL::TEXT, ARRAY[n]);
          ids     TEXT[];
          assets  TEXT[];
          negs    BOOLEAN[];
          bals    BIGINT[];
          debs    BIGINT[];
          creds   BIGINT[];
          d INT;
          c INT;
          existing bench_baseline.ledger;
      BEGIN
          SELECT array_agg(id ORDER BY id), array_agg(asset ORDER BY id),
                 array_agg(allow_negative ORDER BY id),
                 array_agg(credits_posted - debits_posted ORDER BY id)
            INTO ids, assets, negs, bals
            FROM (SELECT * FROM bench_baseline.account WHERE id = ANY (p_debits || p_credits)
                  ORDER BY id FOR UPDATE) locked;
          debs := array_fill(0::BIGINT, ARRAY[coalesce(array_length(ids, 1), 0)]);
          creds := debs;
          FOR i IN 1 .. n LOOP
              d := array_position(ids, p_debits[i]);
              c := array_position(ids, p_credits[i]);
              results[i] := CASE
                  WHEN p_amounts[i] <= 0 THEN 'amount_must_be_positive'
                  WHEN p_debits[i] = p_credits[i] THEN 'accounts_must_differ'
                  WHEN d IS NULL OR c IS NULL THEN 'account_not_found'
                  WHEN assets[d] <> assets[c] THEN 'asset_mismatch' END;
              CONTINUE WHEN results[i] IS NOT NULL;
              SELECT * INTO existing FROM bench_baseline.ledger WHERE id = p_ids[i];
              IF FOUND THEN
                  results[i] := CASE WHEN existing.debit_account = p_debits[i]
                      AND existing.credit_account = p_credits[i] AND existing.amount = p_amounts[i]
                      THEN 'exists' ELSE 'id_conflict' END;
                  CONTINUE;
              END IF;
              IF NOT negs[d] AND bals[d] < p_amounts[i] THEN
                  results[i] := 'insufficient_funds';
                  CONTINUE;
              END IF;
              INSERT INTO bench_baseline.ledger (id, debit_account, credit_account, amount, asset)
                  VALUES (p_ids[i], p_debits[i], p_credits[i], p_amounts[i], assets[d])
                  ON CONFLICT (id) DO NOTHING;
              IF NOT FOUND THEN
                  results[i] := 'exists'; -- a concurrent call took the id first
                  CONTINUE;
              END IF;
              bals[d] := bals[d] - p_amounts[i];
              bals[c] := bals[c] + p_amounts[i];
              debs[d] := debs[d] + p_amounts[i];
              creds[c] := creds[c] + p_amounts[i];
              results[i] := 'created';
          END LOOP;
          UPDATE bench_baseline.account a
             SET debits_posted = a.debits_posted + t.deb, credits_posted = a.credits_posted + t.cred
            FROM unnest(ids, debs, creds) AS t(id, deb, cred)
           WHERE a.id = t.id AND (t.deb <> 0 OR t.cred <> 0);
          RETURN results;
      END $$;
      """;

  private final String url;
  private final String user;
  private final String password;
  private final String[] accounts;
  private final List<Connection> connections = new ArrayList<>();

  Baseline(String url, String user, String password, EngineLoad engine) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.accounts = new String[engine.accounts()];
    for (int i = 0; i < accounts.length; i++) {
      accounts[i] = engine.address(i);
    }
  }

  /** Creates the schema and the same accounts as the engine's, funded alike. */
  void setUp(String issuance) throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(DDL);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO bench_baseline.account (id, asset, allow_negative) VALUES (?, ?, ?)")) {
        insert.setString(1, issuance);
        insert.setString(2, EngineLoad.ASSET);
        insert.setBoolean(3, true);
        insert.addBatch();
        for (String account : accounts) {
          insert.setString(1, account);
          insert.setString(2, EngineLoad.ASSET);
          insert.setBoolean(3, false);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      try (PreparedStatement fund =
          connection.prepareStatement("SELECT bench_baseline.transfer(?, ?, ?, ?)")) {
        for (int i = 0; i < accounts.length; i++) {
          fund.setString(1, "fund." + i);
          fund.setString(2, issuance);
          fund.setString(3, accounts[i]);
          fund.setLong(4, EngineLoad.FUNDING);
          try (ResultSet result = fund.executeQuery()) {
            result.next();
            if (!"created".equals(result.getString(1))) {
              throw new IllegalStateException("baseline funding failed: " + result.getString(1));
            }
          }
        }
      }
    }
  }

  /** A connection per client, opened before the phase starts, like the engine's pool. */
  void openClients(int clients) throws SQLException {
    while (connections.size() < clients) {
      connections.add(connect());
    }
  }

  /** One call of the transfer function over JDBC, amount 1. */
  Phase.Request single(Shape shape, String phase) {
    return (c, seq, random, tally) -> {
      int[] pair = shape.pick(random, accounts.length);
      String id = phase + "." + c + "." + seq;
      try (PreparedStatement call =
          connections.get(c).prepareStatement("SELECT bench_baseline.transfer(?, ?, ?, ?)")) {
        call.setString(1, id);
        call.setString(2, accounts[pair[0]]);
        call.setString(3, accounts[pair[1]]);
        call.setLong(4, 1);
        try (ResultSet result = call.executeQuery()) {
          result.next();
          String outcome = result.getString(1);
          if ("created".equals(outcome)) {
            tally.acknowledged(id, pair[0], pair[1], 1, 0);
          } else {
            tally.error(outcome, 1, false);
          }
        }
      } catch (SQLException e) {
        tally.error("sql_" + e.getSQLState(), 1, true);
      }
    };
  }

  /** One call of the batch function with {@code size} transfers. */
  Phase.Request batch(Shape shape, String phase, int size) {
    return (c, seq, random, tally) -> {
      String[] ids = new String[size];
      String[] debits = new String[size];
      String[] credits = new String[size];
      Long[] amounts = new Long[size];
      int[][] pairs = new int[size][];
      for (int i = 0; i < size; i++) {
        pairs[i] = shape.pick(random, accounts.length);
        ids[i] = phase + "." + c + "." + seq + "." + i;
        debits[i] = accounts[pairs[i][0]];
        credits[i] = accounts[pairs[i][1]];
        amounts[i] = 1L;
      }
      Connection connection = connections.get(c);
      try (PreparedStatement call =
          connection.prepareStatement("SELECT bench_baseline.transfer_batch(?, ?, ?, ?)")) {
        call.setArray(1, connection.createArrayOf("text", ids));
        call.setArray(2, connection.createArrayOf("text", debits));
        call.setArray(3, connection.createArrayOf("text", credits));
        call.setArray(4, connection.createArrayOf("bigint", amounts));
        try (ResultSet result = call.executeQuery()) {
          result.next();
          Array outcomes = result.getArray(1);
          String[] each = (String[]) outcomes.getArray();
          for (int i = 0; i < size; i++) {
            if ("created".equals(each[i])) {
              tally.acknowledged(ids[i], pairs[i][0], pairs[i][1], 1, 0);
            } else {
              tally.error(each[i], 1, false);
            }
          }
        }
      } catch (SQLException e) {
        tally.error("sql_" + e.getSQLState(), size, true);
      }
    };
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  /** Drops the baseline's schema, leaving the database as the engine had it. */
  void drop() throws SQLException {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS bench_baseline CASCADE");
    }
  }

  @Override
  public void close() {
    for (Connection connection : connections) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    connections.clear();
  }
}
