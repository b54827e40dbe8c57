package dev.ledger.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One measured phase: {@code clients} threads, each repeating one request until the phase's time is
 * up (closed loop), or at a fixed total rate (open loop, for latency below peak: a request's
 * latency then counts from when it was due, so a stall is not hidden by the requests it delayed).
 */
final class Phase {
  /** One request of one client. */
  interface Request {
    void send(int client, long sequence, SplittableRandom random, Tally tally) throws Exception;
  }

  /** When the phase ran. */
  record Timing(long startNanos, long endNanos) {
    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }
  }

  private Phase() {}

  /**
   * Runs the phase. {@code ratePerSecond} 0 means as fast as each client can; otherwise requests
   * are due at that total rate, spread over the clients.
   */
  static Timing run(
      int clients, Duration duration, double ratePerSecond, long seed, Request request, Tally tally)
      throws InterruptedException {
    return run(clients, duration, ratePerSecond, seed, request, tally, Long.MAX_VALUE);
  }

  /** Runs the phase, each client sending at most {@code requestsPerClient} requests. */
  static Timing run(
      int clients,
      Duration duration,
      double ratePerSecond,
      long seed,
      Request request,
      Tally tally,
      long requestsPerClient)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread thread =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + client);
                long intervalNanos = ratePerSecond > 0 ? (long) (clients * 1e9 / ratePerSecond) : 0;
                long due = start + (ratePerSecond > 0 ? client * intervalNanos / clients : 0);
                for (long seq = 0; seq < requestsPerClient; seq++) {
                  long now = System.nanoTime();
                  if (ratePerSecond > 0) {
                    if (due >= deadline) {
                      break;
                    }
                    if (due > now) {
                      sleepUntil(due);
                    }
                  } else if (now >= deadline) {
                    break;
                  }
                  long sent = ratePerSecond > 0 ? due : System.nanoTime();
                  try {
                    request.send(client, seq, random, tally);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  } catch (java.io.IOException e) {
                    tally.error("io_error", 1, true);
                  } catch (Exception | Error e) {
                    failure.compareAndSet(null, e);
                    return;
                  }
                  tally.request((System.nanoTime() - sent) / 1_000);
                  due += intervalNanos;
                }
              },
              "bench-client-" + c);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long end = System.nanoTime();
    if (failure.get() != null) {
      throw new IllegalStateException("a benchmark client failed", failure.get());
    }
    return new Timing(start, end);
  }

  private static void sleepUntil(long nanos) {
    long wait;
    while ((wait = nanos - System.nanoTime()) > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(wait);
    }
  }
}
