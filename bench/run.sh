#!/usr/bin/env bash
# Runs the benchmark and writes bench/results/<UTC time>[-quick].md (see docs/performance.md).
#
#   bench/run.sh [--quick] [--clients=N] [--duration=S] [--batch-duration=S] [--replay-events=N] [--jfr]
#
# With LEDGER_DB_URL (and LEDGER_DB_USER, LEDGER_DB_PASSWORD) the engine and the plain-SQL baseline
# use that PostgreSQL; without it the engine starts its embedded one and the baseline uses it too.
# BENCH_ENGINE_JVM_OPTS adds options to the engine's JVM. BENCH_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl ledger-bench -am package
fi
exec java -jar ledger-bench/target/ledger-bench.jar "$@"
