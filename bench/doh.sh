#!/usr/bin/env bash
# DNS over HTTPS: Corvus's https:// listener vs dnsdist's DoH frontend, both answering from
# memory, in the same run, with nghttp2's h2load (HTTP/2 over TLS).
#
#   bench/doh.sh [-n REQUESTS] [-w SECONDS] [-c CLIENTS] [-m GET|POST]...
#
#   -n REQUESTS  requests per server and method (default 100000), after the warm-up
#   -w SECONDS   the warm-up: h2load rounds of a fifth of REQUESTS until SECONDS have passed
#                (default 10, as bench.sh warms Corvus up for 10 s before measuring); 0: one round
#   -c CLIENTS   HTTP/2 connections (default 16), each with 16 concurrent streams
#   -m METHOD    GET and/or POST (default: both)
#   CORVUS_HEAP, JAVA_OPTS  passed on to bin/corvus (default heap -Xmx96m -Xms96m, as bench.sh)
#
# Corvus: `hosts` with 100 names. dnsdist (Debian's 1.7, h2o DoH frontend): SpoofAction for the
# same names. GET cycles through the 100 names (h2load -i), POST sends host1.example's query (h2load
# sends one body). Both on the same self-signed EC P-256 certificate; server pinned to CPU 1,
# h2load to CPU 0 when the machine has two. Prints requests/s, mean and max latency, non-2xx and
# failed requests, the server's RSS, the server's CPU time per request (user + system of all its
# threads during the measured run: what a request costs, whatever share of the CPU other work on
# a shared machine left the server) and the Corvus/dnsdist ratios of requests/s and of CPU time
# per request. Only loopback addresses are used.
#
# Not dnsperf: its DoH mode (2.10, Debian 12) counted most queries lost against both servers
# while its own HTTP/2 statistics showed every one answered 200 (DNS-OARC/dnsperf#240); 16 QPS
# with 2000 lost for Corvus, 2 QPS for dnsdist. h2load's -D (timed runs) hangs in 1.52: -n is used.
#
# Other engineers benchmark on the same machine: run it under `flock /tmp/bench.lock`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REQUESTS=100000
WARMUP=10
CLIENTS=16
METHODS=()
while getopts "n:w:c:m:" opt; do
  case $opt in
    n) REQUESTS=$OPTARG ;;
    w) WARMUP=$OPTARG ;;
    c) CLIENTS=$OPTARG ;;
    m) METHODS+=("$OPTARG") ;;
    *) sed -n 2,25p "$0"; exit 2 ;;
  esac
done
[ ${#METHODS[@]} -eq 0 ] && METHODS=(GET POST)

need=()
command -v h2load >/dev/null || need+=(nghttp2-client)
command -v dnsdist >/dev/null || need+=(dnsdist)
command -v kdig >/dev/null || need+=(knot-dnsutils)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

DIST=$(ls -d "$ROOT"/distribution/target/corvus-*/ 2>/dev/null | grep -v '\.tar' | head -n1 || true)
if [ -z "$DIST" ] || [ ! -x "$DIST/bin/corvus" ]; then
  echo "build the distribution first: mvn -B -DskipTests package" >&2; exit 1
fi

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [ "$(nproc)" -ge 2 ]; then SERVER_CPU="taskset -c 1"; CLIENT_CPU="taskset -c 0"; else SERVER_CPU=""; CLIENT_CPU=""; fi
CORVUS_PORT=15443
PEER_PORT=15444
export CORVUS_HEAP=${CORVUS_HEAP--Xmx96m -Xms96m}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
python3 - "$WORK" <<'PY'
import base64, struct, sys
def query(name):
    labels = b"".join(bytes([len(l)]) + l.encode() for l in name.split("."))
    return struct.pack(">6H", 0, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack(">HH", 1, 1)
work = sys.argv[1]
open(f"{work}/query.bin", "wb").write(query("host1.example"))
with open(f"{work}/get-paths", "w") as out:
    for i in range(1, 101):
        out.write("/dns-query?dns=" + base64.urlsafe_b64encode(query(f"host{i}.example")).decode().rstrip("=") + "\n")
PY
for i in $(seq 1 100); do
  echo "192.0.2.$i host$i.example" >> "$WORK/hosts"
done

wait_for() { # port pid
  for _ in $(seq 1 300); do
    if kdig +https +tls-ca="$WORK/cert.pem" +time=1 +retry=0 @127.0.0.1 -p "$1" host1.example A 2>/dev/null | grep -q NOERROR; then
      return 0
    fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; tail -n 20 "$WORK"/*.log >&2; return 1
}

server_pid() { pgrep -P "$1" java || echo "$1"; } # bin/corvus runs java as its child
# CPU seconds (user + system, every thread) the process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f\n", ($14 + $15) / hz}' "/proc/$(server_pid "$1")/stat" 2>/dev/null || echo 0; }

rss_mib() { local pid; pid=$(server_pid "$1"); awk '/^VmRSS:/ {printf "%.0f\n", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo 0; }

run_h2load() { # port method requests -> qps mean_ms max_ms non2xx failed
  local target=(-d "$WORK/query.bin" -H 'content-type: application/dns-message' "https://127.0.0.1:$1/dns-query")
  if [ "$2" = GET ]; then
    sed "s|^|https://127.0.0.1:$1|" "$WORK/get-paths" > "$WORK/get-uris"
    target=(-i "$WORK/get-uris")
  fi
  $CLIENT_CPU h2load -c "$CLIENTS" -m 16 -t 1 -n "$3" "${target[@]}" 2>&1 | awk '
    /^finished in/ {qps = $4}
    /^requests:/ {failed = $10 + $12 + $14}
    /^status codes:/ {non2xx = $5 + $7 + $9}
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; return v * 1000 }
    /^time for request:/ {max = ms($5); mean = ms($6)}
    END {print qps, mean, max, non2xx, failed}'
}

measure() { # name port pid
  for method in "${METHODS[@]}"; do
    # warm-up (the JIT, TLS sessions): the same for both servers
    local until=$((SECONDS + WARMUP))
    run_h2load "$2" "$method" $((REQUESTS / 5)) >/dev/null
    while [ $SECONDS -lt $until ]; do run_h2load "$2" "$method" $((REQUESTS / 5)) >/dev/null; done
    local cpu_before cpu_after
    cpu_before=$(cpu_seconds "$3")
    read -r qps mean max non2xx failed <<<"$(run_h2load "$2" "$method" "$REQUESTS")"
    cpu_after=$(cpu_seconds "$3")
    # CPU time per request: what the server spent, whatever share of the CPU it got
    printf '%-8s %-5s %10.0f %9.3f %9.3f %7s %7s %7s %11.1f\n' "$1" "$method" "$qps" "$mean" "$max" "$non2xx" "$failed" \
      "$(rss_mib "$3")" "$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$REQUESTS" 'BEGIN {print (b - a) * 1e6 / n}')"
    echo "$1 $method $qps $(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$REQUESTS" 'BEGIN {print (b - a) * 1e6 / n}')" >> "$WORK/results"
  done
}

cat > "$WORK/Corefile" <<COREFILE
https://example:$CORVUS_PORT {
    bind 127.0.0.1
    tls $WORK/cert.pem $WORK/key.pem
    hosts $WORK/hosts
}
COREFILE
JAVA_OPTS="-XX:+UseParallelGC ${JAVA_OPTS:-}" $SERVER_CPU "$DIST/bin/corvus" -conf "$WORK/Corefile" >"$WORK/corvus.log" 2>&1 &
CORVUS_PID=$!

{
  echo "setSecurityPollSuffix('')"
  echo "addDOHLocal('127.0.0.1:$PEER_PORT', '$WORK/cert.pem', '$WORK/key.pem', '/dns-query')"
  echo "setLocal('127.0.0.1:$((PEER_PORT + 1))')"
  for i in $(seq 1 100); do
    echo "addAction(AndRule({QNameRule('host$i.example.'), QTypeRule(DNSQType.A)}), SpoofAction({'192.0.2.$i'}))"
  done
} > "$WORK/dnsdist.conf"

echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(h2load --version | head -1): $REQUESTS requests per server and method after ${WARMUP} s of warm-up (rounds of $((REQUESTS / 5))), $CLIENTS HTTP/2 connections x 16 streams"
echo "server on CPU 1, h2load on CPU 0; corvus heap ${CORVUS_HEAP}, ParallelGC; $(dnsdist --version | head -1)"
printf '%-8s %-5s %10s %9s %9s %7s %7s %7s %11s\n' server method req/s mean_ms max_ms non2xx failed rss_MiB cpu_us/req

wait_for $CORVUS_PORT $CORVUS_PID
measure corvus $CORVUS_PORT $CORVUS_PID
kill $CORVUS_PID; wait $CORVUS_PID 2>/dev/null || true

$SERVER_CPU dnsdist --supervised --disable-syslog -C "$WORK/dnsdist.conf" >"$WORK/dnsdist.log" 2>&1 &
DNSDIST_PID=$!
wait_for $PEER_PORT $DNSDIST_PID
measure dnsdist $PEER_PORT $DNSDIST_PID
kill $DNSDIST_PID; wait $DNSDIST_PID 2>/dev/null || true

for method in "${METHODS[@]}"; do
  awk -v m="$method" '$2 == m {q[$1] = $3; c[$1] = $4} END {if (q["dnsdist"] > 0 && c["corvus"] > 0) printf "ratio corvus/dnsdist %s: %.2f (requests/s), %.2f (dnsdist CPU per request / corvus CPU per request)\n", m, q["corvus"] / q["dnsdist"], c["dnsdist"] / c["corvus"]}' "$WORK/results"
done
