"""Shared helpers of bench/e2e and bench/peers: corpus cache, timed child runs, openssl bound."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_CACHE = os.environ.get("MV_BENCH_DIR", "/tmp/mailverify-bench")
AT = "2026-11-01T00:00:00Z"  # verification time used by scripts/demo as well


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def corpus_dir(cache, messages, seed):
    """Generates the corpus once; later runs reuse it (same arguments -> same bytes)."""
    out = os.path.join(cache, "corpus-%d-s%d" % (messages, seed))
    need = ["archive.mbox", "dns.zone", "expected.jsonl", "zones"]
    if all(os.path.exists(os.path.join(out, n)) for n in need):
        return out
    log("generating %d messages (seed %d) into %s ..." % (messages, seed, out))
    os.makedirs(cache, exist_ok=True)
    subprocess.run([os.path.join(ROOT, "scripts", "gen-corpus"), "--messages", str(messages),
                    "--seed", str(seed), "--out", out, "--format", "mbox", "--split-zones",
                    "--keys-dir", os.path.join(cache, "keys")], check=True)
    return out


class Run:
    """One child process: wall time, CPU time and peak RSS of that child alone (wait4)."""

    def __init__(self, name, wall, user, sys_, maxrss_kb, rc):
        self.name, self.wall, self.user, self.sys, self.maxrss_kb, self.rc = (
            name, wall, user, sys_, maxrss_kb, rc)

    @property
    def cpu(self):
        return self.user + self.sys


# The kernel carries a process's peak RSS across exec from the address space it replaced, so a
# child forked straight from this (large) Python process would report our RSS as its own. Each
# child is therefore started by /usr/bin/time, a small process, which reports the child's figures.
TIME_FORMAT = "%U %S %M %x"


def _spawn(argv, out, env, stdin=None, cwd=None):
    fd, rusage_file = tempfile.mkstemp(prefix="mvbench-rusage-")
    os.close(fd)
    p = subprocess.Popen(["/usr/bin/time", "-f", TIME_FORMAT, "-o", rusage_file] + argv, stdout=out,
                         stderr=subprocess.PIPE, env=env, stdin=stdin, cwd=cwd)
    return p, rusage_file


def _reap(p, rusage_file):
    err = p.stderr.read().decode("utf-8", "replace")
    p.wait()
    with open(rusage_file) as f:
        fields = f.read().split()
    os.remove(rusage_file)
    user, sys_, rss_kb, rc = float(fields[-4]), float(fields[-3]), int(fields[-2]), int(fields[-1])
    return user, sys_, rss_kb, rc, err


def timed(name, argv, stdout=None, env=None, stdin=None, cwd=None):
    out = open(stdout, "wb") if isinstance(stdout, str) else (stdout or subprocess.DEVNULL)
    t0 = time.monotonic()
    p, rusage_file = _spawn(argv, out, env, stdin, cwd)
    user, sys_, rss_kb, rc, err = _reap(p, rusage_file)
    wall = time.monotonic() - t0
    if isinstance(stdout, str):
        out.close()
    r = Run(name, wall, user, sys_, rss_kb, rc)
    r.stderr = err
    return r


def openssl_speed():
    """Per-core rates measured now: verifications/s per algorithm, hashing MB/s on 8 KB blocks."""
    rates = {}

    def run(args):
        return subprocess.run(["openssl", "speed", "-seconds", "1"] + args, capture_output=True,
                              text=True, check=True).stdout

    txt = run(["rsa1024", "rsa2048", "rsa4096"])
    for bits, sign, verify in re.findall(r"^rsa\s+(\d+) bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)",
                                         txt, re.M):
        rates["rsa%s" % bits] = float(verify)
    txt = run(["ed25519"])
    m = re.search(r"^\s*253 bits EdDSA \(Ed25519\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", txt, re.M)
    rates["ed25519"] = float(m.group(2))
    for alg in ("sha256", "sha1"):
        txt = run(["-bytes", "8192", alg])
        m = re.search(r"^%s\s+([\d.]+)k" % alg, txt, re.M)
        rates[alg + "_MBps"] = float(m.group(1)) * 1000 / 1e6
    return rates


def signature_work(records):
    """The least work a verifier must do for the corpus, from our own per-signature output:
    hash the signed body of every signature whose key was found, and run one public-key
    verification for those whose body hash matched (pass, or signature mismatch)."""
    work = {"verify": {}, "hash_bytes": {"sha256": 0, "sha1": 0}, "signatures": 0}
    for rec in records:
        for s in rec.get("dkim") or []:
            work["signatures"] += 1
            bits = s.get("key_bits")
            if not bits:
                continue
            halg = "sha1" if s.get("a", "").endswith("sha1") else "sha256"
            work["hash_bytes"][halg] += int(s.get("body_bytes_signed") or 0)
            if s.get("result") not in ("pass", "fail") or s.get("reason") == "body-hash-mismatch":
                continue
            key = "ed25519" if s["a"].startswith("ed25519") else "rsa%d" % bits
            work["verify"][key] = work["verify"].get(key, 0) + 1
    return work


def bound_msgs_per_s(work, rates, messages, cores):
    seconds = 0.0
    for key, n in work["verify"].items():
        seconds += n / rates[key]
    seconds += work["hash_bytes"]["sha256"] / (rates["sha256_MBps"] * 1e6)
    seconds += work["hash_bytes"]["sha1"] / (rates["sha1_MBps"] * 1e6)
    return messages * cores / seconds, seconds


def read_jsonl(path):
    with open(path, "rb") as f:
        return [json.loads(line) for line in f if line.strip()]


def dkim_verdicts(records):
    """Per message, the list of per-signature pass/fail as 'pass' or 'other', in header order."""
    return [["pass" if s.get("result") == "pass" else "other" for s in (r.get("dkim") or [])]
            for r in records]


def free_port(start):
    import socket
    for port in range(start, start + 200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def with_parent_zones(zones, out):
    """ZONES plus an empty zone for each top-level domain above them, in OUT (links).

    On the Internet a name such as _dmarc.com is NXDOMAIN from the .com servers; a private NSD
    that serves only the corpus's zones would REFUSE it, and RFC 9989's tree walk, which asks
    up to the TLD, would see a temperror that no real run sees."""
    remove(out)
    os.makedirs(out)
    names = [f[:-len(".zone")] for f in os.listdir(zones) if f.endswith(".zone")]
    for f in names:
        os.symlink(os.path.join(os.path.abspath(zones), f + ".zone"), os.path.join(out, f + ".zone"))
    for tld in sorted({n.rsplit(".", 1)[-1] for n in names} - set(names)):
        with open(os.path.join(out, tld + ".zone"), "w") as z:
            z.write("$TTL 300\n%s. 300 IN SOA ns.invalid. hostmaster.invalid. 1 7200 3600 "
                    "1209600 300\n%s. 300 IN NS ns.invalid.\n" % (tld, tld))
    return out


class Nsd:
    """A private NSD instance serving DIR/zones, through scripts/dns-server."""

    def __init__(self, cache, zones, port):
        zones = with_parent_zones(zones, os.path.join(cache, "nsd-zones"))
        self.env = dict(os.environ, MV_DNS_PORT=str(port), MV_DNS_DIR=os.path.join(cache, "nsd"),
                        MV_DNS_ZONES=zones)
        self.port = port

    def __enter__(self):
        subprocess.run([os.path.join(ROOT, "scripts", "dns-server"), "start"], env=self.env,
                       check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run([os.path.join(ROOT, "scripts", "dns-server"), "stop"], env=self.env)


def mailverify(build):
    path = os.path.join(build, "mailverify")
    if not os.access(path, os.X_OK):
        sys.exit("no %s: build it first (cmake --build %s --target mailverify)" % (path, build))
    return path


def mb(n):
    return n / 1e6


def disk_size(path):
    return os.path.getsize(path)


def remove(path):
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.exists(path):
        os.remove(path)


def timed_parallel(name, argvs, outputs, env=None):
    """Runs the shards of one peer at once; wall time of the slowest, CPU summed, RSS summed
    (the shards are separate processes, each holding its own memory)."""
    files = [open(out, "wb") for out in outputs]
    t0 = time.monotonic()
    procs = [_spawn(argv, f, env) for argv, f in zip(argvs, files)]
    user = sys_ = 0.0
    rss = rc = 0
    errs = []
    for p, rusage_file in procs:
        u, s_, m, c, err = _reap(p, rusage_file)
        user, sys_, rss, rc = user + u, sys_ + s_, rss + m, rc or c
        errs.append(err)
    wall = time.monotonic() - t0
    for f in files:
        f.close()
    r = Run(name, wall, user, sys_, rss, rc)
    r.stderr = "".join(errs)
    return r
