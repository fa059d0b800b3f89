#!/usr/bin/env bash
# bench/bench.sh -U: Corvus measured exactly as users run it, against the best peer for each job,
# interleaved in the same run.
#
#   bench/bench.sh -U [-d SECONDS] [-r ROUNDS] [-Q QPS] [-N DIST] [-B BASE_DIST] [SCENARIO...]
#
#   -d SECONDS   each measurement (default 15): flat out, then at the fixed rate
#   -r ROUNDS    rounds (default 3); each runs every scenario on every server, in an order that
#                rotates from round to round
#   -Q QPS       the fixed rate of the second measurement (default 20000)
#   -N DIST      the Corvus distribution under test (default: distribution/target/corvus-*)
#   -B DIST      a second Corvus distribution (e.g. built from an earlier commit), measured in the
#                same rounds as "base"
#
# As users run it: `bin/corvus -conf FILE` with its defaults (no JAVA_OPTS, no CORVUS_HEAP, so the
# JVM picks its collector and bin/corvus sizes the heap), no CPU pinning (Corvus, the peers, the
# upstream and dnsperf share the machine's cores), dnsperf -c 16 -q 200 -T 1 -t 2 over 1,000
# names. Every server runs on its own: started, warmed up (Corvus 10 s of the same load for the
# JIT, peers 3 s), measured flat out for SECONDS, then at QPS queries per second for SECONDS, and
# stopped. Latency percentiles come from dnsperf's per-query output (-v).
#
# Scenarios (default: all):
#   forward     Corvus `forward` (no cache)          vs dnsdist, both to the same upstream unbound
#   cache       Corvus `cache` + `forward`, hits     vs dnsdist's packet cache (same upstream)
#   hosts       Corvus `hosts`, 1,000 names          vs unbound local-data
#   file        Corvus `file`, a zone of 1,000 names vs unbound local-data
#   whoami      Corvus `whoami` (any name)           vs unbound local-data (the same 1,000 names)
#   kubernetes  Corvus `kubernetes` alone (offline, 1,000 ClusterIP Services, no cache)
#               vs unbound with the same answers as local-data
#   kubeadm     the kubeadm Corefile (errors, health, ready, kubernetes offline, prometheus, forward,
#               cache 30, loop, reload, loadbalance) asked for the same 1,000 Services
#               vs unbound local-data
#
# Prints one line per measurement (with the load average when it ended), then a summary per
# scenario: medians and ranges over the rounds, and the Corvus/peer ratios of each round's pair
# (median and range). Only loopback addresses are used. Run it under `flock /tmp/bench.lock`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. "$ROOT/bench/common.sh"
DURATION=15
ROUNDS=3
RATE=20000
BASE=
DIST=
while getopts "d:r:Q:N:B:" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    Q) RATE=$OPTARG ;;
    N) DIST=$OPTARG ;;
    B) BASE=$OPTARG ;;
    *) echo "usage: bench/bench.sh -U [-d SECONDS] [-r ROUNDS] [-Q QPS] [-N DIST] [-B BASE_DIST] [SCENARIO...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
SCENARIOS=("${@:-forward cache hosts file whoami kubernetes kubeadm}")
# shellcheck disable=SC2206
SCENARIOS=(${SCENARIOS[*]})

need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
[ -x /usr/sbin/unbound ] || need+=(unbound)
command -v dnsdist >/dev/null || need+=(dnsdist)
command -v dig >/dev/null || need+=(bind9-dnsutils)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
DIST=${DIST:-$(ls -d "$ROOT"/distribution/target/corvus-*/ 2>/dev/null | grep -v '\.tar' | head -n1 || true)}
if [ -z "$DIST" ] || [ ! -x "$DIST/bin/corvus" ]; then
  echo "build the distribution first: mvn -B -DskipTests package" >&2; exit 1
fi
if [ -n "$BASE" ] && [ ! -x "$BASE/bin/corvus" ]; then
  echo "no distribution at $BASE" >&2; exit 1
fi

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=15383
UPSTREAM_PORT=15385
HEALTH_PORT=15386
READY_PORT=15387
METRICS_PORT=15388
SERVER_PID=

wait_for() { # port pid
  for _ in $(seq 1 300); do
    if dig +short +time=1 +tries=1 @127.0.0.1 -p "$1" ready.check. A >/dev/null 2>&1; then return 0; fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; tail -n 20 "$WORK"/*.log >&2; return 1
}

rss_mib() { # pid
  awk '/^VmRSS:/ {printf "%.0f\n", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0
}

dnsperf_load() { # seconds queryfile [qps-limit] [-v]: dnsperf as users run it
  dnsperf -s 127.0.0.1 -p $PORT -d "$2" -l "$1" -c 16 -q 200 -T 1 -t 2 ${3:+-Q $3} ${4:-} 2>/dev/null
}

# qps mean_ms p99_ms p999_ms lost rss_mib
measure() { # seconds queryfile [qps-limit]
  local stats
  stats=$(dnsperf_load "$1" "$2" "${3:-}" -v | python3 "$ROOT/bench/latency.py")
  echo "$stats $(rss_mib "$SERVER_PID")"
}

# --- the data: 1,000 names under example., answered by hosts, a zone file, the upstream (forward,
# cache) and unbound as a peer; 1,000 Services for kubernetes.
for i in $(seq 1 1000); do echo "name$i.example. A"; done > "$WORK/queries"
address() { echo "10.1.$(($1 / 250)).$(($1 % 250))"; }
: > "$WORK/hosts"; : > "$WORK/example-local"
{
  echo '$ORIGIN example.'
  echo '@ 3600 IN SOA ns.example. hostmaster.example. 1 7200 3600 1209600 3600'
  echo '@ 3600 IN NS ns.example.'
  echo 'ns 3600 IN A 127.0.0.1'
} > "$WORK/db.example"
echo '  local-zone: "example." static' >> "$WORK/example-local"
for i in $(seq 1 1000); do
  echo "$(address "$i") name$i.example." >> "$WORK/hosts"
  echo "name$i 3600 IN A $(address "$i")" >> "$WORK/db.example"
  echo "  local-data: \"name$i.example. 3600 IN A $(address "$i")\"" >> "$WORK/example-local"
done
# whoami's peer: the same names, answered with the client's address
{ echo '  local-zone: "example." static'
  for i in $(seq 1 1000); do echo "  local-data: \"name$i.example. 0 IN A 127.0.0.1\""; done; } > "$WORK/whoami-local"
python3 "$ROOT/bench/cluster.py" "$WORK/k8s" --namespaces 10 --services 100 --ttl 30
cp "$WORK/k8s/service-queries" "$WORK/k8s-queries"

unbound_config() { # file port local-data-file
  cat > "$1" <<CONF
server:
  interface: 127.0.0.1@$2
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$WORK"
  pidfile: "$WORK/unbound-$2.pid"
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
CONF
}

# The upstream of forward, cache (and kubeadm's forward): unbound answering the example. names,
# up for the whole run.
unbound_config "$WORK/upstream.conf" $UPSTREAM_PORT "$WORK/example-local"
/usr/sbin/unbound -c "$WORK/upstream.conf" 2>>"$WORK/upstream.log" &
UPSTREAM_PID=$!
wait_for_upstream() {
  for _ in $(seq 1 100); do
    dig +short +time=1 +tries=1 @127.0.0.1 -p $UPSTREAM_PORT ready.check. A >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the upstream did not start" >&2; exit 1
}
wait_for_upstream

corefile() { # scenario
  case $1 in
    forward) printf '.:%s {\n    forward . 127.0.0.1:%s\n}\n' $PORT $UPSTREAM_PORT ;;
    cache) printf '.:%s {\n    cache\n    forward . 127.0.0.1:%s\n}\n' $PORT $UPSTREAM_PORT ;;
    hosts) printf '.:%s {\n    hosts %s {\n        127.0.0.1 ready.check\n    }\n}\n' $PORT "$WORK/hosts" ;;
    file) printf 'example.:%s {\n    file %s\n}\ncheck.:%s {\n    whoami\n}\n' $PORT "$WORK/db.example" $PORT ;;
    whoami) printf '.:%s {\n    whoami\n}\n' $PORT ;;
    kubernetes) printf '.:%s {\n    kubernetes cluster.local {\n        offline %s\n    }\n}\ncheck.:%s {\n    whoami\n}\n' \
      $PORT "$WORK/k8s/cluster" $PORT ;;
    kubeadm) kubeadm_corefile $PORT "$WORK/k8s/cluster" $HEALTH_PORT $READY_PORT $METRICS_PORT $UPSTREAM_PORT ;;
  esac
}

queries() { # scenario
  case $1 in
    kubernetes|kubeadm) echo "$WORK/k8s-queries" ;;
    *) echo "$WORK/queries" ;;
  esac
}

peer_of() { # scenario
  case $1 in
    forward|cache) echo dnsdist ;;
    *) echo unbound ;;
  esac
}

start_server() { # server scenario
  local server=$1 scenario=$2
  case $server in
    corvus|base)
      local dist=$DIST
      [ "$server" = base ] && dist=$BASE
      corefile "$scenario" > "$WORK/Corefile"
      # bin/corvus with its defaults: nothing from the caller's environment
      env -u JAVA_OPTS -u CORVUS_HEAP "$dist/bin/corvus" -conf "$WORK/Corefile" >>"$WORK/corvus-$server.log" 2>&1 &
      SERVER_PID=$!
      wait_for $PORT $SERVER_PID
      dnsperf_load 10 "$(queries "$scenario")" >/dev/null || true
      ;;
    dnsdist)
      {
        echo "setLocal('127.0.0.1:$PORT')"
        echo "setSecurityPollSuffix('')"
        echo "newServer({address='127.0.0.1:$UPSTREAM_PORT', checkName='ready.check.'})"
        if [ "$scenario" = cache ]; then
          echo "pc = newPacketCache(10000, {maxTTL=86400})"
          echo "getPool(''):setCache(pc)"
        fi
      } > "$WORK/dnsdist.conf"
      dnsdist --supervised --disable-syslog -C "$WORK/dnsdist.conf" >>"$WORK/dnsdist.log" 2>&1 &
      SERVER_PID=$!
      wait_for $PORT $SERVER_PID
      dnsperf_load 3 "$(queries "$scenario")" >/dev/null || true
      ;;
    unbound)
      local data=$WORK/example-local
      case $scenario in
        whoami) data=$WORK/whoami-local ;;
        kubernetes|kubeadm) data=$WORK/k8s/service-local-data ;;
      esac
      unbound_config "$WORK/peer.conf" $PORT "$data"
      /usr/sbin/unbound -c "$WORK/peer.conf" 2>>"$WORK/unbound.log" &
      SERVER_PID=$!
      wait_for $PORT $SERVER_PID
      dnsperf_load 3 "$(queries "$scenario")" >/dev/null || true
      ;;
  esac
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  # the port must be free before the next server binds it
  for _ in $(seq 1 50); do
    ss -uln "sport = :$PORT" 2>/dev/null | grep -q ":$PORT" || break
    sleep 0.1
  done
}

RESULTS=$WORK/results
: > "$RESULTS"
START=$(date +%s)
echo "# bench/bench.sh -U -d $DURATION -r $ROUNDS -Q $RATE -N $DIST${BASE:+ -B $BASE} ${SCENARIOS[*]}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -n1), $(dnsdist --version 2>/dev/null | head -n1 | cut -d' ' -f1-2), unbound $(/usr/sbin/unbound -V 2>/dev/null | awk '/^Version/ {print $2}'), $(dnsperf -h 2>&1 | awk '/^Version/ {print "dnsperf " $2}')"
echo "corvus: $DIST (bin/corvus defaults)${BASE:+; base: $BASE}"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dnsperf -c 16 -q 200 -T 1 -t 2 -v, ${DURATION}s flat out then ${DURATION}s at -Q $RATE; no CPU pinning"
for round in $(seq 1 "$ROUNDS"); do
  for scenario in "${SCENARIOS[@]}"; do
    servers=(corvus)
    [ -n "$BASE" ] && servers+=(base)
    servers+=("$(peer_of "$scenario")")
    # rotate the order from round to round
    n=${#servers[@]}
    shift_by=$(( (round - 1) % n ))
    order=("${servers[@]:$shift_by}" "${servers[@]:0:$shift_by}")
    for server in "${order[@]}"; do
      start_server "$server" "$scenario"
      flat=$(measure "$DURATION" "$(queries "$scenario")")
      flat_load=$(cut -d' ' -f1 /proc/loadavg)
      fixed=$(measure "$DURATION" "$(queries "$scenario")" "$RATE")
      fixed_load=$(cut -d' ' -f1 /proc/loadavg)
      stop_server
      echo "$scenario $server $round flat $flat $flat_load" >> "$RESULTS"
      echo "$scenario $server $round rate $fixed $fixed_load" >> "$RESULTS"
      python3 - "$scenario" "$server" "$round" "$flat" "$flat_load" "$fixed" "$fixed_load" "$RATE" <<'PY'
import sys
scenario, server, rnd, flat, flat_load, fixed, fixed_load, rate = sys.argv[1:]
f, r = [float(x) for x in flat.split()], [float(x) for x in fixed.split()]
print(f"round {rnd} {scenario:<10} {server:<7} qps={f[0]:>7.0f} mean={f[1]:.3f}ms p99={f[2]:.3f}ms"
      f" p99.9={f[3]:.3f}ms lost={f[4]:.0f} rss={f[5]:.0f}MiB load={flat_load}"
      f" | at {rate}: qps={r[0]:.0f} p99={r[2]:.3f}ms p99.9={r[3]:.3f}ms lost={r[4]:.0f} load={fixed_load}")
PY
    done
  done
done
kill "$UPSTREAM_PID" 2>/dev/null || true

echo
echo "summary over $ROUNDS rounds (median, [min-max]); ratios are Corvus/peer of each round's pair; wall time $(( $(date +%s) - START )) s, load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" "$RATE" <<'PY'
import collections, statistics, sys
path, rate = sys.argv[1:]
rows = collections.defaultdict(dict)  # (scenario, server, kind) -> round -> values
order = []
for line in open(path):
    scenario, server, rnd, kind, *values = line.split()
    rows[(scenario, server, kind)][int(rnd)] = [float(v) for v in values]
    if scenario not in order:
        order.append(scenario)
def spread(values, fmt):
    values = sorted(values)
    return f"{fmt(statistics.median(values))} [{fmt(values[0])}-{fmt(values[-1])}]"
qps = lambda v: f"{v:,.0f}"
ms = lambda v: f"{v:.2f}"
ratio = lambda v: f"{v:.2f}"
print(f"| scenario | server | QPS | p99 ms | p99.9 ms | p99.9 ms at {rate} QPS | QPS ratio | p99 ratio |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for scenario in order:
    servers = [s for (sc, s, k) in rows if sc == scenario and k == "flat"]
    peer = next((s for s in servers if s not in ("corvus", "base")), None)
    for server in servers:
        flat, fixed = rows[(scenario, server, "flat")], rows[(scenario, server, "rate")]
        cells = [spread([v[0] for v in flat.values()], qps), spread([v[2] for v in flat.values()], ms),
                 spread([v[3] for v in flat.values()], ms), spread([v[3] for v in fixed.values()], ms)]
        if server != peer and peer:
            pf = rows[(scenario, peer, "flat")]
            both = [r for r in flat if r in pf]
            cells.append(spread([flat[r][0] / pf[r][0] for r in both], ratio))
            cells.append(spread([flat[r][2] / pf[r][2] for r in both], ratio))
        else:
            cells += ["", ""]
        print(f"| {scenario} | {server} | " + " | ".join(cells) + " |")
PY
