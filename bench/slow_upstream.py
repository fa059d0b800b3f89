#!/usr/bin/env python3
"""A slow upstream for bench/overload.sh: answers every A query with 192.0.2.1 (TTL 3600) after
DELAY seconds, without a limit on queries waiting. Usage: slow_upstream.py PORT DELAY_SECONDS"""
import asyncio
import struct
import sys


class SlowServer(asyncio.DatagramProtocol):
    def __init__(self, delay):
        self.delay = delay
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if len(data) < 12:
            return
        asyncio.get_running_loop().call_later(self.delay, self.reply, data, addr)

    def reply(self, query, addr):
        # Header: same ID, QR+RD+RA, one question, one answer; the question is copied as sent.
        end = 12
        while end < len(query) and query[end] != 0:
            end += query[end] + 1
        question = query[12:end + 5]
        header = query[:2] + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
        answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 3600, 4) + bytes([192, 0, 2, 1])
        self.transport.sendto(header + question + answer, addr)


async def main(port, delay):
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: SlowServer(delay), local_addr=("127.0.0.1", port))
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
