#!/usr/bin/env bash
# The JVM's share of a query, without the kernel's: bench/InProcess.java feeds the queries' bytes
# to the server's query path (parse, route, the chain, encode) through a listener plugin, in one
# thread, and prints the thread's CPU time and allocation per answered query. Two distributions
# (e.g. one built from an earlier commit) run interleaved in the same run.
#
#   bench/inprocess.sh [-d SECONDS] [-r ROUNDS] [-s "SCENARIO..."] DIST [DIST2]
#
#   -d SECONDS   each measurement after a 10 s warm-up (default 5)
#   -r ROUNDS    runs of each distribution per scenario, alternating (default 2); each run
#                starts a JVM and measures 3 times
#   -s SCENARIOS of: cachehit (prometheus, cache, hosts: every query after the first a hit),
#                hosts (prometheus, hosts, 1,000 names), whoami (prometheus, whoami), kubernetes
#                (errors, kubernetes offline with 1,000 Services, prometheus, loadbalance: the kubeadm
#                chain's per-query plugins without cache), kubeadm (the same with cache 30)
#                (default: all)
#
# The thread's CPU time does not count the kernel's UDP work, which bench/profile.sh shows is
# 60-65 % of a query's CPU on loopback (sendmmsg delivering to the client, recvmmsg).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=5
ROUNDS=2
SCENARIOS="cachehit hosts whoami kubernetes kubeadm"
while getopts "d:r:s:" opt; do
  case $opt in
    d) DURATION=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    s) SCENARIOS=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-d SECONDS] [-r ROUNDS] [-s SCENARIOS] DIST [DIST2]" >&2; exit 2; }
DISTS=("$@")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

. "$ROOT/bench/common.sh"
write_names "$WORK"
python3 "$ROOT/bench/cluster.py" "$WORK/k8s" --namespaces 10 --services 100 --ttl 30 >/dev/null

corefile() { # scenario
  echo "grpc://.:0 {"
  case $1 in
    cachehit) printf '    prometheus 127.0.0.1:0\n    cache\n    hosts %s\n' "$WORK/hosts" ;;
    hosts) printf '    prometheus 127.0.0.1:0\n    hosts %s\n' "$WORK/hosts" ;;
    whoami) printf '    prometheus 127.0.0.1:0\n    whoami\n' ;;
    kubernetes|kubeadm)
      echo "    errors"
      kubernetes_block "$WORK/k8s/cluster"
      echo "    prometheus 127.0.0.1:0"
      [ "$1" = kubeadm ] && echo "    cache 30"
      echo "    loadbalance"
      ;;
  esac
  echo "}"
}

# The distribution's class path without its grpc:// listener, whose scheme InProcess borrows.
class_path() { # dist
  local jar cp=
  for jar in "$1"/lib/*.jar; do
    case $(basename "$jar") in transport-grpc-*) continue ;; esac
    cp="$cp${cp:+:}$jar"
  done
  echo "$cp"
}

i=0
for dist in "${DISTS[@]}"; do
  i=$((i + 1))
  mkdir -p "$WORK/classes$i/META-INF/services"
  javac -nowarn -d "$WORK/classes$i" -cp "$dist/lib/*" "$ROOT/bench/InProcess.java"
  echo InProcess > "$WORK/classes$i/META-INF/services/dev.corvus.dns.api.listener.ListenerFactory"
done

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for d in "${!DISTS[@]}"; do echo "dist$((d + 1)): ${DISTS[$d]}"; done
for scenario in $SCENARIOS; do
  corefile "$scenario" > "$WORK/Corefile"
  queries=$WORK/queries
  case $scenario in kubernetes|kubeadm) queries=$WORK/k8s/service-queries ;; esac
  for round in $(seq 1 "$ROUNDS"); do
    for d in "${!DISTS[@]}"; do
      java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(class_path "${DISTS[$d]}"):$WORK/classes$((d + 1))" \
        InProcess "$WORK/Corefile" "$queries" "$DURATION" 3 \
        | sed "s/^/$scenario dist$((d + 1)) run $round /"
    done
  done
done
