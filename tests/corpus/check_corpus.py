#!/usr/bin/python3
"""Checks that scripts/gen-corpus is deterministic and that its expectations are honest.

  check_corpus.py generate --generator scripts/gen-corpus --messages 30
      generates twice into temp dirs, requires byte-identical trees, then checks the archive.
  check_corpus.py sample --dir corpus
      checks the shipped sample (sample.mbox, sample.zone, expected.jsonl).

Checking an archive means: the mboxrd file splits into exactly N messages (and equals the Maildir
copy), expected.jsonl has N lines naming those messages, the zone parses (dnspython) with absolute
owner names and one SOA per zone, dkimpy verifies every signature expected "pass" and rejects
every one expected to fail for the expected reason using only the zone file's keys, SPF results
agree with pyspf (python3-spf) run on the zone's records, and the DMARC expectation follows from
those results and the zone's _dmarc records.
"""

import argparse
import hashlib
import ipaddress
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))

import dns.name  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.zone  # noqa: E402
import dns.zonefile  # noqa: E402

from gencorpus.dkimcheck import verify_signature  # noqa: E402

FAILURES = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILURES.append(what)
        if len(FAILURES) <= 30:
            print("FAIL: " + what)


# ---- archive ------------------------------------------------------------------------------

def split_mboxrd(data):
    """Splits an mboxrd file on 'From ' lines that start a message; un-quotes >From lines."""
    messages, cur = [], None
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, line in enumerate(lines):
        if line.startswith(b"From ") and (n == 0 or lines[n - 1] == b""):
            if cur is not None:
                cur.pop()  # the blank line that separates messages
                messages.append(b"\n".join(cur) + b"\n")
            cur = []
            continue
        if re.match(rb">+From ", line):
            line = line[1:]
        cur.append(line)
    if cur is not None:
        cur.pop()
        messages.append(b"\n".join(cur) + b"\n")
    return messages


def header_value(msg, name):
    head = msg.split(b"\n\n", 1)[0]
    m = re.search(rb"(?im)^" + name.encode() + rb":[ \t]*(.*(?:\n[ \t].*)*)", head)
    return m.group(1).decode().strip() if m else None


# ---- DNS from the zone file --------------------------------------------------------------

class Zone:
    def __init__(self, text):
        for line in text.splitlines():
            if not line.strip() or line.startswith((";", "$")):
                continue
            check(line.split()[0].endswith("."), "owner name not absolute: %r" % line[:60])
        check(re.search(r"(?m)^\$TTL \d+$", text) is not None, "zone has no $TTL")
        # One record per line (the generator's layout): owner TTL class type rdata. dnspython parses
        # the rdata; its zone readers refuse a master file holding several SOAs.
        self.data = {}
        for line in text.splitlines():
            if not line.strip() or line.startswith((";", "$")):
                continue
            owner, ttl, rclass, rtype, rdata = line.split(None, 4)
            check(rclass == "IN" and ttl.isdigit(), "bad record line %r" % line[:60])
            rd = dns.rdata.from_text("IN", rtype, rdata, origin=dns.name.root, relativize=False)
            self.data.setdefault((owner.rstrip(".").lower(), rtype), []).append(rd)
        self.apexes = [k[0] for k in self.data if k[1] == "SOA"]
        for apex in self.apexes:
            check(len(self.data[(apex, "SOA")]) == 1, "zone %s has several SOA" % apex)
            check((apex, "NS") in self.data, "zone %s has no NS" % apex)

    def _follow(self, name, rtype):
        for _ in range(8):
            if (name, rtype) in self.data:
                return self.data[(name, rtype)]
            if (name, "CNAME") in self.data:
                name = self.data[(name, "CNAME")][0].target.to_text(omit_final_dot=True).lower()
                continue
            return []
        return []

    def txt(self, name):
        rds = self._follow(name, "TXT")
        return b"".join(rds[0].strings).decode() if rds else None

    def txts(self, name):
        return [b"".join(r.strings).decode() for r in self._follow(name, "TXT")]

    def pyspf_lookup(self, name, qtype, strict=True, timeout=None):
        name = name.rstrip(".").lower()
        out = []
        for r in self._follow(name, qtype):
            if qtype in ("A", "AAAA"):
                out.append(((name, qtype), r.address))
            elif qtype == "MX":
                out.append(((name, qtype), (r.preference, r.exchange.to_text(True))))
            elif qtype == "TXT":
                out.append(((name, qtype), list(r.strings)))
        return out


def load_psl():
    rules = set()
    path = "/usr/share/publicsuffix/public_suffix_list.dat"
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("//"):
                rules.add(line.split()[0])
    return rules


def org_domain(name, psl):
    """RFC 7489 3.2 with the public suffix list (rules, wildcards, exceptions)."""
    labels = name.lower().split(".")
    suffix_len = 1
    for i in range(len(labels)):
        cand = ".".join(labels[i:])
        if "!" + cand in psl:
            suffix_len = len(labels) - i - 1
            break
        wild = "*." + ".".join(labels[i + 1:]) if i + 1 < len(labels) else None
        if cand in psl or (wild and wild in psl):
            suffix_len = max(suffix_len, len(labels) - i)
    if suffix_len >= len(labels):
        return name.lower()
    return ".".join(labels[-(suffix_len + 1):])


def dmarc_from(zone, psl, from_domain, dkim_results, spf_result, spf_domain):
    org = org_domain(from_domain, psl)
    record, at = None, None
    for cand in [from_domain] + ([org] if org != from_domain else []):
        recs = [t for t in zone.txts("_dmarc." + cand) if t.startswith("v=DMARC1")]
        if len(recs) == 1:
            record, at = recs[0], cand
            break
    if record is None:
        return {"result": "none", "policy": None}
    tags = {k.strip(): v.strip() for k, v in
            (t.split("=", 1) for t in record.split(";") if "=" in t)}
    policy = tags.get("sp", tags["p"]) if at != from_domain else tags["p"]

    def aligned(d, mode):
        return d.lower() == from_domain if mode == "s" else org_domain(d, psl) == org

    dkim_ok = any(ok and aligned(d, tags.get("adkim", "r")) for d, ok in dkim_results)
    spf_ok = spf_result == "pass" and aligned(spf_domain, tags.get("aspf", "r"))
    return {"result": "pass" if dkim_ok or spf_ok else "fail", "policy": policy}


# ---- the checks ----------------------------------------------------------------------------

def check_archive(messages, expected, zone, tally):
    psl = load_psl()
    try:
        import spf
        spf.DNSLookup = zone.pyspf_lookup
    except ImportError:
        spf = None
        print("SKIP: SPF cross-check with pyspf (python3-spf is not installed)")
    check(len(expected) == len(messages), "expected.jsonl has %d lines for %d messages"
          % (len(expected), len(messages)))
    for i, (msg, exp) in enumerate(zip(messages, expected)):
        check(exp["index"] == i, "line %d has index %s" % (i, exp["index"]))
        check(exp["message_id"] == header_value(msg, "Message-ID"),
              "message %d: Message-ID differs from expected.jsonl" % i)
        n_sigs = len(re.findall(rb"(?im)^DKIM-Signature:", msg.split(b"\n\n", 1)[0]))
        check(n_sigs == len(exp["dkim"]), "message %d: %d signatures, %d expected"
              % (i, n_sigs, len(exp["dkim"])))
        results = []
        for sig in exp["dkim"]:
            got = verify_signature(msg, sig["header_index"], zone.txt)
            want = (sig["result"], sig["reason"])
            check(got == want, "message %d signature %d (d=%s s=%s): expected %s, dkimpy %s"
                  % (i, sig["header_index"], sig["d"], sig["s"], want, got))
            results.append((sig["d"], got[0] == "pass"))
            tally[sig["reason"] or "pass"] = tally.get(sig["reason"] or "pass", 0) + 1
            tally[sig["a"]] = tally.get(sig["a"], 0) + 1
            bits = "key-%d" % sig["key_bits"]
            tally[bits] = tally.get(bits, 0) + 1
        s = exp["spf"]
        check(s["domain"] == s["mail_from"].split("@", 1)[1], "message %d: SPF domain" % i)
        check(header_value(msg, "Return-Path") == "<%s>" % s["mail_from"],
              "message %d: Return-Path is not the expected MAIL FROM" % i)
        top = header_value(msg, "Received") or ""
        ip = ipaddress.ip_address(s["client_ip"])
        check(("[%s]" % ip in top) or ("[IPv6:%s]" % ip in top),
              "message %d: topmost Received does not name client %s" % (i, ip))
        if spf is not None:
            got, _ = spf.check2(i=s["client_ip"], s=s["mail_from"], h=s["helo"])
            check(got == s["result"], "message %d: SPF expected %s, pyspf %s"
                  % (i, s["result"], got))
            tally["spf-checked"] = tally.get("spf-checked", 0) + 1
        tally["spf-" + s["result"]] = tally.get("spf-" + s["result"], 0) + 1
        d = dmarc_from(zone, psl, exp["from_domain"], results, s["result"], s["domain"])
        want = {"result": exp["dmarc"]["result"], "policy": exp["dmarc"]["policy"]}
        check(d == want, "message %d: DMARC expected %s, recomputed %s" % (i, want, d))
        tally["dmarc-" + d["result"]] = tally.get("dmarc-" + d["result"], 0) + 1
        check(header_value(msg, "From") is not None and
              exp["from_domain"] in header_value(msg, "From"),
              "message %d: From header does not carry %s" % (i, exp["from_domain"]))


def read_expected(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def tree_digest(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def cmd_generate(args):
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for run in ("a", "b"):
            out = os.path.join(tmp, run)
            cmd = [sys.executable, args.generator, "--messages", str(args.messages),
                   "--seed", args.seed, "--out", out, "--format", "mbox,maildir", "--split-zones",
                   "--check-every", "0"]
            subprocess.run(cmd, check=True)
            outs.append(out)
        a, b = tree_digest(outs[0]), tree_digest(outs[1])
        check(sorted(a) == sorted(b), "the two runs made different file sets")
        differing = [p for p in a if a[p] != b.get(p)]
        check(not differing, "files differ between two runs: %s" % differing[:5])
        check(any(p.startswith("keys" + os.sep) for p in a), "no key cache written")
        out = outs[0]
        with open(os.path.join(out, "archive.mbox"), "rb") as f:
            messages = split_mboxrd(f.read())
        check(len(messages) == args.messages, "mbox splits into %d messages, not %d"
              % (len(messages), args.messages))
        # The Maildir holds the same messages, un-quoted, named in archive order.
        maildir = []
        for sub in ("cur", "new"):
            for name in os.listdir(os.path.join(out, "Maildir", sub)):
                order = int(re.search(r"Q(\d+)\.", name).group(1))
                with open(os.path.join(out, "Maildir", sub, name), "rb") as f:
                    data = f.read()
                check("S=%d" % len(data) in name, "Maildir size tag wrong in %s" % name)
                maildir.append((order, data))
        check(not os.listdir(os.path.join(out, "Maildir", "tmp")), "Maildir/tmp not empty")
        check([d for _, d in sorted(maildir)] == messages, "Maildir and mbox messages differ")
        with open(os.path.join(out, "dns.zone")) as f:
            zone = Zone(f.read())
        # One file per zone for NSD: each loads as a zone, and together they are the master file.
        split = {}
        for name in sorted(os.listdir(os.path.join(out, "zones"))):
            apex = name[: -len(".zone")]
            z = dns.zone.from_file(os.path.join(out, "zones", name), origin=apex + ".",
                                   relativize=False, check_origin=True)
            for rname, node in z.nodes.items():
                for rds in node.rdatasets:
                    key = (rname.to_text(True).lower(), dns.rdatatype.to_text(rds.rdtype))
                    split.setdefault(key, []).extend(rds)
        checker = shutil.which("nsd-checkzone")
        if checker:
            for name in sorted(os.listdir(os.path.join(out, "zones"))):
                r = subprocess.run([checker, name[: -len(".zone")],
                                    os.path.join(out, "zones", name)], capture_output=True)
                check(r.returncode == 0, "nsd-checkzone rejects %s: %s" % (name, r.stderr[:200]))
        else:
            print("SKIP: nsd-checkzone not installed; split zones checked with dnspython only")
        check(sorted(zone.apexes) == sorted(n[: -len(".zone")] for n in
                                            os.listdir(os.path.join(out, "zones"))),
              "split zone files do not match the SOAs of dns.zone")
        check({k: sorted(map(str, v)) for k, v in split.items()} ==
              {k: sorted(map(str, v)) for k, v in zone.data.items()},
              "split zones and dns.zone hold different records")
        tally = {}
        check_archive(messages, read_expected(os.path.join(out, "expected.jsonl")), zone, tally)
        return tally


def cmd_sample(args):
    with open(os.path.join(args.dir, "sample.mbox"), "rb") as f:
        messages = split_mboxrd(f.read())
    with open(os.path.join(args.dir, "sample.zone")) as f:
        zone = Zone(f.read())
    expected = read_expected(os.path.join(args.dir, "expected.jsonl"))
    check(len(messages) >= 200, "sample has only %d messages" % len(messages))
    tally = {}
    check_archive(messages, expected, zone, tally)
    # The sample must exercise every outcome the corpus is meant to contain.
    for kind in ("pass", "body-hash-mismatch", "signature-mismatch", "key-revoked",
                 "key-not-found", "rsa-sha256", "rsa-sha1", "ed25519-sha256", "key-1024",
                 "key-2048", "key-4096", "spf-pass",
                 "spf-fail", "spf-softfail", "spf-neutral", "spf-none", "spf-permerror",
                 "dmarc-pass", "dmarc-fail", "dmarc-none"):
        check(tally.get(kind, 0) > 0, "sample has no case of %s" % kind)
    check(any(not e["dkim"] for e in expected), "sample has no unsigned message")
    check(any(len(e["dkim"]) == 2 for e in expected), "sample has no doubly signed message")
    check(any(s["l"] for e in expected for s in e["dkim"]), "sample has no l= signature")
    with open(os.path.join(args.dir, "sample.mbox"), "rb") as f:
        check(re.search(rb"(?m)^>From ", f.read()) is not None, "sample has no >From quoting")
    if args.generator:
        check_reproducible(args)
    return tally


def check_reproducible(args):
    """Runs the command corpus/README.md states and requires the shipped files, byte for byte."""
    with open(os.path.join(args.dir, "README.md")) as f:
        lines = [x.strip() for x in f if x.strip().startswith("scripts/gen-corpus ")]
    check(len(lines) == 1, "corpus/README.md must state exactly one scripts/gen-corpus command")
    if len(lines) != 1:
        return
    argv = shlex.split(lines[0])[1:]
    check("--out" in argv and argv[argv.index("--out") + 1] == "corpus",
          "the README command must write to corpus/")
    with tempfile.TemporaryDirectory() as tmp:
        argv[argv.index("--out") + 1] = tmp
        if "--keys-dir" in argv:
            argv[argv.index("--keys-dir") + 1] = os.path.join(tmp, "keys")
        subprocess.run([sys.executable, args.generator] + argv, check=True)
        for name in ("sample.mbox", "sample.zone", "expected.jsonl"):
            with open(os.path.join(tmp, name), "rb") as f:
                fresh = hashlib.sha256(f.read()).hexdigest()
            with open(os.path.join(args.dir, name), "rb") as f:
                shipped = hashlib.sha256(f.read()).hexdigest()
            check(fresh == shipped, "regenerated %s differs from the shipped one" % name)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--generator", required=True)
    g.add_argument("--messages", type=int, default=30)
    g.add_argument("--seed", default="7")
    s = sub.add_parser("sample")
    s.add_argument("--dir", required=True)
    s.add_argument("--generator", help="also regenerate with the README's command and compare")
    args = p.parse_args()
    tally = cmd_generate(args) if args.cmd == "generate" else cmd_sample(args)
    print("outcomes: " + ", ".join("%s=%d" % kv for kv in sorted(tally.items())))
    print("%d passed, %d failed" % (CHECKS[0] - len(FAILURES), len(FAILURES)))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
