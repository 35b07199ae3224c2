#!/usr/bin/python3
"""RFC 9989 np=: the existence check on the From domain (NXDOMAIN per RFC 8020, told apart from
NODATA) is a DNS answer like any other, so `scan --dns-record` writes it and a replay of that
recording alone (`--dns-zone`) gives the same verdicts. Runs the built binary on two messages: one
from a name that does not exist (np= applies) and one from a name that exists with no A record
(NODATA: sp= applies).

usage: dmarc_np_replay.py MAILVERIFY"""
import json
import os
import subprocess
import sys
import tempfile

ZONE = """$ORIGIN example.
$TTL 3600
_dmarc.corp IN TXT "v=DMARC1; p=reject; sp=quarantine; np=none"
exists.corp IN MX 10 mx.corp.example.
"""

MESSAGE = """From a@b Mon Jun  1 00:00:00 2026
Received: from x by mx.test.example; Mon, 1 Jun 2026 10:00:00 +0000
From: <someone@{domain}>
To: x@y.example
Subject: np
Date: Mon, 1 Jun 2026 10:00:00 +0000
Message-ID: <{domain}@x>

body

"""

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def scan(binary, d, *args):
    out = subprocess.run([binary, "scan", "-q", "--at", "received", "--dmarc-rules", "rfc9989",
                          *args, os.path.join(d, "m.mbox")], capture_output=True, text=True)
    check(out.returncode in (0, 1), "scan %s exit %d: %s" % (args, out.returncode, out.stderr))
    return [json.loads(line)["dmarc"] for line in out.stdout.splitlines()
            if line.startswith("{")]


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="mv-dmarc-np-") as d:
        zone, recording = os.path.join(d, "zone.txt"), os.path.join(d, "recorded.zone")
        with open(zone, "w") as f:
            f.write(ZONE)
        with open(os.path.join(d, "m.mbox"), "w") as f:
            for domain in ("ghost.corp.example", "exists.corp.example"):
                f.write(MESSAGE.format(domain=domain))

        first = scan(binary, d, "--dns-zone", zone, "--dns-record", recording)
        check(len(first) == 2, "two records, got %d" % len(first))
        if len(first) == 2:
            ghost, exists = first
            check(ghost["applied"] == {"tag": "np", "policy": "none"},
                  "NXDOMAIN From domain: np applies: %s" % ghost)
            check(exists["applied"] == {"tag": "sp", "policy": "quarantine"},
                  "NODATA From domain exists, sp applies: %s" % exists)
        recorded = open(recording).read()
        check("ghost.corp.example" in recorded and "exists.corp.example" in recorded,
              "both existence answers recorded:\n" + recorded)

        # The recording alone, without the original zone, answers the same.
        replayed = scan(binary, d, "--dns-zone", recording)
        check(replayed == first, "replay differs:\n%s\n%s" % (first, replayed))
    if failures:
        sys.exit(1)
    print("np= existence check recorded and replayed: all checks passed")


if __name__ == "__main__":
    main()
