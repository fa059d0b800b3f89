#!/usr/bin/env bash
# Runs the image distribution/oci/build.sh made under podman as the Deployment runs it: a 170 MiB
# memory limit (no swap), one CPU (--cpus=1, a CFS quota bin/corvus reads), read-only root file
# system with a small /tmp, uid 65532, serving the kubeadm Corefile of the shipped ConfigMap
# against a Kubernetes API server. Prints time to /ready, the probes, answers, RSS, the cgroup's
# peak and whether the kernel OOM-killed it, before and after DNSPERF_SECONDS of dnsperf load, and
# after OVERLOAD_SECONDS (0: none) of bench/overload.sh's flood: unique names, every one forwarded to
# an upstream that answers after 0.5 s, at many times what the server can hold in flight, while a
# probe asks for a Service name every 50 ms.
#
#   distribution/oci/run.sh KUBECONFIG [OUT]     (root; OUT as given to build.sh)
#
# The API server: a real one, or the demo cluster's mock (MockApiServer in the distribution's
# test sources, which writes a kubeconfig; see docs/kubernetes.md). Ports move to 127.0.0.1:153xx
# on the host network and forward to 127.0.0.1:15399, so no query leaves the machine.
# podman runs the container with runc and file/process limits it may set: on these machines
# crun refuses the hybrid cgroup hierarchy and podman's default rlimits cannot be set without
# CAP_SYS_RESOURCE (docs/kubernetes.md, "The image, built and run here").
set -euo pipefail
cd "$(dirname "$0")/../.."
KUBECONFIG_FILE=$(readlink -f "$1")
OUT=${2:-/tmp/corvus-oci}
IMAGE=localhost/corvus:0.1.0-SNAPSHOT
NAME=corvus-run-$$
DNSPERF_SECONDS=${DNSPERF_SECONDS:-20}
OVERLOAD_SECONDS=${OVERLOAD_SECONDS:-0}
CONF=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; podman rm -f "$NAME" >/dev/null 2>&1 || true; rm -rf "$CONF"' EXIT

id=$(podman pull -q "oci:$OUT/oci:corvus" | tail -n1)
podman tag "$id" "$IMAGE"
echo "image: $(podman images --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' "$IMAGE")"

python3 - distribution/src/main/dist/kubernetes/cluster-dns/configmap.yaml > "$CONF/Corefile" <<'EOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.strip() == "Corefile: |") + 1
corefile = "\n".join(l[4:] for l in lines[start:] if l.startswith("    ") or not l.strip())
corefile = (corefile.replace(".:53 {", ".:15353 {")
    .replace("    health {", "    health 127.0.0.1:15380 {")
    .replace("    ready\n", "    ready 127.0.0.1:15381\n")
    .replace("prometheus :9153", "prometheus 127.0.0.1:15393")
    .replace("forward . /etc/resolv.conf {", "forward . 127.0.0.1:15399 {")
    .replace("       pods insecure\n", "       kubeconfig /etc/coredns/kubeconfig\n       pods insecure\n"))
print(corefile.rstrip())
EOF
cp "$KUBECONFIG_FILE" "$CONF/kubeconfig"
chmod 0755 "$CONF"; chmod 0644 "$CONF/Corefile" "$CONF/kubeconfig" # the image runs as uid 65532
echo "--- Corefile"; cat "$CONF/Corefile"; echo "---"

start=$(date +%s%N)
podman --runtime runc run -d --name "$NAME" \
  --memory=170m --memory-swap=170m --cpus=1 \
  --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
  --network host --read-only --tmpfs /tmp:size=16m \
  -e CORVUS_PRINT_OPTS=1 \
  -v "$CONF:/etc/coredns:ro" \
  "$IMAGE" -conf /etc/coredns/Corefile >/dev/null
echo "podman run --runtime runc -d --memory=170m --memory-swap=170m --cpus=1 --network host --read-only --tmpfs /tmp:size=16m -v CONF:/etc/coredns:ro $IMAGE -conf /etc/coredns/Corefile"
until curl -sf -o /dev/null http://127.0.0.1:15381/ready; do
  if [ "$(podman inspect --format '{{.State.Running}}' "$NAME")" != true ]; then
    podman logs "$NAME"; echo "the container stopped" >&2; exit 1
  fi
  sleep 0.02
done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
pid=$(podman inspect --format '{{.State.Pid}}' "$NAME")
cgroup=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' "/proc/$pid/cgroup")
report() {
  rss=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status")
  hwm=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$pid/status")
  usage=$(awk '{printf "%.1f", $1/1048576}' "$cgroup/memory.usage_in_bytes" 2>/dev/null || echo "?")
  peak=$(awk '{printf "%.1f", $1/1048576}' "$cgroup/memory.max_usage_in_bytes" 2>/dev/null || echo "?")
  limit=$(awk '{printf "%.0f", $1/1048576}' "$cgroup/memory.limit_in_bytes" 2>/dev/null || echo "?")
  failcnt=$(cat "$cgroup/memory.failcnt" 2>/dev/null || echo "?")
  echo "$1: java RSS ${rss} MiB (peak ${hwm}); cgroup usage ${usage} MiB, peak ${peak} MiB of a ${limit} MiB limit, failcnt ${failcnt}; OOMKilled=$(podman inspect --format '{{.State.OOMKilled}}' "$NAME"), running=$(podman inspect --format '{{.State.Running}}' "$NAME")"
}
echo "ready: /ready 200 after ${ready_ms} ms from podman run"
echo "liveness: /health $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:15380/health), readiness: /ready $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:15381/ready)"
echo "options: $(podman logs "$NAME" 2>&1 | sed -n 's/^corvus: //p' | head -n1)"
for question in "kubernetes.default.svc.cluster.local A" "web.team-a.svc.cluster.local A" "db.team-a.svc.cluster.local A"; do
  # shellcheck disable=SC2086
  echo "dig $question: $(dig +short @127.0.0.1 -p 15353 $question | tr '\n' ' ')"
done
report "at ready"
if command -v dnsperf >/dev/null; then
  printf 'kubernetes.default.svc.cluster.local A\nweb.team-a.svc.cluster.local A\nkube-dns.kube-system.svc.cluster.local A\nmissing.team-a.svc.cluster.local A\n' > "$CONF/queries"
  dnsperf -s 127.0.0.1 -p 15353 -d "$CONF/queries" -l "$DNSPERF_SECONDS" -c 4 -q 200 2>&1 \
    | grep -E 'Queries (sent|completed|lost)|Queries per second|Average Latency' | sed 's/^ */dnsperf: /'
  report "after ${DNSPERF_SECONDS} s of dnsperf"
fi
if [ "$OVERLOAD_SECONDS" -gt 0 ]; then
  # The forward target becomes an upstream that answers every name after 0.5 s.
  python3 bench/slow_upstream.py 15399 0.5 &
  python3 -c 'import sys
with open(sys.argv[1], "w") as f:
    f.writelines(f"f{i}.flood.example. A\n" for i in range(500000))' "$CONF/flood"
  echo "overload: ${OVERLOAD_SECONDS} s of unique names (dnsperf -c 8 -q 40000), the upstream answering after 0.5 s"
  python3 bench/probe.py 15353 kubernetes.default.svc.cluster.local "$OVERLOAD_SECONDS" > "$CONF/probe" &
  probe=$!
  dnsperf -s 127.0.0.1 -p 15353 -d "$CONF/flood" -l "$OVERLOAD_SECONDS" -c 8 -q 40000 -t 1 2>&1 \
    | grep -E 'Queries (sent|completed|lost)|Queries per second' | sed 's/^ */flood: /'
  wait "$probe"
  echo "during the flood, a Service name every 50 ms: $(cat "$CONF/probe")"
  echo "after the flood: dig kubernetes.default.svc.cluster.local A: $(dig +short +time=2 +tries=1 @127.0.0.1 -p 15353 kubernetes.default.svc.cluster.local A)"
  echo "counters: $(curl -s http://127.0.0.1:15393/metrics | grep -E '^corvus_dns_dropped_requests_total\{reason="overload"\}' || true)"
  report "after ${OVERLOAD_SECONDS} s of overload"
fi
echo "server log:"; podman logs "$NAME" 2>&1 | sed 's/^/  /' | tail -n 12
podman stop -t 10 "$NAME" >/dev/null
echo "stopped: exit code $(podman inspect --format '{{.State.ExitCode}}' "$NAME"), OOMKilled=$(podman inspect --format '{{.State.OOMKilled}}' "$NAME")"
