#!/usr/bin/env bash
# Overload soak: a query flood at several times capacity against a slow upstream, with a 64 MiB
# heap, for minutes. Shows that Corvus sheds the excess before committing memory (no
# OutOfMemoryError), keeps answering names it holds in memory (kubernetes, cache hits) while the
# flood lasts, and recovers when it stops.
#
#   bench/overload.sh [-d SECONDS]      (default 180)
#
# Needs the built distribution (mvn -B -DskipTests package) and dnsperf; loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=180
while getopts "d:" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    *) echo "usage: $0 [-d SECONDS]" >&2; exit 2 ;;
  esac
done
command -v dnsperf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf >/dev/null; }
DIST=$(ls -d "$ROOT"/distribution/target/corvus-*/ | grep -v '\.tar' | head -n1)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=15373
METRICS=19153
UPSTREAM=15375
DELAY=0.5

python3 "$ROOT/bench/slow_upstream.py" $UPSTREAM $DELAY &
cat > "$WORK/Corefile" <<COREFILE
.:$PORT {
    prometheus 127.0.0.1:$METRICS
    kubernetes cluster.local {
        offline $DIST/demo-cluster
    }
    cache 3600
    forward . 127.0.0.1:$UPSTREAM
}
COREFILE
CORVUS_HEAP="-Xmx64m -Xms64m" \
JAVA_OPTS="-XX:+ExitOnOutOfMemoryError -Xlog:gc:file=$WORK/gc.log:uptime" \
  "$DIST/bin/corvus" -conf "$WORK/Corefile" > "$WORK/corvus.log" 2>&1 &
CORVUS_PID=$!
for _ in $(seq 1 100); do
  dig +short +time=1 +tries=1 @127.0.0.1 -p $PORT kubernetes.default.svc.cluster.local >/dev/null 2>&1 && break
  sleep 0.1
done
dig +short +time=3 +tries=1 @127.0.0.1 -p $PORT cached.example. >/dev/null   # into the cache (TTL 3600)

python3 - "$WORK/flood" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(500000):
        f.write(f"f{i}.flood.example. A\n")
PY

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n1)"
echo "Corvus heap -Xmx64m; upstream answers after ${DELAY}s; flood ${DURATION}s of unique names (every one a cache miss)"
python3 "$ROOT/bench/probe.py" $PORT kubernetes.default.svc.cluster.local "$DURATION" > "$WORK/probe-k8s" &
PROBE_K8S=$!
python3 "$ROOT/bench/probe.py" $PORT cached.example. "$DURATION" > "$WORK/probe-cache" &
PROBE_CACHE=$!
dnsperf -s 127.0.0.1 -p $PORT -d "$WORK/flood" -l "$DURATION" -c 8 -q 40000 -t 1 > "$WORK/dnsperf" 2>&1 || true
wait $PROBE_K8S $PROBE_CACHE
flood_end=$(date +%s.%N)

echo "flood (dnsperf):"
grep -E "Queries sent|Queries completed|Queries lost|Queries per second|Average Latency" "$WORK/dnsperf" | sed 's/^/  /'
echo "during the flood, names held in memory (a probe every 50 ms):"
sed 's/^/  /' "$WORK/probe-k8s" "$WORK/probe-cache"

# Recovery: the first new name that goes upstream and comes back after the flood stopped.
recovered=""
for _ in $(seq 1 600); do
  if dig +short +time=2 +tries=1 @127.0.0.1 -p $PORT "after-$RANDOM.example." A | grep -q 192.0.2.1; then
    recovered=$(python3 -c "import time; print(f'{time.time() - $flood_end:.1f}')"); break
  fi
done
echo "recovery: a new name answered through the upstream ${recovered:-never} s after the flood stopped"

metrics=$(curl -s 127.0.0.1:$METRICS/metrics || true)
echo "server counters:"
echo "$metrics" | grep -E '^corvus_dns_dropped_requests_total|^corvus_dns_deadline_exceeded_total|^coredns_dns_requests_total\{' | sed 's/^/  /' | head -n 8 || true
if kill -0 $CORVUS_PID 2>/dev/null; then
  echo "process: alive, VmRSS $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$CORVUS_PID/status)"
else
  echo "process: DEAD"; tail -n 20 "$WORK/corvus.log"
fi
grep -c OutOfMemoryError "$WORK/corvus.log" | sed 's/^/OutOfMemoryError lines in the log: /' || true
python3 - "$WORK/gc.log" <<'PY'
import re, sys
pauses = sorted(float(m.group(1)) for m in (re.search(r"Pause.* ([0-9.]+)ms$", l.strip()) for l in open(sys.argv[1])) if m)
if pauses:
    p999 = pauses[min(len(pauses) - 1, int(0.999 * len(pauses)))]
    print(f"GC: {len(pauses)} pauses, max {pauses[-1]:.1f} ms, p99.9 {p999:.1f} ms, over 10 ms: {sum(p > 10 for p in pauses)}")
PY
