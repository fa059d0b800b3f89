#!/usr/bin/env bash
# Start-up and memory of the built distribution on the offline demo cluster (the kubeadm
# Corefile with `offline`): time from process start to the first /ready 200, and the process's
# resident memory (VmRSS) then and after 2,000 queries.
#
#   bench/startup.sh [RUNS]          JAVA_HOME and JAVA_OPTS select the runtime and its flags
#   CDS=1 bench/startup.sh [RUNS]    first trains a class-data-sharing archive as the image build
#                                    does (-XX:ArchiveClassesAtExit), then measures with it
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
  rss_ready=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
  answer=$(dig +short @127.0.0.1 -p 15300 kubernetes.default.svc.cluster.local)
  if command -v dnsperf >/dev/null; then
    dnsperf -s 127.0.0.1 -p 15300 -d "$WORK/queries" -n 1000 >/dev/null 2>&1 || true
  fi
  rss_load=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
  kill $pid; wait $pid 2>/dev/null || true
  echo "run $run: ready after ${ready_ms} ms, RSS ${rss_ready} MiB at ready, ${rss_load} MiB after queries; kubernetes.default -> $answer"
done
}

if [ "${CDS:-0}" = 1 ]; then
  base_opts=${JAVA_OPTS:-}
  JAVA_OPTS="$base_opts -XX:ArchiveClassesAtExit=$WORK/corvus.jsa" measure 1 > /dev/null
  export JAVA_OPTS="$base_opts -XX:SharedArchiveFile=$WORK/corvus.jsa"
fi
echo "java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -n1); JAVA_OPTS=${JAVA_OPTS:-}"
measure "$RUNS"
