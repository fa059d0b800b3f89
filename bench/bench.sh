#!/usr/bin/env bash
# Benchmarks the built distribution against peer servers on this machine, in the same run.
#
#   bench/bench.sh [-d SECONDS] [SCENARIO...]     scenarios: whoami memory (default: both)
#
# Builds the distribution when it is missing, installs dnsperf and unbound from Debian when they
# are missing, runs dnsperf for a fixed time against each server (server pinned to CPU 1, dnsperf
# to CPU 0 when the machine has two or more) and prints QPS, mean, p99 and p99.9 latency and the
# Corvus/peer ratios. Only loopback addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=20
while getopts "d:" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    *) echo "usage: $0 [-d SECONDS] [SCENARIO...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
SCENARIOS=("${@:-whoami memory}")
# shellcheck disable=SC2206
SCENARIOS=(${SCENARIOS[*]})

need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
[ -x /usr/sbin/unbound ] || need+=(unbound)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

DIST=$(ls -d "$ROOT"/distribution/target/corvus-*/ 2>/dev/null | grep -v '\.tar' | head -n1 || true)
if [ -z "$DIST" ] || [ ! -x "$DIST/bin/corvus" ]; then
  mvn -B -q -DskipTests package
  DIST=$(ls -d "$ROOT"/distribution/target/corvus-*/ | head -n1)
fi

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [ "$(nproc)" -ge 2 ]; then SERVER_CPU="taskset -c 1"; CLIENT_CPU="taskset -c 0"; else SERVER_CPU=""; CLIENT_CPU=""; fi
CORVUS_PORT=15353
PEER_PORT=15354

wait_for() { # port
  for _ in $(seq 1 200); do
    if dig +short +time=1 +tries=1 @127.0.0.1 -p "$1" ready.check. A >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; return 1
}

# Runs dnsperf with per-query output and reduces it to: qps mean_ms p99_ms p999_ms lost
measure() { # port queryfile
  $CLIENT_CPU dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$DURATION" -c 4 -q 200 -t 2 -v 2>/dev/null \
    | python3 "$ROOT/bench/latency.py"
}

start_unbound() { # local-data file
  cat > "$WORK/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@$PEER_PORT
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$WORK"
  pidfile: "$WORK/unbound.pid"
  use-syslog: no
  logfile: ""
  verbosity: 0
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  local-zone: "check." static
  local-data: "ready.check. 60 IN A 127.0.0.1"
$(cat "$1")
CONF
  $SERVER_CPU /usr/sbin/unbound -c "$WORK/unbound.conf" &
  wait_for $PEER_PORT
}

start_corvus() { # corefile
  $SERVER_CPU "$DIST/bin/corvus" -conf "$1" >"$WORK/corvus.log" 2>&1 &
  wait_for $CORVUS_PORT
  # warm up the JIT before measuring
  $CLIENT_CPU dnsperf -s 127.0.0.1 -p $CORVUS_PORT -d "$WORK/queries" -l 10 -c 4 -q 200 >/dev/null 2>&1 || true
}

stop_all() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
}

report() { # scenario corvus_stats peer_name peer_stats
  python3 - "$@" <<'PY'
import sys
scenario, corvus, peer, other = sys.argv[1], sys.argv[2].split(), sys.argv[3], sys.argv[4].split()
c = [float(x) for x in corvus]; p = [float(x) for x in other]
print(f"{scenario:<10} {'corvus':<8} qps={c[0]:>9.0f} mean={c[1]:.3f}ms p99={c[2]:.3f}ms p99.9={c[3]:.3f}ms lost={c[4]:.0f}")
print(f"{scenario:<10} {peer:<8} qps={p[0]:>9.0f} mean={p[1]:.3f}ms p99={p[2]:.3f}ms p99.9={p[3]:.3f}ms lost={p[4]:.0f}")
print(f"{scenario:<10} ratio    qps corvus/{peer}={c[0]/p[0]:.2f}  p99 corvus/{peer}={c[2]/p[2]:.2f}")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n1)"
echo "dnsperf: ${DURATION}s per server, 4 clients, 200 outstanding; server on CPU 1, dnsperf on CPU 0"

for scenario in "${SCENARIOS[@]}"; do
  case $scenario in
    whoami)
      # whoami answers with the client's address; unbound answers a static A record.
      printf 'whoami.example. A\n' > "$WORK/queries"
      printf ".:$CORVUS_PORT {\n    whoami\n}\ncheck.:$CORVUS_PORT {\n    whoami\n}\n" > "$WORK/Corefile"
      printf '  local-zone: "example." static\n  local-data: "whoami.example. 0 IN A 127.0.0.1"\n' > "$WORK/local"
      ;;
    memory)
      # An authoritative in-memory answer from hosts entries; unbound serves the same from local-data.
      : > "$WORK/queries"; : > "$WORK/local"; printf '  local-zone: "example." static\n' > "$WORK/local"
      entries=""
      for i in $(seq 1 100); do
        printf 'host%d.example. A\n' "$i" >> "$WORK/queries"
        printf '  local-data: "host%d.example. 3600 IN A 10.0.%d.%d"\n' "$i" $((i / 256)) $((i % 256)) >> "$WORK/local"
        entries+="        10.0.$((i / 256)).$((i % 256)) host$i.example"$'\n'
      done
      printf ".:$CORVUS_PORT {\n    hosts {\n%s        127.0.0.1 ready.check\n        ttl 3600\n    }\n}\n" "$entries" > "$WORK/Corefile"
      ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  start_corvus "$WORK/Corefile"
  corvus_stats=$(measure $CORVUS_PORT "$WORK/queries")
  stop_all
  start_unbound "$WORK/local"
  peer_stats=$(measure $PEER_PORT "$WORK/queries")
  stop_all
  report "$scenario" "$corvus_stats" unbound "$peer_stats"
done
