#!/usr/bin/python3
"""The --dns-concurrency window does not wait out a dead server's timeout chain (issue 15).

A query counts against the window only until its first try times out. With a window of one
query and a first try of 1 s, a question for a dead domain (the forwarder drops it) must give its
place to the next, live, question after about 1 s, not after the whole chain (1 s + 2 s with two
tries). Read from the forwarder's own log (tests/tools/dns_delay_forwarder.py) in front of the
shared NSD (tests/zones, fixture mv_dns_server): the live question arrives 0.9-2.5 s after the
dead one; the dead domain's DMARC is temperror and the live one's is not.

Once answers have come back, a query leaves the window sooner: after RFC 6298's RTO over the
answers so far, at least 250 ms (dns/rtt_estimate.h). Second run: a live question answered first
(in well under a millisecond), then the dead one, then another live one, which must follow the
dead one after 0.2-0.8 s, not after the 1 s first try.

Usage: dns_window_dead.py MAILVERIFY REPO
"""
import json
import os
import subprocess
import sys
import tempfile

NSD_PORT = os.environ.get("MV_DNS_PORT", "53535")

MESSAGES = [
    ("dead", "From: a@dead-window.test\nSubject: dead\n\nbody\n"),
    ("live", "From: b@mailverify.test\nSubject: live\n\nbody\n"),
]


# Questions go out sorted by name: "_dmarc.mailverify.test" (live), "_dmarc.zz-dead-window.test"
# (dead), then "window._domainkey.mailverify.test" (live, from the DKIM-Signature).
AFTER_AN_ANSWER = [
    ("live", "DKIM-Signature: v=1; a=rsa-sha256; d=mailverify.test; s=window; h=from; bh=AAAA;"
             " b=AAAA\nFrom: b@mailverify.test\nSubject: live\n\nbody\n"),
    ("dead", "From: a@zz-dead-window.test\nSubject: dead\n\nbody\n"),
]


def run(mailverify, repo, tmp, messages, dead_domain):
    """Scans `messages` through the forwarder (window of one, 1 s first try); returns the records
    and the forwarder's log lines as (time, name, type, protocol, outcome)."""
    dead = os.path.join(tmp, "dead.txt")
    open(dead, "w").write(dead_domain + "\n")
    log = os.path.join(tmp, "queries.log")
    mbox = os.path.join(tmp, "two.mbox")
    with open(mbox, "w") as f:
        for _, m in messages:
            f.write("From x@y Mon Jan  1 00:00:00 2024\n" + m + "\n")
    fwd = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(repo, "tests/tools/dns_delay_forwarder.py"),
         "--port", "0", "--upstream", "127.0.0.1:" + NSD_PORT, "--dead-domains", dead,
         "--log", log], stdout=subprocess.PIPE, text=True)
    try:
        ready = fwd.stdout.readline().split()
        if not ready or ready[0] != "ready":
            sys.exit("forwarder did not start: %r" % ready)
        addr = ready[1]
        done = subprocess.run(
            [mailverify, "scan", "-q", "--at", "2024-06-01T00:00:00Z", "--threads", "1",
             "--dns-server", addr, "--dns-concurrency", "1", "--dns-timeout", "1000",
             "--mbox-format", "mboxrd", mbox],
            capture_output=True, text=True, timeout=120)
    finally:
        fwd.terminate()
        fwd.wait(timeout=30)
    records = [json.loads(l) for l in done.stdout.splitlines()]
    if len(records) != 2:
        sys.exit("2 records expected: %s %s" % (done.stdout, done.stderr))
    lines = [l.split() for l in open(log) if l.strip() and not l.startswith("dns_delay")]
    return records, lines


def first(lines, name):
    return min((float(l[0]) for l in lines if l[1] == name), default=None)


def main():
    mailverify, repo = sys.argv[1:3]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        records, lines = run(mailverify, repo, tmp, MESSAGES, "dead-window.test")
    if records[0]["dmarc"]["result"] != "temperror":
        failures.append("dead domain's DMARC is not temperror: %r" % records[0]["dmarc"])
    if records[1]["dmarc"]["result"] == "temperror":
        failures.append("live domain's DMARC is temperror: %r" % records[1]["dmarc"])
    first_dead = min((float(l[0]) for l in lines if l[1].endswith("dead-window.test")),
                     default=None)
    first_live = min((float(l[0]) for l in lines if l[1].endswith("mailverify.test")),
                     default=None)
    if first_dead is None or first_live is None:
        sys.exit("both domains must be asked; forwarder log:\n%r" % lines)
    gap = first_live - first_dead
    print("first dead query at %.3f s, first live at %.3f s: %.3f s later"
          % (first_dead, first_live, gap))
    if not 0.9 <= gap <= 2.5:
        failures.append("the live question waited %.3f s behind the dead one (expected about "
                        "the 1 s first try, well before the 3 s chain ends)" % gap)

    with tempfile.TemporaryDirectory() as tmp:
        records, lines = run(mailverify, repo, tmp, AFTER_AN_ANSWER, "zz-dead-window.test")
    answered = first(lines, "_dmarc.mailverify.test")
    dead = first(lines, "_dmarc.zz-dead-window.test")
    later = first(lines, "window._domainkey.mailverify.test")
    if None in (answered, dead, later) or not answered <= dead <= later:
        sys.exit("expected the live, dead, live order; forwarder log:\n%r" % lines)
    gap = later - dead
    print("after an answer: the dead query at %.3f s, the next live one %.3f s later"
          % (dead, gap))
    if not 0.2 <= gap <= 0.8:
        failures.append("after an answer, the live question waited %.3f s behind the dead one "
                        "(expected the 250 ms floor, not the 1 s first try)" % gap)
    if records[1]["dmarc"]["result"] != "temperror":
        failures.append("dead domain's DMARC is not temperror: %r" % records[1]["dmarc"])
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
