#!/usr/bin/env bash
# Allocation per query and throughput of the memory-answered hot paths, for two builds of Corvus
# in the same run: cache hits, answers from hosts, and queries dropped by acl.
#
#   bench/hotpath.sh BASE_DIST [NEW_DIST] [-d SECONDS] [-r ROUNDS]
#
#   BASE_DIST   an unpacked distribution to compare with (e.g. one built from an earlier commit)
#   NEW_DIST    the distribution under test (default: distribution/target/corvus-*)
#   -d SECONDS  measured load per server and round (default 20)
#   -r ROUNDS   rounds; each runs every scenario on BASE then NEW (default 2)
#
# Each server runs with bin/corvus's defaults (no JAVA_OPTS), unpinned, as a user runs it. After a
# 10 s warm-up, a JFR recording of per-thread allocation totals (bench/allocation.jfc) spans the
# measured load; bytes allocated by every server thread, divided by the queries the server
# counted (coredns_dns_requests_total, or corvus_dns_dropped_requests_total for drops), is the
# allocation per query. Cache hits and hosts are measured with dnsperf -c 16 -q 200 -T 1 (answers
# per second); acl drop with bench/UdpFlood.java (dnsperf would wait out a timeout per query):
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
while getopts "d:r:" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
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

for i in $(seq 1 1000); do echo "name$i.example. A"; done > "$WORK/queries"
for i in $(seq 1 1000); do echo "10.1.$((i / 250)).$((i % 250)) name$i.example."; done > "$WORK/hosts"
{
  echo "server:"
  echo "  interface: 127.0.0.1@$UPSTREAM"
  echo "  do-daemonize: no"
  echo "  username: \"\""
  echo "  chroot: \"\""
  echo "  directory: \"$WORK\""
  echo "  pidfile: \"$WORK/unbound.pid\""
  echo "  use-syslog: no"
  echo "  num-threads: 1"
  echo "  access-control: 127.0.0.0/8 allow"
  echo "  local-zone: \"example.\" static"
  for i in $(seq 1 1000); do echo "  local-data: \"name$i.example. 3600 IN A 10.1.$((i / 250)).$((i % 250))\""; done
} > "$WORK/upstream.conf"
/usr/sbin/unbound -c "$WORK/upstream.conf" 2>"$WORK/unbound.log" &

corefile() { # scenario
  echo ".:$PORT {"
  echo "    prometheus 127.0.0.1:$METRICS"
  case $1 in
    cachehit) echo "    cache"; echo "    forward . 127.0.0.1:$UPSTREAM" ;;
    hosts) echo "    hosts $WORK/hosts" ;;
    acldrop) echo "    acl {"; echo "        drop"; echo "    }"; echo "    whoami" ;;
  esac
  echo "}"
}

counter() { # metric: the sum of its samples
  curl -s "127.0.0.1:$METRICS/metrics" | awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {printf "%.0f\n", s}'
}

wait_ready() { # pid
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "127.0.0.1:$METRICS/metrics" && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start" >&2; cat "$WORK/corvus.log" >&2; exit 1
}

load() { # scenario seconds: prints the queries sent
  if [ "$1" = acldrop ]; then
    java -cp "$FLOOD_CP" "$ROOT/bench/UdpFlood.java" 127.0.0.1 $PORT "$2" "$WORK/queries" 2 2>/dev/null
  else
    dnsperf -s 127.0.0.1 -p $PORT -d "$WORK/queries" -l "$2" -c 16 -q 200 -T 1 2>/dev/null \
      | awk '/Queries completed:/ {print $3}'
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
  local before
  before=$(counter $metric)
  jcmd "$java_pid" JFR.start name=hotpath settings="$ROOT/bench/allocation.jfc" >/dev/null
  load "$3" "$DURATION" >/dev/null
  jcmd "$java_pid" JFR.stop name=hotpath filename="$WORK/alloc.jfr" >/dev/null
  local after
  after=$(counter $metric)
  local bytes
  bytes=$(jfr print --json --events jdk.ThreadAllocationStatistics "$WORK/alloc.jfr" | python3 "$ROOT/bench/allocation.py")
  kill $pid; wait $pid 2>/dev/null || true
  python3 - "$1" "$3" "$before" "$after" "$DURATION" "$bytes" <<'PY'
import sys
label, scenario, before, after, seconds, allocated = sys.argv[1:]
queries = int(after) - int(before)
print(f"{scenario:<9} {label:<5} queries={queries:>9} qps={queries / int(seconds):>8.0f}"
      f" alloc/query={int(allocated) / max(1, queries):>7.0f} B")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n1)"
echo "base: $BASE"
echo "new:  $NEW"
for round in $(seq 1 "$ROUNDS"); do
  for scenario in cachehit hosts acldrop; do
    run base "$BASE" $scenario
    run new "$NEW" $scenario
  done
done
