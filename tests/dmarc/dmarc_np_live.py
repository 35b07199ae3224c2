#!/usr/bin/python3
"""RFC 9989 np= against a live server: the From domain's existence check (RFC 8020: NXDOMAIN means
the name does not exist, NODATA that it does) asked of a real NSD, recorded with --dns-record, and
replayed from the recording alone with identical records. dmarc_np_record_replay does the same
with a master file as the source; here the NXDOMAIN and NODATA answers come off the wire.

Starts a private NSD (scripts/dns-server with its own port and folder) serving the zone `example.`
and scans three messages From:
  ghost.corp.example  no such name (NXDOMAIN): np= applies
  exists.corp.example has an MX record, no A (NODATA): sp= applies
  ent.corp.example    an empty non-terminal (NODATA, RFC 8020 2): sp= applies

usage: dmarc_np_live.py MAILVERIFY REPO [PORT]"""
import json
import os
import subprocess
import sys
import tempfile

ZONE = """$ORIGIN example.
$TTL 300
@ IN SOA ns.example. hostmaster.example. 1 7200 3600 1209600 300
@ IN NS ns.example.
ns IN A 127.0.0.1
_dmarc.corp IN TXT "v=DMARC1; p=reject; sp=quarantine; np=none"
exists.corp IN MX 10 mx.corp.example.
leaf.ent.corp IN A 192.0.2.1
"""
CASES = [  # (From domain, applied tag, applied policy, the recording's status for its A query)
    ("ghost.corp.example", "np", "none", "nxdomain"),
    ("exists.corp.example", "sp", "quarantine", "nodata"),
    ("ent.corp.example", "sp", "quarantine", "nodata"),
]
MESSAGE = """From a@b Mon Jun  1 00:00:00 2026
Received: from x by mx.test.example; Mon, 1 Jun 2026 10:00:00 +0000
From: <someone@{domain}>
To: x@y.example
Subject: np live
Date: Mon, 1 Jun 2026 10:00:00 +0000
Message-ID: <{domain}@x>

body

"""


def scan(binary, mbox, *args):
    out = subprocess.run([binary, "scan", "-q", "--at", "received", "--dmarc-rules", "rfc9989",
                          *args, mbox], capture_output=True, text=True, timeout=120)
    if out.returncode not in (0, 1):
        sys.exit("scan %s exited %d: %s" % (args, out.returncode, out.stderr))
    return out.stdout


def main():
    binary, repo = sys.argv[1], sys.argv[2]
    port = sys.argv[3] if len(sys.argv) > 3 else "53611"
    failures = []
    with tempfile.TemporaryDirectory(prefix="mv-np-live-") as tmp:
        zones = os.path.join(tmp, "zones")
        os.makedirs(zones)
        with open(os.path.join(zones, "example.zone"), "w") as f:
            f.write(ZONE)
        mbox = os.path.join(tmp, "m.mbox")
        with open(mbox, "w") as f:
            for domain, _, _, _ in CASES:
                f.write(MESSAGE.format(domain=domain))
        env = dict(os.environ, MV_DNS_PORT=port, MV_DNS_DIR=os.path.join(tmp, "nsd"),
                   MV_DNS_ZONES=zones)
        server = os.path.join(repo, "scripts/dns-server")
        subprocess.run([server, "start"], env=env, check=True, timeout=60)
        recording = os.path.join(tmp, "recorded.zone")
        try:
            live = scan(binary, mbox, "--dns-server", "127.0.0.1:" + port, "--dns-record",
                        recording)
        finally:
            subprocess.run([server, "stop"], env=env, check=True, timeout=60)
        # The recording alone, with the server gone, must answer the same.
        replay = scan(binary, mbox, "--dns-zone", recording)
        recorded = open(recording).read()

    records = [json.loads(line)["dmarc"] for line in live.splitlines() if line.startswith("{")]
    if len(records) != len(CASES):
        failures.append("%d records for %d messages" % (len(records), len(CASES)))
    for (domain, tag, policy, status), dmarc in zip(CASES, records):
        print("%s: live applied %s, policy_domain %s" % (domain, dmarc.get("applied"),
                                                         dmarc.get("policy_domain")))
        if dmarc.get("applied") != {"tag": tag, "policy": policy}:
            failures.append("%s: applied %s, expected %s=%s" % (domain, dmarc.get("applied"),
                                                                 tag, policy))
        line = ";@mailverify %s %s. A " % (status, domain)
        if line not in recorded:
            failures.append("%s: the recording lacks %r:\n%s" % (domain, line, recorded))
    if live != replay:
        failures.append("the replay differs from the live run:\n%s\n%s" % (live, replay))
    for f in failures:
        print("FAILED: " + f)
    print("np= existence check live against NSD, recorded and replayed: %s"
          % ("identical, all pass" if not failures else "FAILED"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
