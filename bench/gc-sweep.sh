#!/usr/bin/env bash
# Tries the JVM's collectors for Corvus on the cache and kubernetes scenarios of bench.sh (Corvus
# only), with bin/corvus's default heap and with a heap sized for the Deployment's 170 MiB limit,
# and prints bench.sh's Corvus lines (latency, RSS, GC pauses) for each combination.
#
#   flock /tmp/bench.lock bench/gc-sweep.sh [-d SECONDS] [SCENARIO...]
#
# ZGC is tried as the runtime has it: single-generation on Java 17, generational
# (-XX:+ZGenerational) where the option exists (Java 21 and later).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=15
while getopts "d:" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    *) echo "usage: $0 [-d SECONDS] [SCENARIO...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
SCENARIOS=("${@:-cache kubernetes}")
# shellcheck disable=SC2206
SCENARIOS=(${SCENARIOS[*]})

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
collectors=("-XX:+UseG1GC" "-XX:+UseSerialGC" "-XX:+UseParallelGC" "-XX:+UseZGC")
if "$JAVA" -XX:+UseZGC -XX:+ZGenerational -version >/dev/null 2>&1; then
  collectors+=("-XX:+UseZGC -XX:+ZGenerational")
fi
for heap in "" "-Xmx96m -Xms96m"; do
  for collector in "${collectors[@]}"; do
    echo "== heap ${heap:-bin/corvus default}, collector $collector"
    CORVUS_HEAP="$heap" bench/bench.sh -P -d "$DURATION" -g "$collector" "${SCENARIOS[@]}" \
      | grep -v '^dnsperf:'
  done
done
