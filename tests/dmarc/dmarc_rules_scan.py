#!/usr/bin/python3
"""`mailverify scan` picks the DMARC rules by each message's verification time (--dmarc-rules auto,
the default): RFC 7489 before RFC 9989's publication (2026-05-20), RFC 9989 from then on, and
--dmarc-rules rfc7489|rfc9989 overrides it. Runs the built binary on a two-message mbox and a zone
file, and checks the `dmarc` members and Authentication-Results of the records.

usage: dmarc_rules_scan.py MAILVERIFY"""
import json
import os
import subprocess
import sys
import tempfile

ZONE = """$ORIGIN example.
$TTL 3600
_dmarc.corp IN TXT "v=DMARC1; p=reject; t=y"
"""

# Two messages from a subdomain of corp.example, no signature and no envelope: DMARC fails. The
# first was received in 2025, the second in 2026 after RFC 9989; the second has two From fields.
MBOX = """From a@b Thu Jan  1 00:00:00 2025
Received: from x by mx.test.example; Wed, 1 Jan 2025 10:00:00 +0000
From: Joe <joe@mail.corp.example>
To: x@y.example
Subject: old
Date: Wed, 1 Jan 2025 10:00:00 +0000
Message-ID: <old@x>

old

From a@b Mon Jun  1 00:00:00 2026
Received: from x by mx.test.example; Mon, 1 Jun 2026 10:00:00 +0000
From: Ann <ann@mail.corp.example>
From: =?utf-8?q?Ann_B?= <ann.b@MAIL.corp.example>
To: x@y.example
Subject: new
Date: Mon, 1 Jun 2026 10:00:00 +0000
Message-ID: <new@x>

new
"""

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def scan(binary, d, *args):
    out = subprocess.run([binary, "scan", "-q", "--dns-zone", os.path.join(d, "zone.txt"),
                          "--authserv-id", "mx.test.example", *args, os.path.join(d, "m.mbox")],
                         capture_output=True, text=True)
    check(out.returncode in (0, 1), "scan %s exit %d: %s" % (args, out.returncode, out.stderr))
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="mv-dmarc-rules-") as d:
        with open(os.path.join(d, "zone.txt"), "w") as f:
            f.write(ZONE)
        with open(os.path.join(d, "m.mbox"), "w") as f:
            f.write(MBOX)

        # --at received: each message by its own time.
        old, new = scan(binary, d, "--at", "received")
        check(old["dmarc"]["rules"] == "rfc7489", "2025 message judged by " + old["dmarc"]["rules"])
        check(old["dmarc"]["discovery_method"] == "psl", "2025 message: PSL")
        check(old["dmarc"]["policy"] == "reject" and not old["dmarc"]["testing"],
              "RFC 7489 knows no t=: %s" % old["dmarc"])
        check("policy.dmarc=reject" in old["auth_results"], old["auth_results"])
        check("polrec." not in old["auth_results"], "RFC 7489 A-R has no polrec: "
              + old["auth_results"])
        check(new["dmarc"]["rules"] == "rfc9989", "2026 message judged by " + new["dmarc"]["rules"])
        check(new["dmarc"]["discovery_method"] == "treewalk", "2026 message: tree walk")
        check(new["dmarc"]["result"] == "fail", "2026 message: %s" % new["dmarc"])
        check(new["dmarc"]["policy_domain"] == "corp.example", "policy domain %s" % new["dmarc"])
        check(new["dmarc"]["policy"] == "quarantine" and new["dmarc"]["testing"],
              "t=y applies one level less: %s" % new["dmarc"])
        check("policy.dmarc=quarantine" in new["auth_results"], new["auth_results"])
        # RFC 9989 registers polrec.p (the record's p=, before t=) and polrec.domain (where the
        # record was found, as it is not the From domain here).
        check("policy.dmarc=quarantine polrec.p=reject polrec.domain=corp.example"
              in new["auth_results"], new["auth_results"])
        # Two From fields naming one domain: judged under RFC 9989, counted, and `from` is the
        # field judged. RFC 7489 refuses them (permerror) and still counts them.
        check(new["dmarc"]["from_count"] == 2, "from_count %s" % new["dmarc"])
        check(new["from"] == "Ann <ann@mail.corp.example>", "from %r" % new.get("from"))
        check(old["dmarc"]["from_count"] == 1, "from_count of the old message")

        # A fixed time judges every message alike; --dmarc-rules overrides the date.
        for at, rules in (("2024-01-01T00:00:00Z", "rfc7489"), ("2026-05-20T00:00:00Z", "rfc9989"),
                          ("2026-05-19T23:59:59Z", "rfc7489")):
            for rec in scan(binary, d, "--at", at):
                check(rec["dmarc"]["rules"] == rules, "--at %s: %s" % (at, rec["dmarc"]["rules"]))
        for forced in ("rfc7489", "rfc9989"):
            for rec in scan(binary, d, "--at", "received", "--dmarc-rules", forced):
                check(rec["dmarc"]["rules"] == forced, "--dmarc-rules %s" % forced)
        forced_old = scan(binary, d, "--at", "received", "--dmarc-rules", "rfc7489")[1]
        check(forced_old["dmarc"]["result"] == "permerror", "RFC 7489, two From fields: %s"
              % forced_old["dmarc"])

        bad = subprocess.run([binary, "scan", "--dmarc-rules", "dmarcbis", "/dev/null"],
                             capture_output=True, text=True)
        check(bad.returncode != 0 and "--dmarc-rules" in bad.stderr,
              "an unknown --dmarc-rules value is refused: %d %s" % (bad.returncode, bad.stderr))
    if failures:
        sys.exit(1)
    print("DMARC rules by date: all checks passed")


if __name__ == "__main__":
    main()
