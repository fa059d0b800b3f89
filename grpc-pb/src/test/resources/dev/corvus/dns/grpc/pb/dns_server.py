"""A DnsService server from Python's grpcio, with stubs generated from dns.proto by protoc.

Usage: dns_server.py GENERATED_DIR [unix:PATH]
Listens on 127.0.0.1 on a port the kernel picks and prints it (or on the Unix socket PATH, and
prints what grpcio returns for it, 1). Answers every query with the
question and one A record, 192.0.2.53 with TTL 60, and the query's ID; a name whose first label
is "missing" gets the gRPC status NOT_FOUND, one whose first label is "broken" UNAVAILABLE.
Stops when its standard input closes.
"""
import struct
import sys
from concurrent import futures

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402

import dns_pb2  # noqa: E402
import dns_pb2_grpc  # noqa: E402


def question_end(msg):
    at = 12
    while msg[at] != 0:
        at += 1 + msg[at]
    return at + 1 + 4


class Answerer(dns_pb2_grpc.DnsServiceServicer):
    def Query(self, request, context):
        query = request.msg
        label = query[13:13 + query[12]].decode("ascii", "replace")
        if label == "missing":
            context.abort(grpc.StatusCode.NOT_FOUND, "no such name")
        if label == "broken":
            context.abort(grpc.StatusCode.UNAVAILABLE, "broken on purpose")
        end = question_end(query)
        header = query[0:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
        answer = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([192, 0, 2, 53])
        return dns_pb2.DnsPacket(msg=header + query[12:end] + answer)


server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
dns_pb2_grpc.add_DnsServiceServicer_to_server(Answerer(), server)
port = server.add_insecure_port(sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1:0")
server.start()
print(port, flush=True)
sys.stdin.read()
server.stop(0)
