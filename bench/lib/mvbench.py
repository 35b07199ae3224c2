"""Shared helpers of bench/e2e and bench/peers: corpus cache, timed child runs, openssl bound."""

import json
import os
import re
import shutil
import subprocess
import sys
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


def timed(name, argv, stdout=None, env=None, stdin=None, cwd=None):
    t0 = time.monotonic()
    out = open(stdout, "wb") if isinstance(stdout, str) else (stdout or subprocess.DEVNULL)
    p = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env, stdin=stdin, cwd=cwd)
    # Drain stderr in this thread; the children print little there.
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if isinstance(stdout, str):
        out.close()
    r = Run(name, wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, p.returncode)
    r.stderr = err.decode("utf-8", "replace")
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


class Nsd:
    """A private NSD instance serving DIR/zones, through scripts/dns-server."""

    def __init__(self, cache, zones, port):
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
    t0 = time.monotonic()
    procs = []
    for argv, out in zip(argvs, outputs):
        f = open(out, "wb")
        procs.append((subprocess.Popen(argv, stdout=f, stderr=subprocess.PIPE, env=env), f))
    user = sys_ = 0.0
    rss = 0
    rc = 0
    errs = []
    for p, f in procs:
        errs.append(p.stderr.read().decode("utf-8", "replace"))
        _, status, ru = os.wait4(p.pid, 0)
        f.close()
        user += ru.ru_utime
        sys_ += ru.ru_stime
        rss += ru.ru_maxrss
        rc = rc or os.waitstatus_to_exitcode(status)
    r = Run(name, time.monotonic() - t0, user, sys_, rss, rc)
    r.stderr = "".join(errs)
    return r
