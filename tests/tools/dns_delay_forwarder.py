#!/usr/bin/python3
"""A DNS forwarder on 127.0.0.1 that answers after a delay: real-world latency in front of a local
upstream server (NSD), for the pipeline tests and bench/e2e-live.

Every query, UDP or TCP, is held for --delay-ms (plus a uniform +-jitter, so answers arrive out of
order), then its exact bytes (same ID) go to the upstream and the upstream's exact reply goes back:
a truncated UDP reply stays truncated, so the client retries over TCP as it would with a real
server. Queries for names at or under a dead registrable domain are dropped silently, like a
server that never answers. One asyncio loop serves everything (no thread per query).

    dns_delay_forwarder.py --port 53900 --upstream 127.0.0.1:53535 --delay-ms 30 --jitter-ms 5 \
        [--dead-domains FILE | --dead-fraction 0.05 --dead-seed 1] [--log FILE] [--stats-json FILE]
    dns_delay_forwarder.py --self-test --upstream 127.0.0.1:53535   (a few checks, exit 0 if good)

It prints "ready 127.0.0.1:PORT" on stdout once both sockets listen, and a stats line on stderr
when it stops (SIGTERM, SIGINT or --max-seconds): queries by protocol and type, answered, dropped,
upstream timeouts, truncated replies, and retries (the same name and type seen again within 1 s).
"""

import argparse
import asyncio
import ctypes
import hashlib
import ipaddress
import json
import os
import random
import signal
import socket
import struct
import sys
import time

QTYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA",
          33: "SRV", 41: "OPT", 99: "SPF", 255: "ANY"}
RETRY_WINDOW = 1.0  # seconds: a second (name, type) inside it counts as a client retry


def parse_question(wire):
    """(name, qtype, end offset of the question) of a query; name lower-case without the final
    dot. (None, None, None) when the bytes are not a query with one plain question."""
    if len(wire) < 12 or struct.unpack_from("!H", wire, 4)[0] < 1:
        return None, None, None
    labels, i = [], 12
    while i < len(wire):
        n = wire[i]
        if n == 0:
            if i + 5 > len(wire):
                return None, None, None
            qtype = struct.unpack_from("!H", wire, i + 1)[0]
            name = ".".join(labels).lower()
            return name, qtype, i + 5
        if n & 0xC0 or i + 1 + n > len(wire):  # queries carry no compression pointers
            return None, None, None
        labels.append(wire[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    return None, None, None


class Psl:
    """The registrable domain of a name, through libpsl (as mailverify does); the last two labels
    when libpsl is missing."""

    def __init__(self):
        self.ctx = None
        try:
            lib = ctypes.CDLL("libpsl.so.5")
            lib.psl_builtin.restype = ctypes.c_void_p
            lib.psl_latest.restype = ctypes.c_void_p
            lib.psl_latest.argtypes = [ctypes.c_char_p]
            lib.psl_registrable_domain.restype = ctypes.c_char_p
            lib.psl_registrable_domain.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            lib.psl_is_public_suffix.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            self.lib = lib
            self.ctx = lib.psl_builtin() or lib.psl_latest(None)
        except OSError:
            pass

    def registrable(self, name):
        if self.ctx:
            r = self.lib.psl_registrable_domain(self.ctx, name.encode("ascii", "replace"))
            return r.decode() if r else None
        parts = name.split(".")
        return ".".join(parts[-2:]) if len(parts) >= 2 else None

    def is_public_suffix(self, name):
        if not self.ctx:
            return None
        return bool(self.lib.psl_is_public_suffix(self.ctx, name.encode()))


def dead_by_fraction(domain, fraction, seed):
    """Whether a registrable domain is dead under --dead-fraction/--dead-seed: a hash, so that the
    bench can name the same domains without asking the forwarder."""
    h = hashlib.sha256(("%s:%s" % (seed, domain)).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2.0 ** 64 < fraction


class DeadSet:
    def __init__(self, domains=(), fraction=0.0, seed=0):
        self.domains = {d.strip().lower().rstrip(".") for d in domains if d.strip()}
        self.fraction, self.seed = fraction, seed
        self.psl = Psl() if fraction > 0 else None
        self.decided = {}

    def is_dead(self, name):
        if self.domains:
            labels = name.split(".")
            for k in range(len(labels)):
                if ".".join(labels[k:]) in self.domains:
                    return True
        if self.fraction > 0:
            reg = self.psl.registrable(name) if name else None
            if reg is None:
                return False
            if reg not in self.decided:
                self.decided[reg] = dead_by_fraction(reg, self.fraction, self.seed)
            return self.decided[reg]
        return False


class Stats:
    def __init__(self):
        self.c = {"queries": 0, "udp": 0, "tcp": 0, "answered": 0, "dropped_dead": 0,
                  "upstream_timeouts": 0, "upstream_errors": 0, "truncated": 0, "malformed": 0,
                  "retries": 0, "retries_udp": 0, "retries_tcp": 0, "tcp_connections": 0}
        self.qtypes = {}
        self.last_seen = {}

    def query(self, proto, name, qtype, now):
        self.c["queries"] += 1
        self.c[proto] += 1
        t = QTYPES.get(qtype, str(qtype))
        self.qtypes[t] = self.qtypes.get(t, 0) + 1
        key = (name, qtype)
        last = self.last_seen.get(key)
        if last is not None and now - last < RETRY_WINDOW:
            self.c["retries"] += 1
            self.c["retries_" + proto] += 1
        self.last_seen[key] = now

    def line(self):
        qt = ",".join("%s:%d" % kv for kv in sorted(self.qtypes.items(), key=lambda kv: -kv[1]))
        return ("dns_delay_forwarder stats: " + " ".join("%s=%d" % kv for kv in self.c.items())
                + " unique_questions=%d qtypes=%s" % (len(self.last_seen), qt or "-"))

    def as_dict(self):
        return dict(self.c, qtypes=self.qtypes, unique_questions=len(self.last_seen))


class Forwarder:
    def __init__(self, opts):
        self.opts = opts
        self.upstream = opts.upstream_addr
        self.rng = random.Random(opts.jitter_seed)
        dead = []
        if opts.dead_domains:
            with open(opts.dead_domains) as f:
                dead = [ln for ln in f if ln.strip() and not ln.startswith("#")]
        self.dead = DeadSet(dead, opts.dead_fraction, opts.dead_seed)
        self.stats = Stats()
        self.log = open(opts.log, "w", buffering=1 << 16) if opts.log else None
        self.t0 = time.monotonic()
        self.udp_transport = None
        self.up_socks = []  # UpstreamUdp protocols, each with its own pending IDs
        self.tasks = set()

    def delay(self):
        j = self.opts.jitter_ms
        d = self.opts.delay_ms + (self.rng.uniform(-j, j) if j else 0.0)
        return max(d, 0.0) / 1000.0

    def note(self, proto, name, qtype, outcome):
        if self.log:
            self.log.write("%.3f %s %s %s %s\n" % (time.monotonic() - self.t0, name or "?",
                                                    QTYPES.get(qtype, str(qtype)), proto, outcome))

    def admit(self, proto, wire):
        """Counts a query; False when it is to be dropped (dead domain)."""
        name, qtype, _ = parse_question(wire)
        if name is None:
            self.stats.c["malformed"] += 1
            return True, name, qtype  # forwarded anyway: the upstream judges it
        self.stats.query(proto, name, qtype, time.monotonic())
        if self.dead.is_dead(name):
            self.stats.c["dropped_dead"] += 1
            self.note(proto, name, qtype, "dropped")
            return False, name, qtype
        return True, name, qtype

    # ---- UDP -------------------------------------------------------------------------------

    def udp_query(self, wire, client):
        ok, name, qtype = self.admit("udp", wire)
        if ok:
            asyncio.get_running_loop().call_later(self.delay(), self.udp_send_upstream, wire,
                                                  client, name, qtype)

    def udp_send_upstream(self, wire, client, name, qtype):
        qid = wire[:2]
        sock = next((s for s in self.up_socks if qid not in s.pending), None)
        if sock is None:  # every socket has this ID in flight: a new socket keeps IDs unique
            self.tasks.add(asyncio.ensure_future(self.udp_new_socket(wire, client, name, qtype)))
            return
        sock.send(wire, client, name, qtype)

    async def udp_new_socket(self, wire, client, name, qtype):
        (await self.new_upstream_socket()).send(wire, client, name, qtype)

    def udp_reply(self, reply, pending):
        client, name, qtype = pending[0], pending[1], pending[2]
        truncated = len(reply) > 2 and reply[2] & 0x02
        self.stats.c["truncated"] += 1 if truncated else 0
        self.stats.c["answered"] += 1
        self.note("udp", name, qtype, "answered-truncated" if truncated else "answered")
        self.udp_transport.sendto(reply, client)

    async def sweep(self):
        """Forgets upstream queries that got no reply (the client will retry on its own)."""
        while True:
            await asyncio.sleep(0.25)
            limit = time.monotonic() - self.opts.upstream_timeout
            for s in self.up_socks:
                for qid, p in list(s.pending.items()):
                    if p[3] < limit:
                        del s.pending[qid]
                        self.stats.c["upstream_timeouts"] += 1
                        self.note("udp", p[1], p[2], "upstream-timeout")

    # ---- TCP -------------------------------------------------------------------------------

    async def tcp_client(self, reader, writer):
        self.stats.c["tcp_connections"] += 1
        mine = set()
        try:
            while True:
                head = await reader.readexactly(2)
                wire = await reader.readexactly(struct.unpack("!H", head)[0])
                ok, name, qtype = self.admit("tcp", wire)
                if ok:
                    t = asyncio.ensure_future(self.tcp_forward(wire, writer, name, qtype))
                    mine.add(t)
                    t.add_done_callback(mine.discard)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        if mine:  # the client half-closed after its query: still answer it
            await asyncio.wait(mine)
        writer.close()

    async def tcp_forward(self, wire, writer, name, qtype):
        await asyncio.sleep(self.delay())
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(*self.upstream),
                                          self.opts.upstream_timeout)
            w.write(struct.pack("!H", len(wire)) + wire)
            n = struct.unpack("!H", await asyncio.wait_for(r.readexactly(2),
                                                           self.opts.upstream_timeout))[0]
            reply = await asyncio.wait_for(r.readexactly(n), self.opts.upstream_timeout)
            w.close()
        except asyncio.TimeoutError:
            self.stats.c["upstream_timeouts"] += 1
            self.note("tcp", name, qtype, "upstream-timeout")
            return
        except (OSError, asyncio.IncompleteReadError):
            self.stats.c["upstream_errors"] += 1
            self.note("tcp", name, qtype, "upstream-error")
            return
        self.stats.c["answered"] += 1
        self.note("tcp", name, qtype, "answered")
        if not writer.is_closing():
            writer.write(struct.pack("!H", len(reply)) + reply)

    # ---- life ------------------------------------------------------------------------------

    async def serve(self, port):
        loop = asyncio.get_running_loop()
        self.udp_transport, _ = await loop.create_datagram_endpoint(
            lambda: ClientUdp(self), local_addr=("127.0.0.1", port))
        widen_buffers(self.udp_transport)
        port = self.udp_transport.get_extra_info("sockname")[1]
        server = await asyncio.start_server(self.tcp_client, "127.0.0.1", port, backlog=1024)
        for _ in range(4):
            await self.new_upstream_socket()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        loop.call_later(self.opts.max_seconds, stop.set)
        sweeper = asyncio.ensure_future(self.sweep())
        print("ready 127.0.0.1:%d" % port, flush=True)
        await stop.wait()
        sweeper.cancel()
        server.close()
        self.udp_transport.close()
        self.finish()

    async def new_upstream_socket(self):
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_datagram_endpoint(lambda: UpstreamUdp(self),
                                                       remote_addr=self.upstream)
        self.up_socks.append(proto)
        return proto

    def finish(self):
        line = self.stats.line()
        print(line, file=sys.stderr, flush=True)
        if self.log:
            self.log.write(line + "\n")
            self.log.close()
        if self.opts.stats_json:
            with open(self.opts.stats_json, "w") as f:
                json.dump(self.stats.as_dict(), f, indent=1)


class ClientUdp(asyncio.DatagramProtocol):
    def __init__(self, fwd):
        self.fwd = fwd

    def datagram_received(self, data, addr):
        self.fwd.udp_query(data, addr)

    def error_received(self, exc):
        pass  # an ICMP error for a client that went away: nothing to do


class UpstreamUdp(asyncio.DatagramProtocol):
    def __init__(self, fwd):
        self.fwd = fwd
        self.pending = {}  # query ID bytes -> (client, name, qtype, sent at, question bytes)
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        widen_buffers(transport)

    def send(self, wire, client, name, qtype):
        _, _, qend = parse_question(wire)
        self.pending[wire[:2]] = (client, name, qtype, time.monotonic(), wire[12:qend or 12])
        self.transport.sendto(wire)

    def datagram_received(self, data, addr):
        p = self.pending.get(data[:2])
        if p is None or data[12:12 + len(p[4])] != p[4]:
            return  # late (already swept) or not the question we asked
        del self.pending[data[:2]]
        self.fwd.udp_reply(data, p)

    def error_received(self, exc):
        self.fwd.stats.c["upstream_errors"] += 1


SOCKET_BUFFER = 4 << 20  # bytes each way on every UDP socket


def widen_buffers(transport):
    """Room for a whole query window on a UDP socket. With the kernel's default (~208 KiB), the
    replies to a window of 256 queries released together after the delay overflowed the receive
    queue while the loop was busy: the forwarder saw 13-47 "upstream timeouts" per run, and each
    cost the client a 2 s retry that the bench then charged to mailverify. SO_RCVBUFFORCE passes
    net.core.rmem_max when running as root; otherwise the plain option is capped there."""
    sock = transport.get_extra_info("socket")
    for force, plain in ((getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF),
                         (getattr(socket, "SO_SNDBUFFORCE", None), socket.SO_SNDBUF)):
        try:
            sock.setsockopt(socket.SOL_SOCKET, force or plain, SOCKET_BUFFER)
        except OSError:
            sock.setsockopt(socket.SOL_SOCKET, plain, SOCKET_BUFFER)


def loopback_addr(text):
    host, _, port = text.rpartition(":")
    if not host or not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError("upstream must be a loopback HOST:PORT, got %r" % text)
    return host, int(port)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--port", type=int, default=0, help="UDP and TCP port on 127.0.0.1 (0: any)")
    p.add_argument("--upstream", type=loopback_addr, dest="upstream_addr",
                   help="upstream server, loopback HOST:PORT (required)")
    p.add_argument("--delay-ms", type=float, default=0.0, help="added to every answer")
    p.add_argument("--jitter-ms", type=float, default=0.0, help="uniform +-J ms on each delay")
    p.add_argument("--jitter-seed", type=int, default=1)
    p.add_argument("--dead-domains", help="file: registrable domains never answered, one a line")
    p.add_argument("--dead-fraction", type=float, default=0.0,
                   help="share of registrable domains (libpsl) never answered, chosen by hash")
    p.add_argument("--dead-seed", type=int, default=1)
    p.add_argument("--log", help="one line per query: time name type proto outcome")
    p.add_argument("--stats-json", help="also write the final stats as JSON to this file")
    p.add_argument("--upstream-timeout", type=float, default=3.0, help="seconds (default 3)")
    p.add_argument("--max-seconds", type=float, default=3600.0,
                   help="stop by itself after this long (default 3600)")
    p.add_argument("--self-test", action="store_true",
                   help="start a forwarder in front of --upstream, check it, exit 0 if good")
    p.add_argument("--self-test-zone", default="mailverify.test",
                   help="a zone the upstream serves (default mailverify.test, tests/zones)")
    opts = p.parse_args(argv)
    if opts.upstream_addr is None:
        p.error("--upstream HOST:PORT is required")
    return opts


def main():
    opts = parse_args()
    if opts.self_test:
        from dns_delay_selftest import self_test  # noqa: E402 (kept apart: needs dnspython)
        sys.exit(self_test(__file__, opts))
    try:
        # uvloop (Debian's python3-uvloop), when there, answers about twice as many queries per
        # second as the stock loop; the rig must not be what bounds a live run (bench/README.md).
        try:
            import uvloop  # noqa: E402
            uvloop.install()
        except ImportError:
            pass
        asyncio.run(Forwarder(opts).serve(opts.port))
    except OSError as e:
        sys.exit("dns_delay_forwarder: %s" % e)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
