"""A DnsService client from Python's grpcio, with stubs generated from dns.proto by protoc.

Usage: dns_client.py GENERATED_DIR TARGET [CA_FILE SERVER_NAME]
Reads one DNS message per line (hex) on stdin and writes, per line, "OK <hex of the response>"
or "ERR <gRPC status code> <details>".
"""
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402

import dns_pb2  # noqa: E402
import dns_pb2_grpc  # noqa: E402

target = sys.argv[2]
if len(sys.argv) > 3:
    with open(sys.argv[3], "rb") as ca:
        credentials = grpc.ssl_channel_credentials(root_certificates=ca.read())
    channel = grpc.secure_channel(target, credentials,
                                  options=[("grpc.ssl_target_name_override", sys.argv[4])])
else:
    channel = grpc.insecure_channel(target)
stub = dns_pb2_grpc.DnsServiceStub(channel)
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    try:
        reply = stub.Query(dns_pb2.DnsPacket(msg=bytes.fromhex(line)), timeout=10)
        print("OK", reply.msg.hex(), flush=True)
    except grpc.RpcError as e:
        print("ERR", e.code().name, (e.details() or "").replace("\n", " "), flush=True)
