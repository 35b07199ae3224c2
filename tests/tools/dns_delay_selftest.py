"""`dns_delay_forwarder.py --self-test`: starts the forwarder as a child process in front of the
given upstream and checks, with raw sockets and dnspython-built queries, what the tests rely on:
reply bytes identical to the upstream's (same ID) over UDP and TCP, the delay, truncation passed
through, out-of-order answers under jitter, a dead domain never answered, and the stats."""

import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

import dns.message
import dns.rdatatype

DELAY_MS, JITTER_MS = 80.0, 40.0


def _udp(addr, wire, timeout):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(wire, addr)
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def _tcp(addr, wire, timeout):
    with socket.create_connection(addr, timeout=timeout) as s:
        s.sendall(struct.pack("!H", len(wire)) + wire)
        buf = b""
        while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
            chunk = s.recv(65535)
            if not chunk:
                return None
            buf += chunk
        return buf[2:]


def _query(name, rdtype, qid, edns=True):
    q = dns.message.make_query(name, rdtype, use_edns=0 if edns else False)
    q.id = qid
    return q.to_wire()


def self_test(script, opts):
    up = opts.upstream_addr
    zone = opts.self_test_zone
    tmp = tempfile.mkdtemp(prefix="dns-delay-selftest-")
    dead_file, log_file, stats_file = (os.path.join(tmp, n) for n in ("dead", "log", "stats"))
    with open(dead_file, "w") as f:
        f.write("dead-subdomain.%s\n" % zone)
    child = subprocess.Popen([sys.executable, script, "--port", "0", "--upstream",
                              "%s:%d" % up, "--delay-ms", str(DELAY_MS), "--jitter-ms",
                              str(JITTER_MS), "--dead-domains", dead_file, "--log", log_file,
                              "--stats-json", stats_file, "--max-seconds", "60"],
                             stdout=subprocess.PIPE, text=True)
    failures = []

    def check(what, ok, detail=""):
        print("%s %s%s" % ("ok  " if ok else "FAIL", what, (": " + detail) if detail else ""))
        if not ok:
            failures.append(what)

    try:
        ready = child.stdout.readline().split()
        if len(ready) != 2 or ready[0] != "ready":
            print("FAIL forwarder did not start: %r" % ready)
            return 1
        host, port = ready[1].rsplit(":", 1)
        fwd = (host, int(port))
        sent = 0

        wire = _query(zone, "SOA", 0x1234)
        direct = _udp(up, wire, 2.0)
        if direct is None:
            print("FAIL upstream %s:%d does not answer SOA %s over UDP" % (up + (zone,)))
            return 1
        t0 = time.monotonic()
        via = _udp(fwd, wire, 3.0)
        rtt = (time.monotonic() - t0) * 1000
        sent += 1
        check("UDP reply bytes equal the upstream's (ID kept)", via == direct)
        check("UDP answer delayed by delay +- jitter", DELAY_MS - JITTER_MS - 1 <= rtt < 2000,
              "%.0f ms" % rtt)

        t0 = time.monotonic()
        via = _tcp(fwd, wire, 3.0)
        rtt = (time.monotonic() - t0) * 1000
        sent += 1
        check("TCP reply bytes equal the upstream's", via == _tcp(up, wire, 2.0))
        check("TCP answer delayed", DELAY_MS - JITTER_MS - 1 <= rtt < 2000, "%.0f ms" % rtt)

        big = _query("big." + zone, "TXT", 0x4321, edns=False)
        direct = _udp(up, big, 2.0)
        truncated = direct is not None and bool(direct[2] & 0x02)
        if truncated:
            via = _udp(fwd, big, 3.0)
            sent += 1
            check("truncated UDP reply passed through unchanged (TC set)",
                  via == direct and bool(via[2] & 0x02))
        else:
            print("skip truncation: big.%s TXT does not truncate at the upstream" % zone)

        # Out of order: 40 queries sent back to back on one socket, different IDs and names.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3.0)
            order = []
            for i in range(40):
                name = ("n%d." % i) + zone
                s.sendto(_query(name, "A", 1000 + i), fwd)
                order.append(1000 + i)
            sent += 40
            got = []
            try:
                while len(got) < 40:
                    r = s.recv(65535)
                    got.append(struct.unpack("!H", r[:2])[0])
            except socket.timeout:
                pass
            check("all 40 jittered queries answered", sorted(got) == order,
                  "%d answers" % len(got))
            check("answers arrived out of order under jitter", got != order)

        dead = _query("x.dead-subdomain." + zone, "TXT", 0x5555)
        check("query under a dead domain is never answered", _udp(fwd, dead, 0.6) is None)
        sent += 1
    finally:
        child.terminate()
        child.wait(10)
    with open(stats_file) as f:
        stats = json.load(f)
    check("stats count every query", stats["queries"] == sent,
          "%d of %d" % (stats["queries"], sent))
    check("stats: one dropped, one TCP", stats["dropped_dead"] == 1 and stats["tcp"] == 1)
    check("stats: the repeated SOA question counted as a retry", stats["retries"] >= 1)
    if truncated:
        check("stats: one truncated reply", stats["truncated"] == 1)
    with open(log_file) as f:
        lines = f.read().splitlines()
    check("log: one line per query plus the stats line", len(lines) == sent + 1,
          "%d lines" % len(lines))
    print("self-test: %s" % ("passed" if not failures else "%d failed" % len(failures)))
    return 0 if not failures else 1
