#!/usr/bin/env bash
# Reproduces the README's "When DNS breaks" walkthrough on the built distribution:
#   mvn -B -DskipTests package && bench/outage-walkthrough.sh
# Needs unbound (Debian package) and dig; uses ports 1053, 5301, 8080, 8181, 9153, 9154 on
# 127.0.0.1. Nothing listens on 127.0.0.1:5302: that is the failed upstream.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
dist="$repo/distribution/target/corvus-0.1.0-SNAPSHOT"
export PATH="$dist/bin:$PATH"
work=$(mktemp -d)
corvus_pid= unbound_pid=
cleanup() { kill $corvus_pid $unbound_pid 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
cp -r "$dist/demo-cluster" .
cat > unbound.conf <<EOF
server:
  interface: 127.0.0.1@5301
  port: 5301
  do-daemonize: no
  use-syslog: no
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: ""
  access-control: 127.0.0.0/8 allow
  local-zone: "." static
  local-data: ". 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400"
  local-data: ". 518400 IN NS a.root-servers.net."
  local-zone: "example.com." static
  local-data: "example.com. 3600 IN SOA ns.example.com. admin.example.com. 1 3600 600 86400 300"
  local-data: "www.example.com. 300 IN A 93.184.215.14"
  local-data: "api.example.com. 300 IN A 93.184.215.20"
EOF
/usr/sbin/unbound -c unbound.conf > unbound.log 2>&1 &
unbound_pid=$!
sed -e 's|offline ../demo-cluster|offline demo-cluster|' \
    -e 's|forward . /etc/resolv.conf {|forward . 127.0.0.1:5302 127.0.0.1:5301 {\n       policy sequential|' \
    -e 's|max_concurrent 1000||' \
    "$dist/conf/Corefile.cluster-demo" > Corefile

run() { echo "\$ $*"; "$@"; echo; }
run corvus doctor -conf Corefile
corvus -conf Corefile > corvus.log 2>&1 &
corvus_pid=$!
for _ in $(seq 1 100); do curl -sf 127.0.0.1:8181/ready >/dev/null && break; sleep 0.1; done

echo "### 1. An upstream fails"
echo "\$ dig @127.0.0.1 -p 1053 www.example.com +noall +answer +stats | grep -e IN -e time"
dig @127.0.0.1 -p 1053 www.example.com +noall +answer +stats | grep -e "IN" -e "time"; echo
# The failed query starts health checks of the dead upstream; max_fails of them mark it down.
for _ in $(seq 1 50); do
  corvus inspect upstreams | tr -d ' \n' | grep -q '"address":"127.0.0.1:5302","protocol":"udp","healthy":false' && break
  sleep 0.2
done
run corvus inspect upstreams
run corvus explain api.example.com

echo "### 2. A new Service answers NXDOMAIN"
dig @127.0.0.1 -p 1053 shop-api.demo.svc.cluster.local +noall > /dev/null
cat >> demo-cluster/services.yaml <<'EOF'
- apiVersion: v1
  kind: Service
  metadata:
    name: shop-api
    namespace: demo
  spec:
    type: ClusterIP
    clusterIP: 10.96.2.20
    clusterIPs: [10.96.2.20]
    ports:
    - name: http
      protocol: TCP
      port: 8080
EOF
sleep 3
echo "\$ dig @127.0.0.1 -p 1053 shop-api.demo.svc.cluster.local | grep status"
dig @127.0.0.1 -p 1053 shop-api.demo.svc.cluster.local | grep status; echo
run corvus explain shop-api.demo.svc.cluster.local
run corvus inspect cache flush name=shop-api.demo.svc.cluster.local
run corvus explain shop-api.demo.svc.cluster.local

echo "### 3. ndots:5 amplification"
for _ in 1 2 3; do
  for suffix in demo.svc.cluster.local. svc.cluster.local. cluster.local. ""; do
    dig @127.0.0.1 -p 1053 "api.example.com.$suffix" +noall > /dev/null
  done
done
run corvus inspect search-paths limit=5
echo "\$ curl -s 127.0.0.1:9153/metrics | grep ^corvus_dns_search_path"
curl -s 127.0.0.1:9153/metrics | grep "^corvus_dns_search_path"; echo
corvus inspect cache flush zone=cluster.local > /dev/null
run corvus explain api.example.com.demo.svc.cluster.local
