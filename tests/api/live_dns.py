#!/usr/bin/python3
"""mv::Resolver::LiveDns through the public API against a real NSD.

Serves the shipped corpus's zones from a private NSD (scripts/dns-server, own port and folder;
the zones split out of corpus/sample.zone as tests/e2e/live_replay.py does), then runs the
disabled gtest VerifierLive.* with MV_API_LIVE_PORT set: records over live DNS must equal those
from the zone snapshot, apart from key_source.

Usage: live_dns.py API_TESTS REPO
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from live_replay import split_zones  # noqa: E402

PORT = "53563"


def main():
    api_tests, repo = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as tmp:
        zones = os.path.join(tmp, "zones")
        split_zones(os.path.join(repo, "corpus/sample.zone"), zones)
        env = dict(os.environ, MV_DNS_PORT=PORT, MV_DNS_DIR=os.path.join(tmp, "nsd"),
                   MV_DNS_ZONES=zones)
        server = os.path.join(repo, "scripts/dns-server")
        subprocess.run([server, "start"], env=env, check=True, timeout=60)
        try:
            done = subprocess.run([api_tests, "--gtest_also_run_disabled_tests",
                                   "--gtest_filter=VerifierLive.*"],
                                  env=dict(os.environ, MV_API_LIVE_PORT=PORT), timeout=300)
        finally:
            subprocess.run([server, "stop"], env=env, timeout=60)
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
