"""Writes a synthetic Kubernetes cluster for the kubernetes plugin's `offline DIR` source, and the
matching dnsperf query file and unbound local-data.

  python3 bench/cluster.py OUT_DIR --namespaces N --services M [--headless PERCENT]
                           [--endpoints K] [--client-pod NAMESPACE/IP] [--ttl SECONDS]
                           [--file-per-namespace]

Service `svcS` of namespace `nsN` (N in 1..namespaces, S in 1..services) has cluster IP
10.100.N.S; with --headless, PERCENT in every 100 are headless (clusterIP: None) instead. With
--endpoints K each Service gets an EndpointSlice with K ready addresses 10.(200+k).N.S, so
headless Services answer with K addresses. --client-pod adds a pod `client` with that IP (the
benchmark's client address, for `pods verified` and `autopath @kubernetes`).

Files written: OUT_DIR/cluster/{namespaces,services,endpointslices,pods}.yaml (kind: List), or
with --file-per-namespace OUT_DIR/cluster/nsN.yaml holding each namespace's objects (as
`kubectl get ns,svc,endpointslices,pods -n nsN -o yaml` would) and pods.yaml,
OUT_DIR/service-queries (one `svcS.nsN.svc.cluster.local. A` per Service) and
OUT_DIR/service-local-data (unbound `local-data:` lines with the same answers).
"""
import argparse
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--namespaces", type=int, required=True)
    parser.add_argument("--services", type=int, required=True, help="Services per namespace (at most 250)")
    parser.add_argument("--headless", type=int, default=0, help="percentage of headless Services")
    parser.add_argument("--endpoints", type=int, default=0, help="ready addresses per Service")
    parser.add_argument("--client-pod", default=None, help="NAMESPACE/IP of the benchmark client's pod")
    parser.add_argument("--ttl", type=int, default=5)
    parser.add_argument("--file-per-namespace", action="store_true",
                        help="one kind: List file per namespace instead of one per kind")
    args = parser.parse_args()
    if args.services > 250 or args.namespaces > 250 or args.endpoints > 50:
        parser.error("at most 250 namespaces, 250 Services per namespace and 50 endpoints")

    cluster = os.path.join(args.out, "cluster")
    os.makedirs(cluster, exist_ok=True)
    head = "apiVersion: v1\nkind: List\nitems:\n"
    namespaces, services, slices, queries, local = [head], [head], [head], [], []
    index = 0
    for n in range(1, args.namespaces + 1):
        if args.file_per_namespace and n > 1:
            write(cluster, f"ns{n - 1}", namespaces + services[1:] + slices[1:])
            namespaces, services, slices = [head], [head], [head]
        namespaces.append(f"- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ns{n}\n")
        for s in range(1, args.services + 1):
            name = f"svc{s}.ns{n}.svc.cluster.local."
            index += 1
            headless = index % 100 < args.headless
            cluster_ip = "None" if headless else f"10.100.{n}.{s}"
            ips = f"\n    clusterIPs: [{cluster_ip}]" if not headless else ""
            services.append(
                f"- apiVersion: v1\n  kind: Service\n  metadata:\n    name: svc{s}\n    namespace: ns{n}\n"
                f"  spec:\n    type: ClusterIP\n    clusterIP: {cluster_ip}{ips}\n"
                f"    ports:\n    - name: http\n      protocol: TCP\n      port: 80\n")
            addresses = [f"10.{200 + k}.{n}.{s}" for k in range(args.endpoints)]
            if addresses:
                endpoints = "".join(
                    f"  - addresses: [{a}]\n    conditions:\n      ready: true\n" for a in addresses)
                slices.append(
                    f"- apiVersion: discovery.k8s.io/v1\n  kind: EndpointSlice\n  metadata:\n"
                    f"    name: svc{s}-x{n}\n    namespace: ns{n}\n    labels:\n"
                    f"      kubernetes.io/service-name: svc{s}\n  addressType: IPv4\n"
                    f"  ports:\n  - name: http\n    protocol: TCP\n    port: 8080\n  endpoints:\n{endpoints}")
            queries.append(f"{name} A\n")
            answers = addresses if headless else [cluster_ip]
            local.extend(f'  local-data: "{name} {args.ttl} IN A {a}"\n' for a in answers)
    pods = [head]
    if args.client_pod:
        namespace, ip = args.client_pod.split("/")
        pods.append(
            f"- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: client\n    namespace: {namespace}\n"
            f"  status:\n    podIP: {ip}\n    podIPs:\n    - ip: {ip}\n")
    if args.file_per_namespace:
        write(cluster, f"ns{args.namespaces}", namespaces + services[1:] + slices[1:])
        write(cluster, "pods", pods)
    else:
        for file, parts in (("namespaces", namespaces), ("services", services),
                            ("endpointslices", slices), ("pods", pods)):
            write(cluster, file, parts)
    with open(os.path.join(args.out, "service-queries"), "w") as out:
        out.writelines(queries)
    with open(os.path.join(args.out, "service-local-data"), "w") as out:
        out.write('  local-zone: "cluster.local." static\n')
        out.writelines(local)


def write(directory, name, parts):
    """Writes a kind: List file from its header and items (an empty list when there are none)."""
    if len(parts) == 1:
        parts = ["apiVersion: v1\nkind: List\nitems: []\n"]
    with open(os.path.join(directory, name + ".yaml"), "w") as out:
        out.writelines(parts)


if __name__ == "__main__":
    main()
