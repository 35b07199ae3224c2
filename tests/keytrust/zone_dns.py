#!/usr/bin/python3
"""A minimal authoritative DNS responder for the live key-trust test: answers TXT questions from a
master file written by make_keytrust_archive.py (one `NAME. IN TXT "..." ...` per line), NXDOMAIN
for every other name, over UDP on 127.0.0.1 and a port the system picks.

It stands in for a domain's real name servers so that mailverify meets the keys through its live
resolver (not --dns-zone, whose keys are all known before the scan). It prints "port N pid P" once
it listens, and exits after LIFETIME seconds in case the test that started it dies.

usage: zone_dns.py ZONE_FILE
"""
import re
import socket
import struct
import sys
import threading

LIFETIME = 120


def load_zone(path):
    records = {}
    for line in open(path):
        m = re.match(r'^(\S+)\s+IN\s+TXT\s+(.*)$', line.strip())
        if m:
            name = m.group(1).rstrip(".").lower()
            records[name] = "".join(re.findall(r'"([^"]*)"', m.group(2)))
    return records


def reply(query, records):
    qid, flags = struct.unpack("!HH", query[:4])
    pos, labels = 12, []
    while query[pos] != 0:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode("ascii", "replace").lower())
        pos += 1 + n
    qtype = struct.unpack("!H", query[pos + 1:pos + 3])[0]
    qend = pos + 5
    name = ".".join(labels)
    text = records.get(name) if qtype == 16 else None
    rcode = 0 if text is not None or name in records else 3
    answers = b""
    if text is not None:
        data = text.encode()
        rdata = b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                         for i in range(0, len(data), 255))
        answers = b"\xc0\x0c" + struct.pack("!HHIH", 16, 1, 60, len(rdata)) + rdata
    head = struct.pack("!HHHHHH", qid, 0x8400 | (flags & 0x0100) | rcode, 1,
                       1 if answers else 0, 0, 0)
    return head + query[12:qend] + answers


def main():
    records = load_zone(sys.argv[1])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print("port %d pid %d" % (sock.getsockname()[1], __import__("os").getpid()), flush=True)
    threading.Timer(LIFETIME, lambda: __import__("os")._exit(0)).start()
    while True:
        query, peer = sock.recvfrom(4096)
        try:
            sock.sendto(reply(query, records), peer)
        except (IndexError, struct.error):
            pass  # not a question this responder understands: no answer


if __name__ == "__main__":
    main()
