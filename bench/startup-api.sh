#!/usr/bin/env bash
# Start-up against an API server: the kubeadm Corefile of the shipped ConfigMap, its kubernetes
# block reaching the demo cluster's fabric8 mock API server (MockApiServer in the distribution's
# tests) with `endpoint http://…` (a pod's path: no kubeconfig to parse), bin/corvus with its
# defaults and its class-data archive (made by a first start of each distribution, not counted).
# Prints, per start, the time to the first /ready 200, the JVM's CPU time until then and its RSS
# (anonymous and file pages apart); with two distributions their starts alternate.
# With -tls, the pod's path over HTTPS instead: no `endpoint`, the service account's settings
# (KUBERNETES_SERVICE_HOST/PORT, the token and CA mounted where the kubelet mounts them; root) and the
# mock behind a TLS relay (bench/TlsRelay.java) whose certificate a test CA signed (keytool).
#
#   bench/startup-api.sh [-n RUNS] [-tls] DIST [DIST2]     (after `mvn -B -DskipTests package`)
#
# JAVA_OPTS and CORVUS_HEAP are passed on to bin/corvus. Only loopback addresses are used; run it
# under `flock /tmp/bench.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=6
if [ "${1:-}" = -n ]; then RUNS=$2; shift 2; fi
TLS=
if [ "${1:-}" = -tls ]; then TLS=1; shift; fi
[ $# -ge 1 ] || { sed -n '2,15p' "$0"; exit 2; }
DISTS=("$@")
WORK=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# The mock's class path (the reactor's test-scope dependencies of the distribution module).
mvn -B -q -o -DskipTests package dependency:build-classpath -pl distribution -am -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
mkdir "$WORK/kube"
# The mock serves until its standard input closes (the trap closes descriptor 3).
exec 3> >(java -cp "distribution/target/test-classes:$(cat "$WORK/cp.txt")" \
  dev.corvus.dns.distribution.MockApiServer "$WORK/kube" >"$WORK/mock.log" 2>&1)
for _ in $(seq 1 300); do [ -s "$WORK/kube/kubeconfig" ] && break; sleep 0.1; done
api=$(awk '$1 == "server:" {print $2; exit}' "$WORK/kube/kubeconfig")
[ -n "$api" ] || { cat "$WORK/mock.log" >&2; exit 1; }
endpoint=$api
if [ -n "$TLS" ]; then
  pki=$WORK/pki; mkdir "$pki"
  kt() { keytool "$@" -storepass changeit -storetype PKCS12 >/dev/null 2>&1; }
  kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname CN=bench-ca -ext bc:c -validity 2 -keystore "$pki/ca.p12"
  kt -exportcert -rfc -alias ca -keystore "$pki/ca.p12" -file "$pki/ca.pem"
  kt -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname CN=apiserver -validity 2 -keystore "$pki/server.p12"
  kt -certreq -alias server -keystore "$pki/server.p12" -file "$pki/server.csr"
  kt -gencert -rfc -alias ca -keystore "$pki/ca.p12" -infile "$pki/server.csr" -outfile "$pki/server.pem" \
    -ext SAN=ip:127.0.0.1 -validity 2
  kt -importcert -noprompt -alias ca -file "$pki/ca.pem" -keystore "$pki/server.p12"
  kt -importcert -alias server -file "$pki/server.pem" -keystore "$pki/server.p12"
  printf bench-token > "$pki/token"
  java bench/TlsRelay.java "$pki/server.p12" changeit "${api##*:}" "$pki/port" >"$WORK/relay.log" 2>&1 &
  for _ in $(seq 1 300); do [ -s "$pki/port" ] && break; sleep 0.1; done
  [ -s "$pki/port" ] || { cat "$WORK/relay.log" >&2; exit 1; }
  # A pod's environment and service account mount: the variables, and the token and CA at the
  # kubelet's path (/var/run/secrets/kubernetes.io/serviceaccount), bound in a mount namespace of
  # the server's own over a private /run (needs root). fabric8's own overrides of those paths
  # are set as well, for distributions from before Corvus read the mount as client-go does.
  cp "$pki/ca.pem" "$pki/ca.crt"
  export KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$(cat "$pki/port") \
    KUBERNETES_CERTS_CA_FILE=$pki/ca.pem KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN=$pki/token \
    KUBERNETES_AUTH_TRYKUBECONFIG=false
  in_pod() { # run in the background (a subshell): exec keeps the server's pid that of the subshell
    exec unshare --mount --propagation private -- sh -c 'mount -t tmpfs tmpfs /run \
      && mkdir -p /run/secrets/kubernetes.io/serviceaccount \
      && mount --bind "$0" /run/secrets/kubernetes.io/serviceaccount && exec "$@"' "$pki" "$@"
  }
  api="https://127.0.0.1:$KUBERNETES_SERVICE_PORT (in-cluster settings, CA $pki/ca.pem)"
  endpoint=
else
  in_pod() { exec "$@"; }
fi

python3 - distribution/src/main/dist/kubernetes/cluster-dns/configmap.yaml "$endpoint" > "$WORK/Corefile" <<'EOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.strip() == "Corefile: |") + 1
corefile = "\n".join(l[4:] for l in lines[start:] if l.startswith("    ") or not l.strip())
print(corefile.replace(".:53 {", ".:15353 {")
    .replace("    health {", "    health 127.0.0.1:15380 {")
    .replace("    ready\n", "    ready 127.0.0.1:15381\n")
    .replace("prometheus :9153", "prometheus 127.0.0.1:15393")
    .replace("forward . /etc/resolv.conf {", "forward . 127.0.0.1:15399 {")
    .replace("       pods insecure\n", ("       endpoint " + sys.argv[2] + "\n" if sys.argv[2] else "") + "       pods insecure\n")
    .rstrip())
EOF

start() { # label dist index
  local begin pid jpid
  begin=$(date +%s%N)
  in_pod env CORVUS_CDS_DIR="$WORK/cds-$3" "$2/bin/corvus" -conf "$WORK/Corefile" >"$WORK/log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:15381/ready; do
    kill -0 $pid 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
    sleep 0.01
  done
  local ms=$(( ($(date +%s%N) - begin) / 1000000 ))
  jpid=$(pgrep -P $pid java || echo $pid) # a first start's JVM is the launcher's child
  echo "$1: ready after $ms ms (CPU $(awk '{print ($14 + $15) * 10}' /proc/$jpid/stat) ms)," \
    "RSS $(awk '/VmRSS/ {print int($2/1024)}' /proc/$jpid/status) MiB" \
    "(anon $(awk '/RssAnon/ {print int($2/1024)}' /proc/$jpid/status), file $(awk '/RssFile/ {print int($2/1024)}' /proc/$jpid/status))"
  kill $pid; wait $pid 2>/dev/null || true
}

echo "java: $(java -version 2>&1 | head -n1); load average: $(cut -d' ' -f1-3 /proc/loadavg); API server $api"
for i in "${!DISTS[@]}"; do start "first-$i" "${DISTS[$i]}" "$i" >/dev/null; done
for run in $(seq 1 "$RUNS"); do
  for i in "${!DISTS[@]}"; do start "dist$i" "${DISTS[$i]}" "$i"; done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
