#!/usr/bin/env bash
# Benchmarks the built distribution against peer servers on this machine, in the same run.
#
#   bench/bench.sh [-d SECONDS] [SCENARIO...]
#
# Scenarios (default: all):
#   whoami    Corvus whoami                      vs unbound local-data
#   memory    Corvus hosts (100 names)           vs unbound local-data
#   forward   Corvus forward, no cache           vs dnsdist forwarding, both to the same upstream
#   cache     Corvus cache hit (cache+forward)   vs dnsdist packet cache and unbound's own cache
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
SCENARIOS=("${@:-whoami memory forward cache}")
# shellcheck disable=SC2206
SCENARIOS=(${SCENARIOS[*]})

need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
[ -x /usr/sbin/unbound ] || need+=(unbound)
command -v dnsdist >/dev/null || need+=(dnsdist)
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
UPSTREAM_PORT=15355

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

unbound_config() { # file port local-data-file [extra]
  cat > "$1" <<CONF
server:
  interface: 127.0.0.1@$2
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
$(cat "$3")
${4:-}
CONF
}

start_unbound() { # local-data file
  unbound_config "$WORK/unbound.conf" $PEER_PORT "$1"
  $SERVER_CPU /usr/sbin/unbound -c "$WORK/unbound.conf" 2>>"$WORK/unbound.log" &
  wait_for $PEER_PORT
}

# The upstream of the forward and cache scenarios: unbound answering the queried names from
# local-data, on the client's CPU so that the server under test keeps its own.
start_upstream() { # local-data file
  unbound_config "$WORK/upstream.conf" $UPSTREAM_PORT "$1"
  $CLIENT_CPU /usr/sbin/unbound -c "$WORK/upstream.conf" 2>>"$WORK/unbound.log" &
  wait_for $UPSTREAM_PORT
}

start_dnsdist() { # packet-cache: yes|no
  {
    echo "setLocal('127.0.0.1:$PEER_PORT')"
    echo "setSecurityPollSuffix('')"
    echo "newServer({address='127.0.0.1:$UPSTREAM_PORT', checkName='ready.check.'})"
    [ "$1" = yes ] && echo "pc = newPacketCache(10000, {maxTTL=86400})" && echo "getPool(''):setCache(pc)"
  } > "$WORK/dnsdist.conf"
  $SERVER_CPU dnsdist --supervised --disable-syslog -C "$WORK/dnsdist.conf" >>"$WORK/dnsdist.log" 2>&1 &
  wait_for $PEER_PORT
}

# unbound as a caching forwarder in front of the upstream: after the warm-up it answers from cache.
start_unbound_cache() {
  : > "$WORK/empty"
  unbound_config "$WORK/unbound.conf" $PEER_PORT "$WORK/empty" "forward-zone:
  name: \"example.\"
  forward-addr: 127.0.0.1@$UPSTREAM_PORT"
  $SERVER_CPU /usr/sbin/unbound -c "$WORK/unbound.conf" 2>>"$WORK/unbound.log" &
  wait_for $PEER_PORT
  $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PEER_PORT -d "$WORK/queries" -l 3 -c 4 -q 200 >/dev/null 2>&1 || true
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
    memory|forward|cache)
      # 100 names: answered from memory (hosts / local-data), or by an upstream serving them.
      : > "$WORK/queries"; printf '  local-zone: "example." static\n' > "$WORK/local"
      entries=""
      for i in $(seq 1 100); do
        printf 'host%d.example. A\n' "$i" >> "$WORK/queries"
        printf '  local-data: "host%d.example. 3600 IN A 10.0.%d.%d"\n' "$i" $((i / 256)) $((i % 256)) >> "$WORK/local"
        entries+="        10.0.$((i / 256)).$((i % 256)) host$i.example"$'\n'
      done
      case $scenario in
        memory) printf ".:$CORVUS_PORT {\n    hosts {\n%s        127.0.0.1 ready.check\n        ttl 3600\n    }\n}\n" "$entries" > "$WORK/Corefile" ;;
        forward) printf ".:$CORVUS_PORT {\n    forward . 127.0.0.1:$UPSTREAM_PORT\n}\n" > "$WORK/Corefile" ;;
        cache) printf ".:$CORVUS_PORT {\n    cache 3600\n    forward . 127.0.0.1:$UPSTREAM_PORT\n}\n" > "$WORK/Corefile" ;;
      esac
      ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  case $scenario in
    whoami|memory)
      start_corvus "$WORK/Corefile"
      corvus_stats=$(measure $CORVUS_PORT "$WORK/queries")
      stop_all
      start_unbound "$WORK/local"
      report "$scenario" "$corvus_stats" unbound "$(measure $PEER_PORT "$WORK/queries")"
      stop_all
      ;;
    forward)
      start_upstream "$WORK/local"
      start_corvus "$WORK/Corefile"
      corvus_stats=$(measure $CORVUS_PORT "$WORK/queries")
      stop_all
      start_upstream "$WORK/local"
      start_dnsdist no
      report "$scenario" "$corvus_stats" dnsdist "$(measure $PEER_PORT "$WORK/queries")"
      stop_all
      ;;
    cache)
      start_upstream "$WORK/local"
      start_corvus "$WORK/Corefile"
      corvus_stats=$(measure $CORVUS_PORT "$WORK/queries")
      stop_all
      start_upstream "$WORK/local"
      start_dnsdist yes
      $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PEER_PORT -d "$WORK/queries" -l 3 -c 4 -q 200 >/dev/null 2>&1 || true
      report "$scenario" "$corvus_stats" dnsdist "$(measure $PEER_PORT "$WORK/queries")"
      stop_all
      start_upstream "$WORK/local"
      start_unbound_cache
      report "$scenario" "$corvus_stats" unbound "$(measure $PEER_PORT "$WORK/queries")"
      stop_all
      ;;
  esac
done
