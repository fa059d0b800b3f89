#!/usr/bin/env python3
"""Asks NAME (A) of 127.0.0.1:PORT every INTERVAL seconds for DURATION seconds over UDP and prints
one line: answered/asked, p50/p99/max latency in ms of the answered ones.
Usage: probe.py PORT NAME DURATION [INTERVAL]"""
import random
import socket
import struct
import sys
import time


def query(name):
    qid = random.randrange(65536)
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split("."))
    return qid, struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack(">HH", 1, 1)


def main():
    port, name, duration = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.05
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(1.0)
    latencies, asked = [], 0
    end = time.monotonic() + duration
    while time.monotonic() < end:
        qid, packet = query(name)
        asked += 1
        start = time.monotonic()
        sock.sendto(packet, ("127.0.0.1", port))
        try:
            while True:
                data = sock.recv(4096)
                if len(data) >= 12 and struct.unpack(">H", data[:2])[0] == qid:
                    if data[3] & 0x0F == 0 and struct.unpack(">H", data[6:8])[0] > 0:
                        latencies.append((time.monotonic() - start) * 1000)
                    break
        except socket.timeout:
            pass
        time.sleep(max(0.0, interval - (time.monotonic() - start)))
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")
    print(f"{name}: answered {len(latencies)}/{asked} p50={pct(0.5):.2f}ms p99={pct(0.99):.2f}ms "
          f"max={latencies[-1] if latencies else float('nan'):.2f}ms")


if __name__ == "__main__":
    main()
