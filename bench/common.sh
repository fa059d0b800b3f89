# Sourced by the benchmark scripts: the 1,000 names they ask and serve, the unbound upstream that
# answers them, and the kubeadm Corefile's kubernetes block over an offline cluster.

# write_names DIR: DIR/queries (dnsperf's "nameN.example. A") and DIR/hosts (a hosts file).
write_names() {
  local i
  for i in $(seq 1 1000); do echo "name$i.example. A"; done > "$1/queries"
  for i in $(seq 1 1000); do echo "10.1.$((i / 250)).$((i % 250)) name$i.example."; done > "$1/hosts"
}

# write_upstream_conf DIR PORT: DIR/upstream.conf, an unbound on 127.0.0.1@PORT answering the
# 1,000 names from local-data (run it with: /usr/sbin/unbound -c DIR/upstream.conf).
write_upstream_conf() {
  local i
  {
    echo "server:"
    echo "  interface: 127.0.0.1@$2"
    echo "  do-daemonize: no"
    echo "  username: \"\""
    echo "  chroot: \"\""
    echo "  directory: \"$1\""
    echo "  pidfile: \"$1/unbound.pid\""
    echo "  use-syslog: no"
    echo "  num-threads: 1"
    echo "  access-control: 127.0.0.0/8 allow"
    echo "  local-zone: \"example.\" static"
    for i in $(seq 1 1000); do echo "  local-data: \"name$i.example. 3600 IN A 10.1.$((i / 250)).$((i % 250))\""; done
  } > "$1/upstream.conf"
}

# kubernetes_block CLUSTER_DIR: the kubeadm Corefile's kubernetes block, its source offline.
kubernetes_block() {
  printf '    kubernetes cluster.local in-addr.arpa ip6.arpa {\n'
  printf '       offline %s\n' "$1"
  printf '       pods insecure\n'
  printf '       fallthrough in-addr.arpa ip6.arpa\n'
  printf '       ttl 30\n'
  printf '    }\n'
}

# kubeadm_corefile PORT CLUSTER_DIR HEALTH_PORT READY_PORT METRICS_PORT UPSTREAM_PORT: the kubeadm
# default Corefile (shared/reference/corefile-kubeadm) on loopback ports, kubernetes offline.
kubeadm_corefile() {
  echo ".:$1 {"
  echo "    errors"
  echo "    health 127.0.0.1:$3"
  echo "    ready 127.0.0.1:$4"
  kubernetes_block "$2"
  echo "    prometheus 127.0.0.1:$5"
  echo "    forward . 127.0.0.1:$6 {"
  echo "       max_concurrent 1000"
  echo "    }"
  echo "    cache 30"
  echo "    loop"
  echo "    reload"
  echo "    loadbalance"
  echo "}"
}
