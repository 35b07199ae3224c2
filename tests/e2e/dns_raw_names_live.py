#!/usr/bin/python3
"""DNS names with any byte, live and replayed (RFC 2181 11, RFC 7208 7.3).

Starts a private NSD (scripts/dns-server with its own port and folder) serving a zone whose names
hold a space and '%' (OpenSPF's macro-mania-in-domain), UTF-8 bytes and a backslash, each reached
by an SPF macro from a message's envelope. Scans the messages live with --dns-record and then
offline from the recorded file: every SPF result must be pass both times, the two outputs must be
identical, and the recording must hold the names in master-file escapes.

Usage: dns_raw_names_live.py MAILVERIFY REPO
"""
import json
import os
import subprocess
import sys
import tempfile

PORT = "53597"
ZONE = r"""$TTL 300
example.com. IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
example.com. IN NS ns.example.com.
ns.example.com. IN A 127.0.0.1
mail.example.com. IN A 1.2.3.4
e1a.example.com. IN TXT "v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all"
macro%percent\032\032space%20url-space.example.com. IN A 1.2.3.4
e2.example.com. IN TXT "v=spf1 exists:%{l}.l.example.com -all"
\195\169t\195\169.l.example.com. IN A 127.0.0.2
e3.example.com. IN TXT "v=spf1 exists:%{h}.h.example.com -all"
back\092slash.h.example.com. IN A 127.0.0.2
"""
CASES = [
    # (name, Return-Path, HELO, the escaped name the recording must hold)
    ("space-and-percent", "test@e1a.example.com", "mail.example.com",
     r"macro%percent\032\032space%20url-space.example.com."),
    ("utf8-local-part", "\u00e9t\u00e9@e2.example.com", "mail.example.com",
     r"\195\169t\195\169.l.example.com."),
    ("backslash-helo", "test@e3.example.com", "back\\slash", r"back\092slash.h.example.com."),
]


def message(name, mailfrom, helo):
    lines = ["Return-Path: <%s>" % mailfrom,
             "Received: from %s (unknown [1.2.3.4])\r\n\tby mx.receiver.invalid with ESMTP id %s;"
             " Mon, 1 Jan 2024 00:00:01 +0000" % (helo, name),
             "From: <a@example.com>", "Subject: %s" % name,
             "Message-ID: <%s@receiver.invalid>" % name, "Date: Mon, 1 Jan 2024 00:00:00 +0000"]
    return ("\r\n".join(lines) + "\r\n\r\nbody\r\n").encode("utf-8")


def scan(mailverify, *args):
    cmd = [mailverify, "scan", "--at", "2025-01-01T00:00:00Z", "--receiver", "mx.receiver.invalid",
           *args]
    done = subprocess.run(cmd, capture_output=True, timeout=120)
    if done.returncode != 0:
        sys.exit("%s exited %d: %s" % (" ".join(cmd), done.returncode,
                                       done.stderr.decode(errors="replace")))
    return done.stdout.decode("utf-8")


def main():
    mailverify, repo = sys.argv[1:3]
    failures = []
    with tempfile.TemporaryDirectory(prefix="mv-rawnames-") as tmp:
        zones = os.path.join(tmp, "zones")
        os.makedirs(zones)
        with open(os.path.join(zones, "example.com.zone"), "w", encoding="ascii") as f:
            f.write(ZONE)
        mail = os.path.join(tmp, "mail")
        os.makedirs(mail)
        for n, (name, mailfrom, helo, _) in enumerate(CASES):
            with open(os.path.join(mail, "%02d.eml" % n), "wb") as f:
                f.write(message(name, mailfrom, helo))
        env = dict(os.environ, MV_DNS_PORT=PORT, MV_DNS_DIR=os.path.join(tmp, "nsd"),
                   MV_DNS_ZONES=zones)
        server = os.path.join(repo, "scripts/dns-server")
        subprocess.run([server, "start"], env=env, check=True, timeout=60)
        try:
            record = os.path.join(tmp, "recorded.zone")
            live = scan(mailverify, "--dns-server", "127.0.0.1:" + PORT, "--dns-record", record,
                        mail)
        finally:
            subprocess.run([server, "stop"], env=env, check=True, timeout=60)
        replay = scan(mailverify, "--dns-zone", record, mail)
        recorded = open(record, encoding="utf-8").read()

    for (name, _, _, escaped), line in zip(CASES, live.splitlines()):
        spf = json.loads(line)["spf"]
        print("%s: live spf %s (%s)" % (name, spf["result"], spf["reason"]))
        if spf["result"] != "pass":
            failures.append("%s: live SPF %s, expected pass" % (name, spf["result"]))
        if escaped not in recorded:
            failures.append("%s: the recording lacks %s" % (name, escaped))
    if len(live.splitlines()) != len(CASES):
        failures.append("%d records for %d messages" % (len(live.splitlines()), len(CASES)))
    if live != replay:
        failures.append("the offline replay differs from the live run:\n%s\n%s" % (live, replay))
    for f in failures:
        print("FAILED: " + f)
    print("raw-byte DNS names, live against NSD and replayed: %s" %
          ("identical, all pass" if not failures else "FAILED"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
