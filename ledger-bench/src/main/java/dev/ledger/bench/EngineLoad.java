package dev.ledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * The engine's side of the benchmark: its accounts, the single and batch transfer requests of each
 * shape, how long until the balance cache has caught up (applied), and the projection-lag probe.
 */
final class EngineLoad {
  static final String ASSET = "USD";
  static final long FUNDING = 1_000_000_000_000L;
  private static final long APPLIED_WAIT_MAX_NANOS = 900_000_000_000L;

  private final EngineClient client;
  private final String run;
  private final String[] accounts;

  EngineLoad(EngineClient client, String run, int accounts) {
    this.client = client;
    this.run = run;
    this.accounts = new String[accounts];
    for (int i = 0; i < accounts; i++) {
      this.accounts[i] = "bench:" + run + ":a" + i;
    }
  }

  String address(int account) {
    return accounts[account];
  }

  String issuance() {
    return "bench:" + run + ":issuance";
  }

  int accounts() {
    return accounts.length;
  }

  /**
   * Opens the accounts (never negative) and an issuance account (may go negative), and gives each
   * account {@link #FUNDING}, so that no shape runs short of funds.
   */
  void setUp(int clients) throws Exception {
    openAccount(issuance(), true);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> opened = new ArrayList<>();
      for (String address : accounts) {
        opened.add(pool.submit(() -> openAccount(address, false)));
      }
      for (Future<?> future : opened) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    for (int from = 0; from < accounts.length; from += 1_000) {
      StringBuilder body = new StringBuilder("{\"transfers\":[");
      for (int i = from; i < Math.min(accounts.length, from + 1_000); i++) {
        body.append(i == from ? "" : ",")
            .append(transferJson(run + ".fund." + i, issuance(), accounts[i], FUNDING));
      }
      body.append("]}");
      EngineClient.Response response = client.post("/v1/transfers/batch", body.toString());
      for (JsonNode result : response.body().get("results")) {
        if (!"created".equals(result.get("status").asText())) {
          throw new IllegalStateException("funding failed: " + result);
        }
      }
    }
  }

  private Void openAccount(String address, boolean allowNegative) throws Exception {
    EngineClient.Response response =
        client.post(
            "/v1/accounts",
            "{\"id\":"
                + EngineClient.quote(address)
                + ",\"asset\":\""
                + ASSET
                + "\",\"flags\":{\"allowNegative\":"
                + allowNegative
                + "}}");
    if (response.status() != 201) {
      throw new IllegalStateException(
          "cannot open " + address + ": " + response.status() + " " + response.body());
    }
    return null;
  }

  /** One {@code POST /v1/transfers} of the shape, amount 1, a fresh client-chosen id. */
  Phase.Request single(Shape shape, String phase) {
    return (c, seq, random, tally) -> {
      int[] pair = shape.pick(random, accounts.length);
      String id = run + "." + phase + "." + c + "." + seq;
      EngineClient.Response response;
      try {
        response =
            client.post("/v1/transfers", transferJson(id, accounts[pair[0]], accounts[pair[1]], 1));
      } catch (IOException e) {
        tally.error("io_error", 1, true);
        return;
      }
      if (response.status() == 201) {
        tally.acknowledged(id, pair[0], pair[1], 1, response.body().get("position").asLong());
      } else {
        tally.error(response.code(), 1, response.status() >= 500);
      }
    };
  }

  /** One {@code POST /v1/transfers/batch} of {@code size} transfers of the shape. */
  Phase.Request batch(Shape shape, String phase, int size) {
    return batch((c, random) -> shape.pick(random, accounts.length), phase, size);
  }

  /**
   * Batches that fill the history fast, not a measured shape: each client moves value only between
   * accounts of its own (account index modulo clients), so concurrent batches never wait for each
   * other's locks.
   */
  Phase.Request fill(String phase, int size, int clients) {
    int perClient = accounts.length / clients;
    if (perClient < 2) {
      return batch(Shape.UNIFORM, phase, size);
    }
    return batch(
        (c, random) -> {
          int debit = random.nextInt(perClient);
          int credit = random.nextInt(perClient - 1);
          credit = credit >= debit ? credit + 1 : credit;
          return new int[] {debit * clients + c, credit * clients + c};
        },
        phase,
        size);
  }

  /** Picks the accounts of a client's next transfer. */
  private interface Picker {
    int[] pick(int client, java.util.SplittableRandom random);
  }

  private Phase.Request batch(Picker picker, String phase, int size) {
    return (c, seq, random, tally) -> {
      int[][] pairs = new int[size][];
      String[] ids = new String[size];
      StringBuilder body = new StringBuilder(size * 160).append("{\"transfers\":[");
      for (int i = 0; i < size; i++) {
        pairs[i] = picker.pick(c, random);
        ids[i] = run + "." + phase + "." + c + "." + seq + "." + i;
        body.append(i == 0 ? "" : ",")
            .append(transferJson(ids[i], accounts[pairs[i][0]], accounts[pairs[i][1]], 1));
      }
      body.append("]}");
      EngineClient.Response response;
      try {
        response = client.post("/v1/transfers/batch", body.toString());
      } catch (IOException e) {
        tally.error("io_error", size, true);
        return;
      }
      if (response.status() != 200) {
        tally.error(response.code(), size, response.status() >= 500);
        return;
      }
      for (JsonNode result : response.body().get("results")) {
        int i = result.get("index").asInt();
        String status = result.get("status").asText();
        if ("created".equals(status)) {
          tally.acknowledged(
              ids[i], pairs[i][0], pairs[i][1], 1, result.get("transfer").get("position").asLong());
        } else {
          tally.error(result.path("code").asText(status), 1, false);
        }
      }
    };
  }

  static String transferJson(String id, String debit, String credit, long amount) {
    return "{\"id\":"
        + EngineClient.quote(id)
        + ",\"debitAccount\":"
        + EngineClient.quote(debit)
        + ",\"creditAccount\":"
        + EngineClient.quote(credit)
        + ",\"amount\":"
        + amount
        + ",\"asset\":\""
        + ASSET
        + "\"}";
  }

  /**
   * Waits until the balance cache has applied every event up to {@code position}, as a client
   * reading its own writes would ({@code GET /v1/accounts/{id}?minPosition=}), and answers when.
   */
  long awaitApplied(long position) throws IOException, InterruptedException {
    if (position <= 0) {
      return System.nanoTime();
    }
    long deadline = System.nanoTime() + APPLIED_WAIT_MAX_NANOS;
    String path = "/v1/accounts/" + accounts[0] + "?minPosition=" + position;
    while (System.nanoTime() < deadline) {
      EngineClient.Response response;
      try {
        response = client.get(path);
      } catch (IOException slow) {
        continue; // a busy engine may take longer than a request's timeout: ask again
      }
      if (response.status() == 200) {
        return System.nanoTime();
      }
      if (response.status() != 503) {
        throw new IllegalStateException(
            "reading the balance cache failed: " + response.status() + " " + response.body());
      }
    }
    throw new IllegalStateException(
        "the balance cache did not reach position " + position + " within 15 minutes");
  }

  /**
   * Measures projection lag while a phase runs: every {@code intervalMillis} it takes the newest
   * acknowledged transfer and times how long after its acknowledgement the balance cache shows it
   * to a reader ({@code minPosition}). One probe at a time, on a connection of its own.
   */
  static final class LagProbe implements AutoCloseable {
    private final Histogram lagMillis = new Histogram(600_000, 3);
    private final Thread thread;
    private volatile boolean stopped;

    LagProbe(EngineClient client, EngineLoad load, Tally tally, long intervalMillis) {
      thread =
          new Thread(
              () -> {
                long lastProbed = -1;
                while (!stopped) {
                  Tally.Ack ack = tally.lastAck();
                  if (ack != null && ack.position() != lastProbed) {
                    lastProbed = ack.position();
                    String path =
                        "/v1/accounts/"
                            + load.address(ack.creditAccount())
                            + "?minPosition="
                            + ack.position();
                    try {
                      while (!stopped) {
                        if (client.get(path).status() == 200) {
                          lagMillis.recordValue(
                              Math.max(0, (System.nanoTime() - ack.nanos()) / 1_000_000));
                          break;
                        }
                      }
                    } catch (IOException e) {
                      // a probe that cannot read records nothing; the phase's errors tell
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                  try {
                    Thread.sleep(intervalMillis);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-lag-probe");
      thread.setDaemon(true);
      thread.start();
    }

    Histogram lagMillis() {
      return lagMillis;
    }

    @Override
    public void close() throws InterruptedException {
      stopped = true;
      thread.join(10_000);
    }
  }
}
