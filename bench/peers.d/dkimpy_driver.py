#!/usr/bin/python3
"""bench/peers driver for dkimpy (python3-dkim): verifies every DKIM signature of every message
of a shard of MESSAGES (the split corpus) with TXT answers from the local NSD, memoized.
Prints one line per message: index TAB per-signature results (pass/fail/...), header order."""

import re
import sys

import dkim
import dns.resolver

path, port, shard, nshards = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ["127.0.0.1"]
resolver.port = port
resolver.use_edns(0, 0, 1232)
memo = {}


def dnsfunc(name, timeout=5):
    key = name if isinstance(name, str) else name.decode("ascii", "replace")
    if key not in memo:
        try:
            ans = resolver.resolve(key, "TXT", lifetime=timeout)
            memo[key] = b"".join(ans.rrset[0].strings)
        except Exception:
            memo[key] = None
    return memo[key]


SIG = re.compile(rb"^dkim-signature\s*:", re.I | re.M)
out = sys.stdout


def messages():
    with open(path, "rb") as f:
        index = 0
        while True:
            line = f.readline()
            if not line:
                return
            n = int(line)
            data = f.read(n)
            if index % nshards == shard:
                yield index, data
            index += 1


for index, msg in messages():
    head = msg.split(b"\r\n\r\n", 1)[0]
    count = len(SIG.findall(head))
    results = []
    d = dkim.DKIM(msg)
    for i in range(count):
        try:
            ok = d.verify(idx=i, dnsfunc=dnsfunc)
        except Exception:
            ok = False
        results.append("pass" if ok else "fail")
    out.write("%d\t%s\n" % (index, ",".join(results)))
