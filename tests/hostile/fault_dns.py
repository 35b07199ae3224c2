#!/usr/bin/python3
"""A misbehaving DNS responder for the DNS-fault tests, on 127.0.0.1 only (UDP and TCP, one port).

Names under <fault>.hostile.test get that fault; every other question is forwarded to the real
local NSD (scripts/dns-server) and its answer relayed unchanged, so one run sees both.

  servfail   RCODE SERVFAIL
  slow       the answer comes SLOW_SECONDS late (past the client's timeouts)
  trunc      UDP: an empty answer with TC=1; TCP: the key record (the client must retry on TCP)
  trunctcp   UDP: TC=1; TCP: the connection is closed without an answer
  bigtxt     a TXT key record of BIG_TXT bytes (over UDP: TC=1, so it comes over TCP)
  malformed  the right ID and question, then bytes that are no DNS records
  wrongid    a good answer with a different ID (a spoofing attempt the client must ignore)
  cname      an endless CNAME chain, one link per answer, never the target

usage: fault_dns.py NSD_PORT KEY_RECORD   (prints "port N" on stdout once it listens)
"""
import socket
import struct
import sys
import threading
import time

SLOW_SECONDS = 8  # past the 1 s + 2 s the test client waits
BIG_TXT = 20000


def parse_question(q):
    """(id, flags, qname lower-case, qtype, end of question) of a query."""
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    pos, labels = 12, []
    while q[pos] != 0:
        n = q[pos]
        labels.append(q[pos + 1:pos + 1 + n].decode("ascii", "replace").lower())
        pos += 1 + n
    qtype = struct.unpack("!H", q[pos + 1:pos + 3])[0]
    return qid, flags, ".".join(labels), qtype, pos + 5


def name_wire(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p) + b"\0"


def txt_rdata(text):
    data = text.encode()
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255))


def reply(query, rcode=0, answers=(), tc=False, qid=None):
    q_id, flags, _, _, qend = parse_question(query)
    rd = flags & 0x0100
    out_flags = 0x8400 | rd | rcode | (0x0200 if tc else 0)  # QR, AA
    head = struct.pack("!HHHHHH", q_id if qid is None else qid, out_flags, 1, len(answers), 0, 0)
    body = b""
    for rtype, rdata in answers:
        body += b"\xc0\x0c" + struct.pack("!HHIH", rtype, 1, 60, len(rdata)) + rdata
    return head + query[12:qend] + body


class Responder:
    def __init__(self, nsd_port, key_record):
        self.nsd_port = nsd_port
        self.key = key_record

    def fault(self, qname):
        parts = qname.split(".")
        if len(parts) >= 3 and parts[-2:] == ["hostile", "test"]:
            return parts[-3]
        return None

    def answer(self, query, tcp):
        """The bytes to send back, or None for no answer at all."""
        try:
            qid, _, qname, qtype, _ = parse_question(query)
        except (IndexError, struct.error):
            return None
        fault = self.fault(qname)
        if fault is None:
            return self.forward(query, tcp)
        key = [(16, txt_rdata(self.key))] if qtype == 16 else []
        if fault == "servfail":
            return reply(query, rcode=2)
        if fault == "slow":
            time.sleep(SLOW_SECONDS)
            return reply(query, answers=key)
        if fault == "trunc":
            return reply(query, answers=key) if tcp else reply(query, tc=True)
        if fault == "trunctcp":
            return None if tcp else reply(query, tc=True)
        if fault == "bigtxt":
            if not tcp:
                return reply(query, tc=True)
            big = "v=DKIM1; k=rsa; p=" + "A" * (BIG_TXT - 18)
            return reply(query, answers=[(16, txt_rdata(big))] if qtype == 16 else [])
        if fault == "malformed":
            good = reply(query, answers=key)
            return good[:12 + len(good) // 3] + b"\xff" * 40
        if fault == "wrongid":
            return reply(query, answers=key, qid=(qid + 1) & 0xFFFF)
        if fault == "cname":
            first = qname.split(".")[0]
            n = int(first[1:]) + 1 if first[:1] == "c" and first[1:].isdigit() else 0
            target = "c%d.cname.hostile.test" % n
            return reply(query, answers=[(5, name_wire(target))])
        return reply(query, rcode=3)  # an unknown fault: NXDOMAIN

    def forward(self, query, tcp):
        if tcp:
            with socket.create_connection(("127.0.0.1", self.nsd_port), timeout=5) as s:
                s.sendall(struct.pack("!H", len(query)) + query)
                n = struct.unpack("!H", recv_exact(s, 2))[0]
                return recv_exact(s, n)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(5)
            s.sendto(query, ("127.0.0.1", self.nsd_port))
            return s.recv(65535)

    def serve_udp(self, sock):
        while True:
            query, peer = sock.recvfrom(65535)
            threading.Thread(target=self.udp_one, args=(sock, query, peer), daemon=True).start()

    def udp_one(self, sock, query, peer):
        try:
            out = self.answer(query, tcp=False)
        except OSError:
            out = None
        if out is not None:
            sock.sendto(out, peer)

    def serve_tcp(self, sock):
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=self.tcp_one, args=(conn,), daemon=True).start()

    def tcp_one(self, conn):
        with conn:
            try:
                conn.settimeout(10)
                while True:
                    n = struct.unpack("!H", recv_exact(conn, 2))[0]
                    out = self.answer(recv_exact(conn, n), tcp=True)
                    if out is None:
                        return
                    conn.sendall(struct.pack("!H", len(out)) + out)
            except (OSError, struct.error, EOFError):
                return


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def main():
    responder = Responder(int(sys.argv[1]), sys.argv[2])
    for _ in range(50):  # the UDP port's number may be taken for TCP: try another
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind(("127.0.0.1", port))
            break
        except OSError:
            udp.close()
            tcp.close()
    tcp.listen(64)
    threading.Thread(target=responder.serve_tcp, args=(tcp,), daemon=True).start()
    print("port %d" % port, flush=True)
    responder.serve_udp(udp)


if __name__ == "__main__":
    main()
