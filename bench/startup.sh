#!/usr/bin/env bash
# Start-up and memory of the built distribution on the offline demo cluster (the kubeadm
# Corefile with `offline`): time from process start to the first /ready 200, and the process's
# resident memory (VmRSS) then and after 2,000 queries, and the CPU time the JVM used until ready
# (user + system: on a machine shared with other builds the wall time says more about them).
#
#   bench/startup.sh [RUNS]   bin/corvus as a user runs it: its own JVM settings (from the machine's
#                             or container's limits) and its class-data archive, which the first
#                             start makes (run 0, printed apart); JAVA_HOME, JAVA_OPTS, CORVUS_HEAP,
#                             CORVUS_MEMORY (e.g. 170Mi), CORVUS_CPUS and CORVUS_CDS=off change them
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
DIST=$(ls -d distribution/target/corvus-*/ | head -n1)
[ -x "$DIST/bin/corvus" ] || { echo "build the distribution first: mvn -B -DskipTests package" >&2; exit 1; }
command -v dig >/dev/null || { echo "dig is needed (apt-get install dnsutils)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sed -e 's/\.:1053/.:15300/; s/127.0.0.1:8080/127.0.0.1:15380/; s/127.0.0.1:8181/127.0.0.1:15381/; s/127.0.0.1:9153/127.0.0.1:15393/; s/127.0.0.1:9154/127.0.0.1:15394/' \
    -e "s#offline ../demo-cluster#offline $(cd "$DIST" && pwd)/demo-cluster#" \
    "$DIST/conf/Corefile.cluster-demo" > "$WORK/Corefile"
printf 'kubernetes.default.svc.cluster.local A\nweb.demo.svc.cluster.local AAAA\n' > "$WORK/queries"
measure() { # runs
for run in $(seq 1 "$1"); do
  start=$(date +%s%N)
  "$DIST/bin/corvus" -conf "$WORK/Corefile" >"$WORK/log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:15381/ready; do
    if ! kill -0 $pid 2>/dev/null; then cat "$WORK/log" >&2; exit 1; fi
    sleep 0.01
  done
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  jpid=$(pgrep -P $pid java || echo $pid) # the first start's JVM is the launcher's child
  rss_ready=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$jpid/status)
  # CPU time to ready (user + system, clock ticks of 10 ms): what a loaded machine's wall time hides
  cpu_ms=$(awk '{print ($14 + $15) * 10}' /proc/$jpid/stat)
  answer=$(dig +short @127.0.0.1 -p 15300 kubernetes.default.svc.cluster.local)
  if command -v dnsperf >/dev/null; then
    dnsperf -s 127.0.0.1 -p 15300 -d "$WORK/queries" -n 1000 >/dev/null 2>&1 || true
  fi
  rss_load=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$jpid/status)
  kill $pid; wait $pid 2>/dev/null || true
  echo "run $run: ready after ${ready_ms} ms (CPU ${cpu_ms} ms), RSS ${rss_ready} MiB at ready, ${rss_load} MiB after queries; kubernetes.default -> $answer"
done
}

export CORVUS_CDS_DIR="$WORK/cds" CORVUS_PRINT_OPTS=1
echo "java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -n1); JAVA_OPTS=${JAVA_OPTS:-}; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "first start (makes the class-data archive when it stops):"
measure 1 | sed 's/^run 1/run 0/'
ls "$CORVUS_CDS_DIR" 2>/dev/null | sed "s/^/archive: /" || true
measure "$RUNS"
echo "$(sed -n 's/^corvus: /options: /p' "$WORK/log" | head -n1)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
