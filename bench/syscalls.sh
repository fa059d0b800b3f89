#!/usr/bin/env bash
# Where a query's CPU goes, counted rather than sampled: for Corvus (bin/corvus defaults) and
# dnsdist, each under the same dnsperf load, the server's CPU time (user + system) and its system
# calls and context switches (perf stat on the process), and the machine's UDP datagrams sent and
# received (/proc/net/snmp, which counts dnsperf's and the upstream's too), all per answered query.
#
#   bench/syscalls.sh [-r ROUNDS] [DIST] [SCENARIO...]
#
#   DIST       an unpacked distribution (default: distribution/target/corvus-*)
#   SCENARIO   cache    Corvus `cache` + `forward` (hits) vs dnsdist's packet cache
#              forward  Corvus `forward` (no cache)      vs dnsdist forwarding
#              (default: both; the upstream is a local unbound answering 1,000 names from local-data)
#   -r ROUNDS  rounds, each running every scenario on both servers (default 2)
#
# dnsperf -c 16 -q 200 -T 1 over the 1,000 names, as bench/bench.sh -U runs it; Corvus is warmed up
# for 10 s, dnsdist for 3 s; the counters span 8 s of a 10 s run. Counts per query do not depend on
# what else runs on the machine the way QPS does. Needs perf (linux-perf) with tracepoints readable
# (root), dnsperf, dnsdist, unbound. Only loopback addresses are used; run it under
# `flock /tmp/bench.lock`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROUNDS=2
while getopts "r:" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
DIST=$(ls -d distribution/target/corvus-*/ 2>/dev/null | head -n1)
if [ $# -gt 0 ] && [ -d "$1" ]; then DIST=$1; shift; fi
[ -x "$DIST/bin/corvus" ] || { echo "build the distribution first: mvn -B -DskipTests package" >&2; exit 1; }
SCENARIOS=${*:-cache forward}
for tool in perf dnsperf dnsdist dig; do
  command -v $tool >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done
[ -x /usr/sbin/unbound ] || { echo "unbound is needed" >&2; exit 1; }

PORT=15453
UPSTREAM_PORT=15499
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  kill "$UPSTREAM_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

. "$ROOT/bench/common.sh"
write_names "$WORK"
write_upstream_conf "$WORK" $UPSTREAM_PORT
/usr/sbin/unbound -c "$WORK/upstream.conf" >"$WORK/upstream.log" 2>&1 &
UPSTREAM_PID=$!

answered() { dig +short +time=1 +tries=1 @127.0.0.1 -p "$1" name1.example A 2>/dev/null | grep -q .; }
wait_for() { # port pid
  for _ in $(seq 1 300); do
    answered "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "the server on port $1 exited" >&2; return 1; }
    sleep 0.1
  done
  echo "no answer on port $1" >&2
  return 1
}
wait_for $UPSTREAM_PORT $UPSTREAM_PID

load() { # seconds [output]
  dnsperf -s 127.0.0.1 -p $PORT -d "$WORK/queries" -c 16 -q 200 -T 1 -t 2 -l "$1" > "${2:-/dev/null}" 2>&1
}

measure() { # server scenario
  local server=$1 scenario=$2 warm
  if [ "$server" = corvus ]; then
    { echo ".:$PORT {"; [ "$scenario" = cache ] && echo "    cache"; echo "    forward . 127.0.0.1:$UPSTREAM_PORT"; echo "}"; } > "$WORK/Corefile"
    env -u JAVA_OPTS -u CORVUS_HEAP "$DIST/bin/corvus" -conf "$WORK/Corefile" >"$WORK/corvus.log" 2>&1 &
    warm=10
  else
    { echo "setLocal('127.0.0.1:$PORT')"
      echo "setSecurityPollSuffix('')"
      echo "newServer({address='127.0.0.1:$UPSTREAM_PORT', checkName='name1.example.'})"
      if [ "$scenario" = cache ]; then
        echo "pc = newPacketCache(10000, {maxTTL=86400})"
        echo "getPool(''):setCache(pc)"
      fi; } > "$WORK/dnsdist.conf"
    dnsdist --supervised --disable-syslog -C "$WORK/dnsdist.conf" >"$WORK/dnsdist.log" 2>&1 &
    warm=3
  fi
  SERVER_PID=$!
  wait_for $PORT $SERVER_PID
  local pid
  pid=$(pgrep -P "$SERVER_PID" java || echo "$SERVER_PID") # the launcher's first start stays as a parent
  load $warm
  load 10 "$WORK/perf.txt" &
  local loader=$!
  sleep 1
  local cpu0 cpu1
  cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  grep '^Udp:' /proc/net/snmp | tail -n1 > "$WORK/udp0"
  perf stat -x, -e raw_syscalls:sys_enter,context-switches,'syscalls:sys_enter_*' -p "$pid" -o "$WORK/stat.txt" -- sleep 8
  cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  grep '^Udp:' /proc/net/snmp | tail -n1 > "$WORK/udp1"
  wait $loader
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  python3 - "$server" "$scenario" "$WORK/perf.txt" "$WORK/stat.txt" $((cpu1 - cpu0)) "$(getconf CLK_TCK)" "$WORK/udp0" "$WORK/udp1" <<'PY'
import re, sys
server, scenario, perf, stat, ticks, hz, udp0, udp1 = sys.argv[1:]
qps = float(re.search(r"Queries per second:\s+([\d.]+)", open(perf).read()).group(1))
queries = qps * 8  # the counters' 8 s window, inside the 10 s run
counts = []
for line in open(stat):
    fields = line.strip().split(",")
    if len(fields) > 2 and fields[0].isdigit() and int(fields[0]) > 0:
        name = fields[2].replace("raw_syscalls:sys_enter", "all syscalls").replace("syscalls:sys_enter_", "")
        counts.append((name, int(fields[0]) / queries))
counts.sort(key=lambda c: (c[0] not in ("all syscalls", "context-switches"), -c[1]))
shown = " ".join(f"{name}={per:.2f}" for name, per in counts if per >= 0.005)
# /proc/net/snmp's Udp line: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors ...
before, after = (list(map(int, open(f).read().split()[1:])) for f in (udp0, udp1))
udp = [(b - a) / queries for a, b in zip(before, after)]
print(f"{scenario:8} {server:8} qps={qps:7.0f} cpu/query={int(ticks) / int(hz) / queries * 1e6:5.1f} us"
      f"  machine's UDP datagrams per query: in={udp[0]:.2f} out={udp[3]:.2f} rcvbuf_errors={udp[4]:.3f}"
      f"  per query: {shown}")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n1), $(dnsdist --version 2>/dev/null | head -n1 | cut -d' ' -f1-2)"
echo "corvus: $DIST (bin/corvus defaults); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    for server in corvus dnsdist; do
      echo "round $round $(measure $server "$scenario") load=$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
