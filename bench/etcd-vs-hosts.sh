#!/usr/bin/env bash
# The etcd plugin answers from memory: the same 100 names answered from etcd (through the
# plugin's watched copy) and from hosts, by one Corvus process in the same run, measured with
# dnsperf in alternating rounds. Issue 26 asks for etcd >= 0.9x hosts.
#
#   bench/etcd-vs-hosts.sh [ROUNDS] [SECONDS]
#
# Needs the built distribution (mvn -B package -DskipTests), Debian's etcd-server, etcd-client and
# dnsperf. Everything listens on 127.0.0.1 and lives in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-10}
CORVUS_HOME=${CORVUS_HOME:-distribution/target/corvus-0.1.0-SNAPSHOT}
work=$(mktemp -d /tmp/backends-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

client=127.0.0.1:23891; peer=127.0.0.1:23892; dns=15391
etcd --name bench --data-dir "$work/etcd" --listen-client-urls "http://$client" --advertise-client-urls "http://$client" \
  --listen-peer-urls "http://$peer" --initial-advertise-peer-urls "http://$peer" --initial-cluster "bench=http://$peer" \
  --log-level warn >"$work/etcd.log" 2>&1 &
pids+=($!)
export ETCDCTL_API=3
until etcdctl --endpoints="http://$client" endpoint health >/dev/null 2>&1; do sleep 0.2; done

: >"$work/hosts"; : >"$work/q-etcd"; : >"$work/q-hosts"
for i in $(seq 1 100); do
  ip="10.1.$((i / 256)).$((i % 256))"
  etcdctl --endpoints="http://$client" put "/skydns/test/etcd/host$i" "{\"host\":\"$ip\",\"ttl\":3600}" >/dev/null
  echo "$ip host$i.hosts.test" >>"$work/hosts"
  echo "host$i.etcd.test A" >>"$work/q-etcd"
  echo "host$i.hosts.test A" >>"$work/q-hosts"
done
cat >"$work/Corefile" <<COREFILE
etcd.test:$dns {
    etcd {
        endpoint http://$client
    }
}
hosts.test:$dns {
    hosts $work/hosts
}
COREFILE
JAVA_OPTS="-Xmx96m -Xms96m" "$CORVUS_HOME/bin/corvus" -conf "$work/Corefile" >"$work/corvus.log" 2>&1 &
pids+=($!)
until dig @127.0.0.1 -p $dns host1.etcd.test +short +time=1 +tries=1 2>/dev/null | grep -q 10.1.0.1; do sleep 0.2; done
dig @127.0.0.1 -p $dns host1.hosts.test +short | grep -q 10.1.0.1

echo "# bench/etcd-vs-hosts.sh $ROUNDS $SECONDS_PER_RUN on $(date -u +%F), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(nproc) cores; one Corvus (-Xmx96m), 100 names each; dnsperf -c 4 -q 200, ${SECONDS_PER_RUN}s per run, alternating"
run() { dnsperf -s 127.0.0.1 -p $dns -d "$work/q-$1" -l "$SECONDS_PER_RUN" -c 4 -q 200 2>/dev/null | awk '/Queries per second/ {print $4}'; }
run etcd >/dev/null; run hosts >/dev/null   # warm-up
etcd_total=0; hosts_total=0
for r in $(seq 1 "$ROUNDS"); do
  e=$(run etcd); h=$(run hosts)
  echo "round $r: etcd qps=$e hosts qps=$h ratio=$(awk -v e="$e" -v h="$h" 'BEGIN {printf "%.3f", e / h}')"
  etcd_total=$(awk -v a="$etcd_total" -v b="$e" 'BEGIN {print a + b}')
  hosts_total=$(awk -v a="$hosts_total" -v b="$h" 'BEGIN {print a + b}')
done
echo "total: etcd/hosts = $(awk -v e="$etcd_total" -v h="$hosts_total" 'BEGIN {printf "%.3f", e / h}')"
