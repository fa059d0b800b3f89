#!/usr/bin/env bash
# Where Corvus's DoH time goes: bench/doh.sh's Corvus half (https:// with `hosts`, 100 names,
# server pinned to CPU 1, h2load on CPU 0, 16 HTTP/2 connections x 16 streams) with
# async-profiler attached while h2load runs, once per method.
#
#   bench/doh-profile.sh [-n REQUESTS] [-e cpu|alloc] [-o DIR]
#
# Prints the top frames by self time and the top inclusive frames; DIR keeps the collapsed stacks
# (METHOD-EVENT.collapsed). async-profiler as in bench/profile.sh (ASPROF_LIB or the local Maven
# repository's tools.profiler:async-profiler:4.1:jar:linux-x64). Only loopback addresses are used.
# Run it under `flock /tmp/bench.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REQUESTS=200000
EVENT=cpu
OUT=
while getopts "n:e:o:" opt; do
  case $opt in
    n) REQUESTS=$OPTARG ;;
    e) EVENT=$OPTARG ;;
    o) OUT=$OPTARG ;;
    *) sed -n 2,11p "$0"; exit 2 ;;
  esac
done
DIST=$(ls -d "$ROOT"/distribution/target/corvus-*/ 2>/dev/null | grep -v '\.tar' | head -n1 || true)
[ -x "$DIST/bin/corvus" ] || { echo "no distribution at $DIST" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
LIB=${ASPROF_LIB:-}
if [ -z "$LIB" ]; then
  jar=$(ls ~/.m2/repository/tools/profiler/async-profiler/*/async-profiler-*-linux-x64.jar 2>/dev/null | tail -n1 || true)
  [ -n "$jar" ] || { echo "no async-profiler: set ASPROF_LIB or fetch tools.profiler:async-profiler" >&2; exit 1; }
  (cd "$WORK" && unzip -q -o "$jar" 'linux-x64/*')
  LIB=$WORK/linux-x64/libasyncProfiler.so
fi
if [ "$(nproc)" -ge 2 ]; then SERVER_CPU="taskset -c 1"; CLIENT_CPU="taskset -c 0"; else SERVER_CPU=""; CLIENT_CPU=""; fi
PORT=15443
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
python3 - "$WORK" "$PORT" <<'PY'
import base64, struct, sys
def query(name):
    labels = b"".join(bytes([len(l)]) + l.encode() for l in name.split("."))
    return struct.pack(">6H", 0, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack(">HH", 1, 1)
work, port = sys.argv[1:]
open(f"{work}/query.bin", "wb").write(query("host1.example"))
with open(f"{work}/get-uris", "w") as out:
    for i in range(1, 101):
        out.write(f"https://127.0.0.1:{port}/dns-query?dns=" + base64.urlsafe_b64encode(query(f"host{i}.example")).decode().rstrip("=") + "\n")
PY
for i in $(seq 1 100); do echo "192.0.2.$i host$i.example" >> "$WORK/hosts"; done
cat > "$WORK/Corefile" <<COREFILE
https://example:$PORT {
    bind 127.0.0.1
    tls $WORK/cert.pem $WORK/key.pem
    hosts $WORK/hosts
}
COREFILE
export CORVUS_HEAP=${CORVUS_HEAP--Xmx96m -Xms96m}
JAVA_OPTS="-XX:+UseParallelGC ${JAVA_OPTS:-}" $SERVER_CPU "$DIST/bin/corvus" -conf "$WORK/Corefile" >"$WORK/corvus.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  kdig +https +tls-ca="$WORK/cert.pem" +time=1 +retry=0 @127.0.0.1 -p $PORT host1.example A 2>/dev/null | grep -q NOERROR && break
  sleep 0.1
done
java_pid=$(pgrep -P $pid java || echo $pid)
load() { # method requests
  local target=(-d "$WORK/query.bin" -H 'content-type: application/dns-message' "https://127.0.0.1:$PORT/dns-query")
  [ "$1" = GET ] && target=(-i "$WORK/get-uris")
  $CLIENT_CPU h2load -c 16 -m 16 -t 1 -n "$2" "${target[@]}" 2>&1 | awk '/^finished in/ {print $4}'
}
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for method in GET POST; do
  load $method $REQUESTS >/dev/null   # warm-up
  event=$EVENT total=
  [ "$EVENT" = cpu ] && event="cpu,interval=1ms"
  [ "$EVENT" = alloc ] && total=",total"
  jcmd "$java_pid" JVMTI.agent_load "$LIB" "\"start,event=$event\"" >/dev/null
  qps=$(load $method $REQUESTS)
  jcmd "$java_pid" JVMTI.agent_load "$LIB" "\"stop,collapsed${total},file=$OUT/$method-$EVENT.collapsed\"" >/dev/null
  echo "== $method $EVENT ($qps req/s while profiling, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 - "$OUT/$method-$EVENT.collapsed" <<'PY'
import collections, sys
self_, incl = collections.Counter(), collections.Counter()
total = 0
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip("\n").rpartition(" ")
    if not stack:
        continue
    n = int(n); total += n
    frames = stack.split(";")
    self_[frames[-1]] += n
    for f in set(frames):
        incl[f] += n
print(f"  total {total}")
print("  top self:")
for f, n in self_.most_common(30):
    print(f"    {100 * n / total:5.1f}%  {f}")
print("  top inclusive:")
for f, n in incl.most_common(60):
    print(f"    {100 * n / total:5.1f}%  {f}")
PY
done
echo "collapsed stacks in $OUT"
