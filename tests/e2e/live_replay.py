#!/usr/bin/python3
"""Record live, replay offline: the forensic contract of the DNS layer, end to end.

Starts a private NSD (scripts/dns-server with its own port and folder) serving the shipped corpus's
zones, scans corpus/sample.mbox against it with --dns-record, then scans again offline from the
recorded file only. The two outputs must be identical except for where each key came from
(key_source "dns" vs "zone"), and both must give the same verdicts as the offline run from the
corpus's own snapshot.

Usage: live_replay.py MAILVERIFY REPO
"""
import json
import os
import re
import subprocess
import sys
import tempfile

AT = "2025-01-01T00:00:00Z"
PORT = "53541"


def split_zones(zone_file, out_dir):
    """Writes one master file per '; zone NAME' section of the corpus snapshot, for NSD."""
    os.makedirs(out_dir)
    name, lines = None, []
    for line in open(zone_file, encoding="utf-8"):
        m = re.match(r"; zone (\S+)", line)
        if m:
            if name:
                write_zone(out_dir, name, lines)
            name, lines = m.group(1), []
        elif name and line.strip() and not line.startswith(";"):
            lines.append(line)
    if name:
        write_zone(out_dir, name, lines)


def write_zone(out_dir, name, lines):
    with open(os.path.join(out_dir, name + ".zone"), "w", encoding="utf-8") as f:
        f.write("$TTL 3600\n" + "".join(lines))


def scan(mailverify, *args):
    cmd = [mailverify, "scan", "--at", AT, "--authserv-id", "mx.test.example", *args]
    done = subprocess.run(cmd, capture_output=True, timeout=600)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


def without_key_source(output):
    return re.sub(r'"key_source":"(dns|zone)"', '"key_source":"-"', output)


def verdicts(output):
    rows = []
    for line in output.splitlines():
        r = json.loads(line)
        rows.append(([(s["d"], s["s"], s["result"], s["reason"]) for s in r["dkim"]],
                     r["spf"]["result"], r["dmarc"]["result"], r["arc"]["result"]))
    return rows


def main():
    mailverify, repo = sys.argv[1:3]
    mbox = os.path.join(repo, "corpus/sample.mbox")
    snapshot = os.path.join(repo, "corpus/sample.zone")
    with tempfile.TemporaryDirectory() as tmp:
        zones = os.path.join(tmp, "zones")
        split_zones(snapshot, zones)
        env = dict(os.environ, MV_DNS_PORT=PORT, MV_DNS_DIR=os.path.join(tmp, "nsd"),
                   MV_DNS_ZONES=zones)
        server = os.path.join(repo, "scripts/dns-server")
        subprocess.run([server, "start"], env=env, check=True, timeout=60)
        try:
            record = os.path.join(tmp, "recorded.zone")
            live, live_summary = scan(mailverify, "--dns-server", "127.0.0.1:" + PORT,
                                      "--dns-record", record, mbox)
        finally:
            subprocess.run([server, "stop"], env=env, check=True, timeout=60)
        replay, _ = scan(mailverify, "--dns-zone", record, mbox)
        offline, _ = scan(mailverify, "--dns-zone", snapshot, mbox)
        recorded = open(record, encoding="utf-8").read()

    print(live_summary.strip().splitlines()[-1])
    negative = recorded.count(";@mailverify nxdomain") + recorded.count(";@mailverify nodata")
    print(f"recorded snapshot: {len(recorded.splitlines())} lines, {negative} negative answers")
    failures = []
    if '"key_source":"dns"' not in live:
        failures.append("the live run did not take its keys from DNS")
    if without_key_source(live) != without_key_source(replay):
        a, b = live.splitlines(), replay.splitlines()
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if without_key_source(x) != without_key_source(y)]
        failures.append(f"replay differs from the live run at records {diff[:10]} "
                        f"({len(a)} vs {len(b)} records)")
    if verdicts(live) != verdicts(offline):
        diff = [i for i, (x, y) in enumerate(zip(verdicts(live), verdicts(offline))) if x != y]
        failures.append(f"live verdicts differ from the corpus snapshot's at records {diff[:10]}")
    if negative == 0:
        failures.append("no negative answer was recorded (the corpus has missing keys)")
    for f in failures:
        print(f)
    print(f"{len(live.splitlines())} records live, replayed offline: "
          f"{'identical' if not failures else 'FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
