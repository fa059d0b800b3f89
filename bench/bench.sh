#!/usr/bin/env bash
# Benchmarks the built distribution against peer servers on this machine, in the same run.
#
#   bench/bench.sh [-d SECONDS] [-g COLLECTOR_FLAGS] [-P] [SCENARIO...]      the pinned report (below)
#   bench/bench.sh -U [-d SECONDS] [-r ROUNDS] [-B BASE_DIST] [SCENARIO...]  as users run it (bench/user-mode.sh)
#
#   -d SECONDS          dnsperf run per server (default 20; the scale scenario always runs 20 s)
#   -g COLLECTOR_FLAGS  the JVM collector flags of Corvus (default: $CORVUS_GC, else ParallelGC, below)
#   -P                  Corvus only, no peer servers (for trying collectors: bench/gc-sweep.sh)
#   CORVUS_HEAP, JAVA_OPTS   passed on to bin/corvus (heap flags, default -Xmx96m -Xms96m; other JVM flags)
#   SCALE_HEAP          the scale scenario's heap flags (default -Xmx128m -Xms128m, below)
#
# Scenarios (default: all):
#   whoami      Corvus whoami                      vs unbound local-data
#   memory      Corvus hosts (100 names)           vs unbound local-data
#   forward     Corvus forward, no cache           vs dnsdist forwarding, both to the same upstream;
#               flat out, then at FORWARD_RATE queries per second (default 40,000: fwd@40000)
#   cache       Corvus cache hit (cache+forward)   vs dnsdist packet cache and unbound's own cache
#   kubernetes  Corvus kubernetes (offline, 1,000 ClusterIP Services), svcN.nsM.svc.cluster.local A
#               vs unbound with the same names as local-data (a static zone, not a Kubernetes
#               integration: no peer on the machine has one)
#   searchpath  a pod of ns1 resolving api.example.com through its 5-entry search path (ndots:5):
#               5 NXDOMAIN queries, then the name; Corvus kubernetes (pods verified) + cache +
#               forward to an upstream unbound vs unbound answering all six from local-data
#   autopath    the same lookup with `autopath @kubernetes`: one query, answered with CNAME + A;
#               the peer (no autopath equivalent) still needs the six queries of searchpath
#   dnssec      signed answers (DO bit) for 100 names: Corvus dnssec (on the fly, warm signature
#               cache) + file vs NSD serving the same zone pre-signed by dnssec-signzone, same key
#   axfr        AXFR of a 100,000-record zone over TCP (kdig, 3 rounds, the best): Corvus file +
#               transfer vs NSD
#   scale       10,000 Services (20 % headless), 10,000 EndpointSlices with 50,000 addresses, the
#               kubeadm Corefile (offline): time from process start to /ready 200, RSS at ready, and
#               Service lookups (QPS, latency, RSS) for the first 20 s after ready and for the 20 s
#               after that (warm) vs unbound with the same names
#
# Builds the distribution when it is missing, installs dnsperf and unbound from Debian when they
# are missing, runs dnsperf for a fixed time against each server (server pinned to CPU 1, dnsperf
# to CPU 0 when the machine has two or more) and prints QPS, mean, p99 and p99.9 latency, the
# server's resident memory (VmRSS of its own process at the end of its run), for Corvus the GC
# pauses during the run (from its unified GC log), and the Corvus/peer ratios. Where a lookup
# takes several queries, lookups/s is printed too. Only loopback addresses are used.
#
# Other engineers benchmark on the same machine: run it under `flock /tmp/bench.lock`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. "$ROOT/bench/common.sh"
DURATION=20
SCALE_DURATION=20
# The forward scenario's second, fixed offered load (queries per second), below both servers' capacity.
FORWARD_RATE=${FORWARD_RATE:-40000}
# Corvus's collector and heap. The heap is sized for the Deployment's 170 MiB memory limit, not
# bin/corvus's default (half the RAM, at most 256 MiB); CORVUS_HEAP="" runs that default, any
# other value replaces it.
# The collector: bench/gc-sweep.sh (results/gc-sweep-2026-11-26.txt, Java 17, server on one CPU,
# cache and kubernetes scenarios, 15 s each, p99.9 latency / max GC pause / RSS):
#   -Xmx96m -Xms96m, 3 runs (median p99.9 / longest pause / median RSS)  cache / kubernetes
#     ParallelGC                        6.4 ms / 0.8 ms / 126 MiB   6.2 ms / 0.7 ms / 151 MiB
#     SerialGC                          7.7 ms / 0.9 ms / 119 MiB   7.0 ms / 0.9 ms / 144 MiB
#     G1                                7.7 ms / 1.0 ms / 149 MiB   6.5 ms / 0.9 ms / 181 MiB
#     ZGC (single-generation in 17)    10.1 ms / 0.1 ms / 345 MiB  13.7 ms / 0.1 ms / 392 MiB (1 run)
#   half of this machine's RAM (12 GB, bin/corvus's default then): G1 and ParallelGC pause 11-12 ms (huge young generation), SerialGC 8 ms, ZGC
#   0.03 ms but 2.6-3.8 GB RSS and the worst latency.
# ParallelGC keeps p99.9 lowest with every pause under 1 ms; SerialGC (the image's) is within the
# run-to-run spread (5.9-8.5 ms) and 5-10 MiB smaller; G1 costs 25-35 MiB more RSS and exceeds
# the 170 MiB limit on the kubernetes scenario; ZGC's concurrent work competes for the one CPU.
# The scale scenario (128 MiB heap; 42 MiB live after start then; 26 MiB in ScaleIT since the index was made
# compact) had full collections of 140-214 ms under load with ParallelGC and SerialGC until the
# cache stopped promoting per-TTL records and `corvus` compacted the heap before /ready; since,
# its longest pauses are 11-18 ms in the first 20 s after ready (young collections while the
# cache fills) and under 10 ms warm (results/report-2026-11-26-session3.txt, -session4.txt).
GC_FLAGS=${CORVUS_GC:--XX:+UseParallelGC}
export CORVUS_HEAP=${CORVUS_HEAP--Xmx96m -Xms96m}
# The scale scenario's heap: with 96 MiB the offline source runs out of memory loading 10,000
# Services and 50,000 endpoint addresses (it holds every parsed object of every file before
# indexing them); 128 MiB loads them from one file per namespace (not from one file per kind).
SCALE_HEAP=${SCALE_HEAP:--Xmx128m -Xms128m}
PEERS=yes
# -U: the mode users run (bin/corvus's defaults, no pinning, dnsperf -c 16 -q 200 -T 1, peers
# interleaved): bench/user-mode.sh, which takes the remaining arguments.
if [ "${1:-}" = -U ]; then
  shift
  exec "$ROOT/bench/user-mode.sh" "$@"
fi
while getopts "d:g:P" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    g) GC_FLAGS=$OPTARG ;;
    P) PEERS=no ;;
    *) echo "usage: $0 [-d SECONDS] [-g COLLECTOR_FLAGS] [-P] [SCENARIO...] | -U [-d SECONDS] [-r ROUNDS] [-B BASE_DIST] [SCENARIO...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
SCENARIOS=("${@:-whoami memory forward cache kubernetes searchpath autopath dnssec axfr scale}")
# shellcheck disable=SC2206
SCENARIOS=(${SCENARIOS[*]})

need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
[ -x /usr/sbin/unbound ] || need+=(unbound)
command -v dnsdist >/dev/null || need+=(dnsdist)
[ -x /usr/sbin/nsd ] || need+=(nsd)
command -v dnssec-keygen >/dev/null || need+=(bind9-utils)
command -v kdig >/dev/null || need+=(knot-dnsutils)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The built distribution; the benchmark itself needs no Maven.
DIST=$(ls -d "$ROOT"/distribution/target/corvus-*/ 2>/dev/null | grep -v '\.tar' | head -n1 || true)
if [ -z "$DIST" ] || [ ! -x "$DIST/bin/corvus" ]; then
  echo "build the distribution first: mvn -B -DskipTests package" >&2; exit 1
fi

WORK=$(mktemp -d)
# BENCH_LOGS=DIR keeps the servers' logs and Corvus's GC logs of the run in DIR.
trap 'kill $(jobs -p) 2>/dev/null || true; if [ -n "${BENCH_LOGS:-}" ]; then mkdir -p "$BENCH_LOGS" && cp "$WORK"/*.log "$BENCH_LOGS"/ 2>/dev/null; fi; rm -rf "$WORK"' EXIT
if [ "$(nproc)" -ge 2 ]; then SERVER_CPU="taskset -c 1"; CLIENT_CPU="taskset -c 0"; else SERVER_CPU=""; CLIENT_CPU=""; fi
CORVUS_PORT=15353
PEER_PORT=15354
UPSTREAM_PORT=15355
HEALTH_PORT=15356   # the scale scenario's health, ready and prometheus endpoints
READY_PORT=15357
METRICS_PORT=15358
# The server under test: its own process, not a wrapper (taskset and bin/corvus exec), so that
# its VmRSS is the server's.
SERVER_PID=
corvus_stats=
corvus_gc=
corvus_per=1

wait_for() { # port pid
  for _ in $(seq 1 200); do
    if dig +short +time=1 +tries=1 @127.0.0.1 -p "$1" ready.check. A >/dev/null 2>&1; then return 0; fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; tail -n 20 "$WORK"/*.log >&2; return 1
}

rss_mib() { # pid: its resident memory (VmRSS) in MiB
  awk '/^VmRSS:/ {printf "%.0f\n", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0
}

# Runs dnsperf with per-query output and reduces it to: qps mean_ms p99_ms p999_ms lost, followed by
# the server's RSS in MiB at the end of the run.
measure() { # port queryfile [seconds [qps-limit]]
  local stats
  stats=$($CLIENT_CPU dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "${3:-$DURATION}" -c 4 -q 200 -t 2 -v ${4:+-Q $4} ${DNSPERF_FLAGS:-} 2>/dev/null \
    | python3 "$ROOT/bench/latency.py")
  echo "$stats $(rss_mib "$SERVER_PID")"
}

# measure for Corvus: sets corvus_stats, and corvus_gc to the GC pauses logged during the run
# (count max_ms p999_ms total_ms).
measure_corvus() { # port queryfile [seconds]
  local mark
  mark=$(stat -c %s "$GC_LOG" 2>/dev/null || echo 0)
  corvus_stats=$(measure "$@")
  corvus_gc=$(tail -c +$((mark + 1)) "$GC_LOG" 2>/dev/null | python3 "$ROOT/bench/gcpauses.py")
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
  SERVER_PID=$!
  wait_for $PEER_PORT $SERVER_PID
}

# The upstream of the forward, cache and search path scenarios: unbound answering the queried
# names from local-data, on the client's CPU so that the server under test keeps its own.
start_upstream() { # local-data file
  unbound_config "$WORK/upstream.conf" $UPSTREAM_PORT "$1"
  $CLIENT_CPU /usr/sbin/unbound -c "$WORK/upstream.conf" 2>>"$WORK/unbound.log" &
  wait_for $UPSTREAM_PORT $!
}

start_dnsdist() { # packet-cache: yes|no
  {
    echo "setLocal('127.0.0.1:$PEER_PORT')"
    echo "setSecurityPollSuffix('')"
    echo "newServer({address='127.0.0.1:$UPSTREAM_PORT', checkName='ready.check.'})"
    [ "$1" = yes ] && echo "pc = newPacketCache(10000, {maxTTL=86400})" && echo "getPool(''):setCache(pc)"
  } > "$WORK/dnsdist.conf"
  $SERVER_CPU dnsdist --supervised --disable-syslog -C "$WORK/dnsdist.conf" >>"$WORK/dnsdist.log" 2>&1 &
  SERVER_PID=$!
  wait_for $PEER_PORT $SERVER_PID
}

# unbound as a caching forwarder in front of the upstream: after the warm-up it answers from cache.
start_unbound_cache() {
  : > "$WORK/empty"
  unbound_config "$WORK/unbound.conf" $PEER_PORT "$WORK/empty" "forward-zone:
  name: \"example.\"
  forward-addr: 127.0.0.1@$UPSTREAM_PORT"
  $SERVER_CPU /usr/sbin/unbound -c "$WORK/unbound.conf" 2>>"$WORK/unbound.log" &
  SERVER_PID=$!
  wait_for $PEER_PORT $SERVER_PID
  $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PEER_PORT -d "$WORK/queries" -l 3 -c 4 -q 200 >/dev/null 2>&1 || true
}

# Starts Corvus with the collector under test and a unified GC log of its own ($GC_LOG), without
# waiting. bin/corvus keeps its heap flags (CORVUS_HEAP) and appends JAVA_OPTS.
launch_corvus() { # corefile scenario
  GC_LOG="$WORK/gc-$2.log"
  JAVA_OPTS="$GC_FLAGS -Xlog:gc,gc+phases:file=$GC_LOG:uptime,level,tags ${JAVA_OPTS:-}" \
    $SERVER_CPU "$DIST/bin/corvus" -conf "$1" >"$WORK/corvus-$2.log" 2>&1 &
  SERVER_PID=$!
}

start_corvus() { # corefile scenario
  launch_corvus "$1" "$2"
  wait_for $CORVUS_PORT $SERVER_PID
  # warm up the JIT before measuring
  $CLIENT_CPU dnsperf -s 127.0.0.1 -p $CORVUS_PORT -d "$WORK/queries" -l 10 -c 4 -q 200 ${DNSPERF_FLAGS:-} >/dev/null 2>&1 || true
}

# NSD on the peer port serving $WORK/nsd-zones (zone: sections) and check. for wait_for.
start_nsd() {
  mkdir -p "$WORK/nsd"
  printf '$ORIGIN check.\n@ 60 IN SOA ns. h. 1 60 60 60 60\n@ 60 IN NS ns.\nready 60 IN A 127.0.0.1\n' > "$WORK/nsd/check.zone"
  cat > "$WORK/nsd/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$PEER_PORT
  port: $PEER_PORT
  server-count: 1
  zonesdir: "$WORK/nsd"
  pidfile: "$WORK/nsd/nsd.pid"
  database: ""
  username: ""
  chroot: ""
  xfrdfile: "$WORK/nsd/xfrd.state"
  zonelistfile: "$WORK/nsd/zone.list"
  xfrdir: "$WORK/nsd"
  logfile: "$WORK/nsd.log"
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: check
  zonefile: check.zone
$(cat "$WORK/nsd-zones")
CONF
  $SERVER_CPU /usr/sbin/nsd -d -c "$WORK/nsd/nsd.conf" >>"$WORK/nsd.log" 2>&1 &
  SERVER_PID=$!
  wait_for $PEER_PORT $SERVER_PID
}

# Best of three AXFRs of zone $2 from port $1 with kdig, in milliseconds, and the record count.
axfr_ms() { # port zone
  local best=999999 start took count=0
  for _ in 1 2 3; do
    start=$(date +%s%N)
    count=$($CLIENT_CPU kdig @127.0.0.1 -p "$1" "$2" AXFR +nocomments +nostats 2>/dev/null | grep -c $'\tIN\t' || true)
    took=$(( ($(date +%s%N) - start) / 1000000 ))
    [ "$took" -lt "$best" ] && best=$took
  done
  echo "$best $count"
}

stop_all() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
}

# One result line per server; a peer's line is followed by the Corvus/peer ratios. PER is the
# number of queries one lookup takes (6 for a walk of the search path): the search path scenarios
# print lookups/s, and when Corvus and the peer need different numbers of queries, the ratio
# compares lookups/s.
report() { # scenario server per stats gc
  python3 - "$@" "$corvus_stats" "$corvus_per" <<'PY'
import sys
scenario, server, per, stats, gc, corvus, corvus_per = sys.argv[1:8]
s, per = [float(x) for x in stats.split()], int(per)
def ratio(a, b):
    return f"{a / b:.2f}" if b else "n/a"
text = (f"{scenario:<10} {server:<8} qps={s[0]:>7.0f} mean={s[1]:.3f}ms p99={s[2]:.3f}ms"
        f" p99.9={s[3]:.3f}ms lost={s[4]:.0f} rss={s[5]:.0f}MiB")
if scenario in ("searchpath", "autopath"):
    text += f" lookups/s={s[0] / per:.0f}"
if gc:
    g = [float(x) for x in gc.split()]
    text += f" gc: {g[0]:.0f} pauses, max {g[1]:.2f}ms, p99.9 {g[2]:.2f}ms"
print(text)
if server != "corvus":
    c, cper = [float(x) for x in corvus.split()], int(corvus_per)
    if cper != per:
        first = f"lookups/s corvus/{server}={ratio(c[0] / cper, s[0] / per)}"
    else:
        first = f"qps corvus/{server}={ratio(c[0], s[0])}  p99 corvus/{server}={ratio(c[2], s[2])}"
    print(f"{scenario:<10} ratio    {first}  rss corvus/{server}={ratio(c[5], s[5])}")
PY
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -n1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dnsperf: ${DURATION}s per server, 4 clients, 200 outstanding; server on CPU 1, dnsperf on CPU 0"
echo "corvus: collector ${GC_FLAGS}; heap ${CORVUS_HEAP:-bin/corvus default (half the RAM, at most 256 MiB)}${JAVA_OPTS:+; JAVA_OPTS $JAVA_OPTS}"

for scenario in "${SCENARIOS[@]}"; do
  corvus_per=1
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
    kubernetes)
      # 1,000 ClusterIP Services (10 namespaces x 100) as offline YAML (bench/cluster.py), asked
      # round-robin for svcN.nsM.svc.cluster.local A; no cache in front, so every answer is a
      # lookup in the plugin's index. unbound holds the same names as local-data.
      python3 "$ROOT/bench/cluster.py" "$WORK/k8s" --namespaces 10 --services 100
      cp "$WORK/k8s/service-queries" "$WORK/queries"
      cp "$WORK/k8s/service-local-data" "$WORK/local"
      printf ".:$CORVUS_PORT {\n    kubernetes cluster.local {\n        offline $WORK/k8s/cluster\n    }\n}\ncheck.:$CORVUS_PORT {\n    whoami\n}\n" > "$WORK/Corefile"
      ;;
    searchpath|autopath)
      # A pod of namespace ns1 (pod IP 127.0.0.1, the benchmark client's address, so that the
      # kubernetes plugin finds the client's namespace) with the resolv.conf
      #   search ns1.svc.cluster.local svc.cluster.local cluster.local corp.internal example.internal
      #   options ndots:5
      # looks up api.example.com: five expansions answered NXDOMAIN (three by the kubernetes
      # plugin, two by the upstream), then the name itself. Corvus runs the cluster's Corefile
      # (kubernetes with pods verified, cache, forward to the upstream unbound); with `autopath
      # @kubernetes` the pod's first query, api.example.com.ns1.svc.cluster.local, is answered with
      # a CNAME to api.example.com and its address in one round trip.
      python3 "$ROOT/bench/cluster.py" "$WORK/k8s" --namespaces 10 --services 100 --client-pod ns1/127.0.0.1
      : > "$WORK/search-queries"
      for domain in ns1.svc.cluster.local svc.cluster.local cluster.local corp.internal example.internal; do
        printf 'api.example.com.%s. A\n' "$domain" >> "$WORK/search-queries"
      done
      printf 'api.example.com. A\n' >> "$WORK/search-queries"
      printf '  local-zone: "corp.internal." static\n  local-zone: "example.internal." static\n  local-zone: "example.com." static\n  local-data: "api.example.com. 3600 IN A 192.0.2.80"\n' > "$WORK/upstream-local"
      # unbound as the peer answers all six from local data: cluster.local as a static zone (NXDOMAIN).
      { cat "$WORK/upstream-local"; printf '  local-zone: "cluster.local." static\n'; } > "$WORK/local"
      autopath=""
      if [ "$scenario" = autopath ]; then
        autopath="    autopath @kubernetes\n"
        printf 'api.example.com.ns1.svc.cluster.local. A\n' > "$WORK/queries"
      else
        cp "$WORK/search-queries" "$WORK/queries"
        corvus_per=6
      fi
      printf ".:$CORVUS_PORT {\n${autopath}    kubernetes cluster.local in-addr.arpa ip6.arpa {\n        offline $WORK/k8s/cluster\n        pods verified\n        fallthrough in-addr.arpa ip6.arpa\n    }\n    cache 30\n    forward . 127.0.0.1:$UPSTREAM_PORT\n}\n" > "$WORK/Corefile"
      ;;
    scale)
      # 10,000 Services in 100 namespaces, 20 % headless, each with an EndpointSlice of 5 ready
      # addresses (50,000 in all), one YAML file per namespace, served by the kubeadm Corefile
      # (offline instead of an API server, forward to the upstream unbound instead of
      # /etc/resolv.conf, loopback ports). Queries: every Service's A name (headless ones answer 5
      # addresses). unbound holds the same answers.
      python3 "$ROOT/bench/cluster.py" "$WORK/scale" --namespaces 100 --services 100 --headless 20 --endpoints 5 --ttl 30 \
        --file-per-namespace
      cp "$WORK/scale/service-queries" "$WORK/queries"
      cp "$WORK/scale/service-local-data" "$WORK/local"
      : > "$WORK/upstream-local"
      kubeadm_corefile $CORVUS_PORT "$WORK/scale/cluster" $HEALTH_PORT $READY_PORT $METRICS_PORT $UPSTREAM_PORT \
        > "$WORK/Corefile"
      ;;
    dnssec)
      # 100 names; Corvus signs file's unsigned answers on the fly, NSD serves them pre-signed
      printf '$ORIGIN example.\n$TTL 3600\n@ IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300\n  IN NS ns1.example.\nns1 IN A 10.0.0.53\n' > "$WORK/db.example"
      : > "$WORK/queries"
      for i in $(seq 1 100); do
        printf 'host%d IN A 10.0.%d.%d\n' "$i" $((i / 256)) $((i % 256)) >> "$WORK/db.example"
        printf 'host%d.example. A\n' "$i" >> "$WORK/queries"
      done
      KEY=$(cd "$WORK" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK example.)
      printf ".:$CORVUS_PORT {\n    dnssec example. {\n        key file $WORK/$KEY\n    }\n    file $WORK/db.example example.\n}\ncheck.:$CORVUS_PORT {\n    whoami\n}\n" > "$WORK/Corefile"
      cp "$WORK/db.example" "$WORK/nsd-db.example"
      printf '$INCLUDE %s.key\n' "$WORK/$KEY" >> "$WORK/nsd-db.example"
      mkdir -p "$WORK/nsd"
      (cd "$WORK" && dnssec-signzone -q -z -o example. -K "$WORK" -S -f "$WORK/nsd/example.signed" nsd-db.example)
      printf 'zone:\n  name: example\n  zonefile: example.signed\n' > "$WORK/nsd-zones"
      ;;
    axfr)
      printf '$ORIGIN example.\n$TTL 3600\n@ IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300\n  IN NS ns1.example.\nns1 IN A 10.0.0.53\n' > "$WORK/db.example"
      python3 -c 'import sys
for i in range(100000): sys.stdout.write("host%d IN A 10.%d.%d.%d\n" % (i, i >> 16 & 255, i >> 8 & 255, i & 255))' >> "$WORK/db.example"
      printf ".:$CORVUS_PORT {\n    file $WORK/db.example example.\n    transfer example. {\n        to *\n    }\n}\ncheck.:$CORVUS_PORT {\n    whoami\n}\n" > "$WORK/Corefile"
      mkdir -p "$WORK/nsd" && cp "$WORK/db.example" "$WORK/nsd/example.zone"
      printf 'zone:\n  name: example\n  zonefile: example.zone\n  provide-xfr: 127.0.0.1 NOKEY\n' > "$WORK/nsd-zones"
      ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  case $scenario in
    dnssec)
      # dnsperf -D: every query has the DO bit; the warm-up fills the signature cache
      export DNSPERF_FLAGS=-D
      start_corvus "$WORK/Corefile" "$scenario"
      echo "dnssec     check: host1.example. A +dnssec -> $(dig +dnssec +noall +answer @127.0.0.1 -p $CORVUS_PORT host1.example. A | awk '{printf "%s ", $4}')"
      measure_corvus $CORVUS_PORT "$WORK/queries"
      stop_all
      report "$scenario" corvus 1 "$corvus_stats" "$corvus_gc"
      if [ $PEERS = yes ]; then
        start_nsd
        report "$scenario" nsd 1 "$(measure $PEER_PORT "$WORK/queries")" ""
        stop_all
      fi
      unset DNSPERF_FLAGS
      ;;
    axfr)
      launch_corvus "$WORK/Corefile" "$scenario"
      wait_for $CORVUS_PORT $SERVER_PID
      read -r corvus_ms corvus_count <<< "$(axfr_ms $CORVUS_PORT example.)"
      echo "axfr       corvus   best of 3: ${corvus_ms} ms for ${corvus_count} records (kdig), rss=$(rss_mib "$SERVER_PID")MiB"
      stop_all
      if [ $PEERS = yes ]; then
        start_nsd
        read -r nsd_ms nsd_count <<< "$(axfr_ms $PEER_PORT example.)"
        echo "axfr       nsd      best of 3: ${nsd_ms} ms for ${nsd_count} records (kdig), rss=$(rss_mib "$SERVER_PID")MiB"
        stop_all
      fi
      ;;
    whoami|memory|kubernetes)
      start_corvus "$WORK/Corefile" "$scenario"
      measure_corvus $CORVUS_PORT "$WORK/queries"
      stop_all
      report "$scenario" corvus 1 "$corvus_stats" "$corvus_gc"
      if [ $PEERS = yes ]; then
        start_unbound "$WORK/local"
        report "$scenario" unbound 1 "$(measure $PEER_PORT "$WORK/queries")" ""
        stop_all
      fi
      ;;
    forward)
      # Flat out (latency is then mostly queueing in whichever server is saturated), and at a
      # fixed FORWARD_RATE both servers carry (latency of the path itself).
      start_upstream "$WORK/local"
      start_corvus "$WORK/Corefile" "$scenario"
      measure_corvus $CORVUS_PORT "$WORK/queries"
      saturated_stats=$corvus_stats saturated_gc=$corvus_gc
      measure_corvus $CORVUS_PORT "$WORK/queries" "$DURATION" "$FORWARD_RATE"
      rate_stats=$corvus_stats rate_gc=$corvus_gc
      stop_all
      corvus_stats=$saturated_stats
      report "$scenario" corvus 1 "$corvus_stats" "$saturated_gc"
      if [ $PEERS = yes ]; then
        start_upstream "$WORK/local"
        start_dnsdist no
        report "$scenario" dnsdist 1 "$(measure $PEER_PORT "$WORK/queries")" ""
        peer_rate_stats=$(measure $PEER_PORT "$WORK/queries" "$DURATION" "$FORWARD_RATE")
        stop_all
      fi
      corvus_stats=$rate_stats
      report "fwd@${FORWARD_RATE}" corvus 1 "$corvus_stats" "$rate_gc"
      if [ $PEERS = yes ]; then
        report "fwd@${FORWARD_RATE}" dnsdist 1 "$peer_rate_stats" ""
      fi
      ;;
    cache)
      start_upstream "$WORK/local"
      start_corvus "$WORK/Corefile" "$scenario"
      measure_corvus $CORVUS_PORT "$WORK/queries"
      stop_all
      report "$scenario" corvus 1 "$corvus_stats" "$corvus_gc"
      if [ $PEERS = yes ]; then
        start_upstream "$WORK/local"
        start_dnsdist yes
        $CLIENT_CPU dnsperf -s 127.0.0.1 -p $PEER_PORT -d "$WORK/queries" -l 3 -c 4 -q 200 >/dev/null 2>&1 || true
        report "$scenario" dnsdist 1 "$(measure $PEER_PORT "$WORK/queries")" ""
        stop_all
        start_upstream "$WORK/local"
        start_unbound_cache
        report "$scenario" unbound 1 "$(measure $PEER_PORT "$WORK/queries")" ""
        stop_all
      fi
      ;;
    searchpath|autopath)
      start_upstream "$WORK/upstream-local"
      start_corvus "$WORK/Corefile" "$scenario"
      echo "$scenario check: $(head -n1 "$WORK/queries" | cut -d' ' -f1) A -> $(dig +noall +answer +comments @127.0.0.1 -p $CORVUS_PORT "$(head -n1 "$WORK/queries" | cut -d' ' -f1)" A \
        | awk '/status:/ {sub(",", "", $6); printf "%s ", $6} !/^;/ && NF {printf "%s %s ", $4, $5}')"
      measure_corvus $CORVUS_PORT "$WORK/queries"
      stop_all
      report "$scenario" corvus $corvus_per "$corvus_stats" "$corvus_gc"
      if [ $PEERS = yes ]; then
        # no autopath in unbound: its client walks the search path in both scenarios
        start_unbound "$WORK/local"
        report "$scenario" unbound 6 "$(measure $PEER_PORT "$WORK/search-queries")" ""
        stop_all
      fi
      ;;
    scale)
      start_upstream "$WORK/upstream-local"
      started=$(date +%s%N)
      CORVUS_HEAP=$SCALE_HEAP launch_corvus "$WORK/Corefile" "$scenario"
      deadline=$((SECONDS + 300))
      until curl -sf -o /dev/null "http://127.0.0.1:$READY_PORT/ready"; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null || [ $SECONDS -gt $deadline ]; then break; fi
        sleep 0.02
      done
      ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
      if curl -sf -o /dev/null "http://127.0.0.1:$READY_PORT/ready"; then
        echo "scale      corvus   heap $SCALE_HEAP: ready (/ready 200) after ${ready_ms} ms, rss=$(rss_mib "$SERVER_PID")MiB at ready; $(grep -o 'synced.*' "$WORK/corvus-scale.log" | head -n1)"
        # the first 20 s of queries after ready, JIT compilation and cache filling included ...
        measure_corvus $CORVUS_PORT "$WORK/queries" $SCALE_DURATION
        echo "scale      corvus   first ${SCALE_DURATION} s after ready:"
        report "$scenario" corvus 1 "$corvus_stats" "$corvus_gc"
        # ... and the next 20 s, warm, as every other scenario is measured (compared with unbound)
        measure_corvus $CORVUS_PORT "$WORK/queries" $SCALE_DURATION
        echo "scale      corvus   the next ${SCALE_DURATION} s (warm):"
        report "$scenario" corvus 1 "$corvus_stats" "$corvus_gc"
      else
        echo "scale      corvus   heap $SCALE_HEAP: not ready after ${ready_ms} ms: $(grep -m1 -o 'OutOfMemoryError.*' "$WORK/corvus-scale.log" || echo "see its log")"
        corvus_stats="0 0 0 0 0 0"
      fi
      stop_all
      if [ $PEERS = yes ]; then
        started=$(date +%s%N)
        start_unbound "$WORK/local"
        echo "scale      unbound  first answer after $(( ($(date +%s%N) - started) / 1000000 )) ms (polled every 0.1 s), rss=$(rss_mib "$SERVER_PID")MiB"
        report "$scenario" unbound 1 "$(measure $PEER_PORT "$WORK/queries" $SCALE_DURATION)" ""
        stop_all
      fi
      ;;
  esac
done
