#!/usr/bin/env bash
# Runs taskflux's EngineBenchmark and the BullMQ peer (bench.mjs) interleaved, ROUNDS times each,
# each run on a fresh private redis-server, and appends every JSON line to one results file.
# The order alternates every round (taskflux first in odd rounds, BullMQ first in even ones).
#
#   benchmarks/run-vs-bullmq.sh [ROUNDS]        (default 3)
#
# Env: PEER_DIR (a folder holding bench.mjs with its node_modules; default ../shared/peers/bullmq
#      next to the repository, and the script stops with a clear message if it is not there), N (50000),
#      W2_SECONDS (10), WARMUP (5000), OUT (benchmarks/results/vs-bullmq-<UTC time>.jsonl),
#      JAVA_OPTS (-Xms2g -Xmx2g), PEER_PORT (6390).
# Build first: mvn -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
PEER_DIR=${PEER_DIR:-../shared/peers/bullmq}
if [ ! -f "$PEER_DIR/bench.mjs" ]; then
  echo "no BullMQ peer in $PEER_DIR (needs bench.mjs and its node_modules): set PEER_DIR=/path/to/it" >&2
  exit 2
fi
N=${N:-50000}
W2_SECONDS=${W2_SECONDS:-10}
WARMUP=${WARMUP:-5000}
PEER_PORT=${PEER_PORT:-6390}
JAVA_OPTS=${JAVA_OPTS:--Xms2g -Xmx2g}
JAR=benchmarks/target/taskflux-benchmarks.jar
mkdir -p benchmarks/results
OUT=${OUT:-benchmarks/results/vs-bullmq-$(date -u +%Y%m%d-%H%M).jsonl}
OUT=$(realpath -m "$OUT")
[ -f "$JAR" ] || { echo "build first: mvn -B -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
cp benchmarks/peer/bullmq-mem.mjs "$PEER_DIR/bullmq-mem.mjs"

machine() {
  printf '{"system":"machine","date":"%s","nproc":%s,"load":"%s","commit":"%s"}\n' \
    "$(date -u +%FT%TZ)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(git rev-parse --short HEAD)"
}

ours() {
  # EngineBenchmark starts (and shuts down) its own redis-server on a free port.
  java $JAVA_OPTS -cp "$JAR" io.taskflux.benchmarks.EngineBenchmark \
    --n "$N" --w2-seconds "$W2_SECONDS" --warmup "$WARMUP" 2>>"$OUT.log" | sed "s/^{/{\"round\":$1,/" >>"$OUT"
}

bullmq() {
  redis-server --port "$PEER_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null
  for _ in $(seq 50); do redis-cli -p "$PEER_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  (cd "$PEER_DIR" && REDIS_PORT=$PEER_PORT N=$N W2_SECONDS=$W2_SECONDS WARMUP=$WARMUP node bench.mjs 2>>"$OUT.log" \
    && REDIS_PORT=$PEER_PORT node bullmq-mem.mjs 2>>"$OUT.log") | sed "s/^{/{\"round\":$1,/" >>"$OUT"
  redis-cli -p "$PEER_PORT" shutdown nosave >/dev/null 2>&1 || true
  sleep 1
}

machine >>"$OUT"
for r in $(seq "$ROUNDS"); do
  echo "round $r/$ROUNDS ($(date -u +%T))" >&2
  if (( r % 2 == 1 )); then ours "$r"; bullmq "$r"; else bullmq "$r"; ours "$r"; fi
done
machine >>"$OUT"
echo "results: $OUT" >&2
python3 benchmarks/summarize.py "$OUT"
