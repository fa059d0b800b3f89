#!/usr/bin/env bash
# Where one query's CPU and allocation go: runs one scenario on a distribution as a user runs it
# (bin/corvus's defaults, unpinned, dnsperf -c 16 -q 200 -T 1), and profiles it under load with
# async-profiler (CPU samples, then allocation samples) attached to the running server.
#
#   bench/profile.sh [-d SECONDS] [-o DIR] [DIST] SCENARIO...
#
#   DIST        an unpacked distribution (default: distribution/target/corvus-*)
#   SCENARIO    cachehit   cache + forward (hits; the upstream unbound answers the first of each name)
#               hosts      1,000 names from hosts
#               whoami     whoami
#               kubernetes the kubeadm Corefile (errors, kubernetes offline with 1,000 Services,
#                          prometheus, forward, cache 30, loop, reload, loadbalance): Service lookups
#               k8snocache the same without cache: every answer a lookup in the plugin's index
#               forward    forward to the upstream unbound, no cache
#   -d SECONDS  each profile's load (default 15)
#   -o DIR      where the profiles go (default: a temporary directory, printed)
#
# Every scenario but kubernetes runs `prometheus` too, as clusters do. For each scenario it prints
# the QPS, the top frames by self time and by inclusive time (CPU), and the top allocation sites
# (allocated bytes by the frame that allocated and by its caller in Corvus's or dnsjava's code);
# DIR keeps the collapsed stacks (SCENARIO-cpu.collapsed, SCENARIO-alloc.collapsed) for a flame
# graph. async-profiler: ASPROF_LIB=.../libasyncProfiler.so, else it is taken from the local Maven
# repository (tools.profiler:async-profiler:4.1:jar:linux-x64; `mvn dependency:get
# -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64` fetches it). Only loopback
# addresses are used. Run it under `flock /tmp/bench.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=15
OUT=
while getopts "d:o:" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
DIST=$(ls -d "$ROOT"/distribution/target/corvus-*/ 2>/dev/null | grep -v '\.tar' | head -n1 || true)
if [ $# -gt 0 ] && [ -x "$1/bin/corvus" ]; then DIST=$1; shift; fi
[ -x "$DIST/bin/corvus" ] || { echo "no distribution at $DIST" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: $0 [-d SECONDS] [-o DIR] [DIST] SCENARIO..." >&2; exit 2; }

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
LIB=${ASPROF_LIB:-}
if [ -z "$LIB" ]; then
  jar=$(ls ~/.m2/repository/tools/profiler/async-profiler/*/async-profiler-*-linux-x64.jar 2>/dev/null | tail -n1 || true)
  [ -n "$jar" ] || { echo "no async-profiler: set ASPROF_LIB or fetch tools.profiler:async-profiler (above)" >&2; exit 1; }
  (cd "$WORK" && unzip -q -o "$jar" 'linux-x64/*')
  LIB=$WORK/linux-x64/libasyncProfiler.so
fi

PORT=15373
METRICS=15374
UPSTREAM=15375
. "$ROOT/bench/common.sh"
write_names "$WORK"
write_upstream_conf "$WORK" $UPSTREAM
/usr/sbin/unbound -c "$WORK/upstream.conf" 2>"$WORK/unbound.log" &
python3 "$ROOT/bench/cluster.py" "$WORK/k8s" --namespaces 10 --services 100 >/dev/null

corefile() { # scenario
  case $1 in
    kubernetes|k8snocache)
      echo ".:$PORT {"
      echo "    errors"
      kubernetes_block "$WORK/k8s/cluster"
      echo "    prometheus 127.0.0.1:$METRICS"
      echo "    forward . 127.0.0.1:$UPSTREAM {"
      echo "       max_concurrent 1000"
      echo "    }"
      [ "$1" = kubernetes ] && echo "    cache 30"
      echo "    loop"
      echo "    reload"
      echo "    loadbalance"
      echo "}"
      return ;;
  esac
  echo ".:$PORT {"
  echo "    prometheus 127.0.0.1:$METRICS"
  case $1 in
    cachehit) echo "    cache"; echo "    forward . 127.0.0.1:$UPSTREAM" ;;
    forward) echo "    forward . 127.0.0.1:$UPSTREAM" ;;
    hosts) echo "    hosts $WORK/hosts" ;;
    whoami) echo "    whoami" ;;
    *) echo "unknown scenario $1" >&2; exit 2 ;;
  esac
  echo "}"
}

queries() { # scenario
  case $1 in
    kubernetes|k8snocache) echo "$WORK/k8s/service-queries" ;;
    *) echo "$WORK/queries" ;;
  esac
}

load() { # scenario seconds: prints QPS
  dnsperf -s 127.0.0.1 -p $PORT -d "$(queries "$1")" -l "$2" -c 16 -q 200 -T 1 2>/dev/null \
    | awk '/Queries per second:/ {printf "%.0f\n", $4}'
}

# Top frames of collapsed stacks ("frame;frame;... count"): self, inclusive, and for allocation
# the allocating frame with its first caller in dev.corvus/org.xbill/io.netty code.
summarize() { # file kind
  python3 - "$1" "$2" <<'PY'
import collections, sys
path, kind = sys.argv[1:]
self_, incl, site = collections.Counter(), collections.Counter(), collections.Counter()
total = 0
for line in open(path):
    stack, _, n = line.rstrip("\n").rpartition(" ")
    if not stack:
        continue
    n = int(n)
    total += n
    frames = stack.split(";")
    self_[frames[-1]] += n
    for f in set(frames):
        incl[f] += n
    if kind == "alloc":
        caller = next((f for f in reversed(frames[:-1])
                       if f.startswith(("dev/corvus", "dev.corvus", "org/xbill", "org.xbill", "io/netty", "io.netty"))), "?")
        site[f"{frames[-1]}  <-  {caller}"] += n
unit = "bytes" if kind == "alloc" else "samples"
print(f"  {kind}: {total} {unit}")
print("  top self:")
for f, n in self_.most_common(25):
    print(f"    {100 * n / total:5.1f}%  {f}")
if kind == "alloc":
    print("  top allocation sites (type <- first caller in Corvus, dnsjava or Netty):")
    for f, n in site.most_common(30):
        print(f"    {100 * n / total:5.1f}%  {f}")
print("  top inclusive (dev.corvus / org.xbill):")
for f, n in [(f, n) for f, n in incl.most_common() if f.startswith(("dev/corvus", "dev.corvus", "org/xbill", "org.xbill"))][:30]:
    print(f"    {100 * n / total:5.1f}%  {f}")
PY
}

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dist: $DIST"
for scenario in "$@"; do
  corefile "$scenario" > "$WORK/Corefile"
  "$DIST/bin/corvus" -conf "$WORK/Corefile" >"$WORK/corvus.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "127.0.0.1:$METRICS/metrics" && break
    sleep 0.1
  done
  load "$scenario" 10 >/dev/null
  java_pid=$(pgrep -P $pid java || echo $pid)
  for kind in cpu alloc; do
    event=$kind total=
    [ $kind = alloc ] && total=",total"   # bytes, not samples
    [ $kind = cpu ] && event="cpu,interval=1ms"
    # jcmd reads name=value as its own option: the agent's options are quoted
    jcmd "$java_pid" JVMTI.agent_load "$LIB" "\"start,event=$event\"" >/dev/null
    qps=$(load "$scenario" "$DURATION")
    jcmd "$java_pid" JVMTI.agent_load "$LIB" "\"stop,collapsed${total},file=$OUT/$scenario-$kind.collapsed\"" >/dev/null
    echo "== $scenario $kind ($qps QPS while profiling, load average $(cut -d' ' -f1-3 /proc/loadavg))"
    summarize "$OUT/$scenario-$kind.collapsed" $kind
  done
  kill $pid; wait $pid 2>/dev/null || true
done
echo "collapsed stacks in $OUT"
