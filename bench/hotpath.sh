#!/usr/bin/env bash
# Allocation per query and throughput of the memory-answered hot paths, for two builds of Corvus
# in the same run: cache hits, answers from hosts, whoami, kubernetes, and queries dropped by acl.
#
#   bench/hotpath.sh BASE_DIST [NEW_DIST] [-d SECONDS] [-r ROUNDS] [-s "SCENARIO..."]
#
#   BASE_DIST   an unpacked distribution to compare with (e.g. one built from an earlier commit)
#   NEW_DIST    the distribution under test (default: distribution/target/corvus-*)
#   -d SECONDS  measured load per server and round (default 20)
#   -r ROUNDS   rounds; each runs every scenario on BASE then NEW (default 2)
#   -s SCENARIOS  of cachehit (cache + forward), hosts (1,000 names), whoami, kubernetes (1,000
#               Services, the kubeadm Corefile's chain without its cache: errors, kubernetes,
#               prometheus, forward, loop, reload, loadbalance), kubeadm (the same with cache 30),
#               acldrop, forward (default: cachehit hosts acldrop forward)
#
# forward: `forward . UPSTREAM` without a cache, every query relayed to a local unbound answering
# the 1,000 names from local-data (the same upstream the cache scenario fills its cache from).
#
# Each server runs with bin/corvus's defaults (no JAVA_OPTS), unpinned, as a user runs it. After a
# 10 s warm-up, a JFR recording of per-thread allocation totals (bench/allocation.jfc) spans the
# measured load; bytes allocated by every server thread, divided by the queries the server
# counted (coredns_dns_requests_total, or corvus_dns_dropped_requests_total for drops), is the
# allocation per query; the server process's CPU time (user + system, /proc/PID/stat) over the same
# load divided by the same count is the CPU per query, which depends far less than QPS on what else
# runs on a shared machine. Cache hits, hosts, whoami, kubernetes and forward are measured with
# dnsperf -c 16 -q 200 -T 1 -v (answers per second; the p99 latency dnsperf saw, reduced by
# bench/latency.py); acl drop with bench/UdpFlood.java (dnsperf would wait out a timeout per query):
# queries the server dropped per second. Only loopback addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BASE=${1:?usage: bench/hotpath.sh BASE_DIST [NEW_DIST] [-d SECONDS] [-r ROUNDS]}
shift
NEW=$(ls -d "$ROOT"/distribution/target/corvus-*/ 2>/dev/null | grep -v '\.tar' | head -n1 || true)
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then NEW=$1; shift; fi
DURATION=20
ROUNDS=2
SCENARIOS="cachehit hosts acldrop forward"
while getopts "d:r:s:" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    s) SCENARIOS=$OPTARG ;;
    *) exit 2 ;;
  esac
done
for dist in "$BASE" "$NEW"; do
  [ -x "$dist/bin/corvus" ] || { echo "no distribution at $dist" >&2; exit 1; }
done
command -v dnsperf >/dev/null && [ -x /usr/sbin/unbound ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsperf unbound >/dev/null; }

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=15363
METRICS=15364
UPSTREAM=15365
# UdpFlood's class path: dnsjava and the SLF4J API it logs through.
FLOOD_CP=$(ls "$NEW"/lib/dnsjava-*.jar "$NEW"/lib/slf4j-api-*.jar | paste -sd:)

. "$ROOT/bench/common.sh"
write_names "$WORK"
write_upstream_conf "$WORK" $UPSTREAM
/usr/sbin/unbound -c "$WORK/upstream.conf" 2>"$WORK/unbound.log" &
python3 "$ROOT/bench/cluster.py" "$WORK/k8s" --namespaces 10 --services 100 --ttl 30 >/dev/null

corefile() { # scenario
  case $1 in
    kubernetes|kubeadm)
      echo ".:$PORT {"
      echo "    errors"
      kubernetes_block "$WORK/k8s/cluster"
      echo "    prometheus 127.0.0.1:$METRICS"
      echo "    forward . 127.0.0.1:$UPSTREAM"
      [ "$1" = kubeadm ] && echo "    cache 30"
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
    hosts) echo "    hosts $WORK/hosts" ;;
    whoami) echo "    whoami" ;;
    acldrop) echo "    acl {"; echo "        drop"; echo "    }"; echo "    whoami" ;;
    forward) echo "    forward . 127.0.0.1:$UPSTREAM" ;;
  esac
  echo "}"
}

counter() { # metric: the sum of its samples
  curl -s "127.0.0.1:$METRICS/metrics" | awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {printf "%.0f\n", s}'
}

cpu_ticks() { # pid: user + system CPU time of the process so far, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

wait_ready() { # pid
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "127.0.0.1:$METRICS/metrics" && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start" >&2; cat "$WORK/corvus.log" >&2; exit 1
}

load() { # scenario seconds: prints dnsperf's p99 latency in ms (0 for acldrop)
  if [ "$1" = acldrop ]; then
    java -cp "$FLOOD_CP" "$ROOT/bench/UdpFlood.java" 127.0.0.1 $PORT "$2" "$WORK/queries" 2 >/dev/null 2>&1
    echo 0
  else
    local queries=$WORK/queries
    case $1 in kubernetes|kubeadm) queries=$WORK/k8s/service-queries ;; esac
    dnsperf -s 127.0.0.1 -p $PORT -d "$queries" -l "$2" -c 16 -q 200 -T 1 -v 2>/dev/null \
      | python3 "$ROOT/bench/latency.py" | awk '{print $3}'
  fi
}

run() { # label dist scenario
  corefile "$3" > "$WORK/Corefile"
  "$2/bin/corvus" -conf "$WORK/Corefile" >"$WORK/corvus.log" 2>&1 &
  local pid=$! metric=coredns_dns_requests_total
  [ "$3" = acldrop ] && metric=corvus_dns_dropped_requests_total
  wait_ready $pid
  load "$3" 10 >/dev/null
  local java_pid
  java_pid=$(pgrep -P $pid java || echo $pid)
  local before cpu_before
  before=$(counter $metric)
  jcmd "$java_pid" JFR.start name=hotpath settings="$ROOT/bench/allocation.jfc" >/dev/null
  cpu_before=$(cpu_ticks "$java_pid")
  local p99
  p99=$(load "$3" "$DURATION")
  local cpu_after
  cpu_after=$(cpu_ticks "$java_pid")
  jcmd "$java_pid" JFR.stop name=hotpath filename="$WORK/alloc.jfr" >/dev/null
  local after
  after=$(counter $metric)
  local bytes
  bytes=$(jfr print --json --events jdk.ThreadAllocationStatistics "$WORK/alloc.jfr" | python3 "$ROOT/bench/allocation.py")
  kill $pid; wait $pid 2>/dev/null || true
  python3 - "$1" "$3" "$before" "$after" "$DURATION" "$bytes" "$((cpu_after - cpu_before))" "$(getconf CLK_TCK)" "$p99" <<'PY'
import sys
label, scenario, before, after, seconds, allocated, ticks, hz, p99 = sys.argv[1:]
queries = int(after) - int(before)
latency = f" p99={float(p99):6.2f} ms" if scenario != "acldrop" else ""
cpu_us = int(ticks) / int(hz) * 1e6 / max(1, queries)
print(f"{scenario:<10} {label:<5} queries={queries:>9} qps={queries / int(seconds):>8.0f}"
      f" alloc/query={int(allocated) / max(1, queries):>7.0f} B cpu/query={cpu_us:>5.1f} us{latency}"
      f" load={open('/proc/loadavg').read().split()[0]}")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "base: $BASE"
echo "new:  $NEW"
for round in $(seq 1 "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    run base "$BASE" $scenario
    run new "$NEW" $scenario
  done
done
