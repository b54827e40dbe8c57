package dev.ledger.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the clients of one phase saw: every acknowledged transfer (its id, and what it did to the
 * two balances), every error by code, and the latency of every request. Outcomes the client cannot
 * know (a timeout, a 5xx, a broken connection) are counted as ambiguous: such a transfer may or may
 * not have taken effect, so exact balance checks are skipped after one.
 */
final class Tally {
  /** The latest acknowledged transfer, for the projection-lag probe. */
  record Ack(long position, int creditAccount, long nanos) {}

  private final Recorder latencyMicros = new Recorder(3);
  private final LongAdder accepted = new LongAdder();
  private final LongAdder ambiguous = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong maxPosition = new AtomicLong();
  private final AtomicLongArray balanceDelta;
  private final ConcurrentLinkedQueue<String> ackedIds = new ConcurrentLinkedQueue<>();
  private volatile Ack lastAck;

  Tally(int accounts) {
    this.balanceDelta = new AtomicLongArray(accounts);
  }

  void acknowledged(String id, int debit, int credit, long amount, long position) {
    accepted.increment();
    ackedIds.add(id);
    balanceDelta.addAndGet(debit, -amount);
    balanceDelta.addAndGet(credit, amount);
    if (position > 0) {
      maxPosition.accumulateAndGet(position, Math::max);
      lastAck = new Ack(position, credit, System.nanoTime());
    }
  }

  void error(String code, long count, boolean outcomeUnknown) {
    errors.computeIfAbsent(code, c -> new LongAdder()).add(count);
    if (outcomeUnknown) {
      ambiguous.add(count);
    }
  }

  void request(long micros) {
    requests.increment();
    latencyMicros.recordValue(Math.max(1, micros));
  }

  long accepted() {
    return accepted.sum();
  }

  long ambiguous() {
    return ambiguous.sum();
  }

  long requests() {
    return requests.sum();
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  Map<String, Long> errors() {
    Map<String, Long> sorted = new TreeMap<>();
    errors.forEach((code, count) -> sorted.put(code, count.sum()));
    return sorted;
  }

  long maxPosition() {
    return maxPosition.get();
  }

  Ack lastAck() {
    return lastAck;
  }

  long balanceDelta(int account) {
    return balanceDelta.get(account);
  }

  Iterable<String> ackedIds() {
    return ackedIds;
  }

  /** The latencies recorded so far (microseconds); call once, after the phase. */
  Histogram latency() {
    return latencyMicros.getIntervalHistogram();
  }
}
