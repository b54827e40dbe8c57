package dev.ledger.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One measured phase: who ran it, how many transfers were acknowledged in how long, and how long
 * until the last of them had reached the balance cache.
 *
 * @param seconds the load's duration
 * @param appliedSeconds from the load's start until the balance cache had applied every
 *     acknowledged transfer (the same as {@code seconds} for the baseline, whose balances change in
 *     the transfer's own transaction)
 * @param latencyMicros per request (a batch request is one)
 * @param lagMillis projection lag samples, or null where there are no projections
 * @param engineCpuSeconds CPU the engine's JVM used from the phase's start until its transfers were
 *     applied (-1 for the baseline and where unknown)
 */
record PhaseResult(
    String system,
    Shape shape,
    boolean batch,
    long accepted,
    long requests,
    double seconds,
    double appliedSeconds,
    Histogram latencyMicros,
    Map<String, Long> errors,
    long ambiguous,
    Histogram lagMillis,
    double engineCpuSeconds) {

  /** Engine CPU milliseconds per accepted transfer (NaN when unknown). */
  double cpuMillisPerTransfer() {
    return engineCpuSeconds < 0 || accepted == 0 ? Double.NaN : engineCpuSeconds * 1000 / accepted;
  }

  double acceptedPerSecond() {
    return seconds > 0 ? accepted / seconds : 0;
  }

  double appliedPerSecond() {
    return appliedSeconds > 0 ? accepted / appliedSeconds : 0;
  }

  long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  double latencyMillis(double percentile) {
    return latencyMicros.getTotalCount() == 0
        ? Double.NaN
        : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxLatencyMillis() {
    return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
  }
}
