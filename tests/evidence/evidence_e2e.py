#!/usr/bin/python3
"""End-to-end tests of the evidence features (docs/EVIDENCE.md) on the built executable.

Every expectation is computed by code other than mailverify's: message hashes with hashlib over
the bytes at `offset`/`size` (mbox: the "From " line dropped and mboxrd un-quoted here), bag
checksums with `sha256sum -c`, Payload-Oxum from os.stat, signatures with PyNaCl (libsodium) and
`openssl pkeyutl -verify -rawin`, timestamps from a local TSA (`openssl ts -reply` with a CA made
here) and checked by `openssl ts -verify`.

usage: evidence_e2e.py MAILVERIFY SOURCE_DIR CHECK
"""
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import nacl.signing

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import schema_check  # noqa: E402  (validates outputs against docs/schema/)

MAILVERIFY, SOURCE, CHECK = (os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]),
                             sys.argv[3])
CORPUS = os.path.join(SOURCE, "corpus")
ZONE = os.path.join(CORPUS, "sample.zone")
MBOX = os.path.join(CORPUS, "sample.mbox")
AT = "2025-01-01T00:00:00Z"
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)
    return condition


def run(args, cwd=None, **kw):
    p = subprocess.run([MAILVERIFY] + args, capture_output=True, text=True, timeout=300, cwd=cwd,
                       **kw)
    return p


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def records(path):
    schema_check.check_records_file(path)
    with open(path) as f:
        return [json.loads(line) for line in f]


def mbox_stored(data, offset, size):
    """An mbox message as stored: `offset` is its "From " line, the `size` bytes after it."""
    start = data.index(b"\n", offset) + 1
    return data[start:start + size]


def mbox_message(data, offset, size):
    """The bytes a reader verifies: the stored bytes, mboxrd un-quoted."""
    lines = mbox_stored(data, offset, size).split(b"\n")
    return b"\n".join(l[1:] if re.match(rb"^>+From ", l) else l for l in lines)


def keys_file(tmp):
    """A --keys file with two of the corpus's DKIM keys (TXT records copied from the zone)."""
    path = os.path.join(tmp, "old keys.zone")
    with open(ZONE) as z, open(path, "w") as out:
        picked = [l for l in z if "._domainkey." in l and "\tTXT\t" in l][:2]
        out.writelines(picked)
    return path


def make_bag(tmp, name="bag", extra=(), inputs=(MBOX,)):
    bag = os.path.join(tmp, name)
    p = run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "--bundle", bag, *extra, *inputs])
    check(p.returncode == 0, f"scan --bundle exits 0 (got {p.returncode}: {p.stderr})")
    return bag


def bag_files(bag):
    out = []
    for root, _, files in os.walk(bag):
        out += [os.path.relpath(os.path.join(root, f), bag) for f in files]
    return sorted(out)


def verify(bag, *extra):
    return run(["bundle", "verify", bag, *extra])


# ---------------------------------------------------------------------------------------------

def test_hash(tmp):
    # An mbox with quoted "From " lines at several depths, so un-quoting matters.
    body = (b"Hello\n>From the start\n>>From deeper\nFrom-not-quoted\n\n")
    msg = (b"From: a@example.com\nTo: b@example.org\nSubject: quoting\n"
           b"Message-ID: <q1@example.com>\n\n" + body)
    mbox = os.path.join(tmp, "quoted.mbox")
    with open(mbox, "wb") as f:
        for i in range(3):
            f.write(b"From a@example.com Mon Jan  1 00:00:00 2024\n" + msg.replace(b"q1", b"q%d" % i))
            f.write(b"\n")
    eml = os.path.join(tmp, "one.eml")
    with open(eml, "wb") as f:
        f.write(msg.replace(b"\n", b"\r\n"))
    gz = os.path.join(tmp, "sample.mbox.gz")
    with open(MBOX, "rb") as src, gzip.open(gz, "wb") as dst:
        dst.write(src.read())
    out = os.path.join(tmp, "out.jsonl")
    p = run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "-o", out, mbox, eml, MBOX, gz])
    check(p.returncode == 0, f"scan exits 0: {p.stderr}")
    recs = records(out)
    sources = {mbox: open(mbox, "rb").read(), MBOX: open(MBOX, "rb").read(),
               gz: gzip.open(gz).read()}
    checked = {"mbox": 0, "eml": 0, "gz": 0}
    for r in recs:
        if r["source"] == eml:
            want = sha256_file(eml)  # an .eml is verified whole
            checked["eml"] += 1
        else:
            want = hashlib.sha256(mbox_message(sources[r["source"]], r["offset"],
                                               r["size"])).hexdigest()
            checked["gz" if r["source"] == gz else "mbox"] += 1
        check(r.get("sha256") == want,
              f"{r['source']}#{r['index']}: sha256 {r.get('sha256')} != independent {want}")
    check(checked == {"mbox": 303, "eml": 1, "gz": 300}, f"every record was compared: {checked}")
    # The quoted mbox: the un-quoted body really differs from the stored one, and was hashed.
    quoted = [r for r in recs if r["source"] == mbox]
    stored = mbox_stored(sources[mbox], quoted[0]["offset"], quoted[0]["size"])
    check(b">>From deeper" in stored and
          quoted[0]["sha256"] != hashlib.sha256(stored).hexdigest() and
          b"\nFrom the start\n>From deeper\n" in mbox_message(sources[mbox], quoted[0]["offset"],
                                                             quoted[0]["size"]),
          "mbox hash is of the un-quoted bytes")
    check(list(recs[0].keys()).index("sha256") > list(recs[0].keys()).index("date"),
          "sha256 follows the basic fields")
    p = run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "--no-hash", "-o", out, mbox])
    check(p.returncode == 0 and all("sha256" not in r for r in records(out)),
          "--no-hash leaves sha256 out")


def test_manifest(tmp):
    keys = keys_file(tmp)
    out = os.path.join(tmp, "results.jsonl")
    rec = os.path.join(tmp, "recorded.zone")
    man = os.path.join(tmp, "manifest.json")
    mdir = os.path.join(tmp, "maildir")
    os.makedirs(os.path.join(mdir, "cur"))
    shutil.copy(os.path.join(SOURCE, "tests", "evidence", "evidence_e2e.py"),
                os.path.join(mdir, "cur", "not-a-message"))
    args = ["scan", "--dns-zone", ZONE, "--keys", keys, "--dns-record", rec, "-q", "--strict",
            "--manifest", man, "-o", out, MBOX, mdir]
    before = time.time()
    p = run(args)
    check(p.returncode == 0, f"scan --manifest exits 0: {p.stderr}")
    schema_check.check_file("manifest", man)
    m = json.load(open(man))
    check(m["program"]["name"] == "mailverify" and m["program"]["version"], "program and version")
    check(re.fullmatch(r"[0-9a-f]{40}(-dirty)?|unknown", m["program"]["git_commit"]) is not None,
          f"git commit {m['program']['git_commit']}")
    check(m["program"]["build_type"] != "", "build type")
    check(set(m["program"]["libraries"]) == {"openssl", "c-ares", "ldns", "onetbb", "libsodium"},
          f"library versions {m['program']['libraries']}")
    check(m["command_line"][1:] == args, "the full command line")
    check(m["options"]["strict"] is True and m["options"]["keys"] == keys and
          m["options"]["dns_zone"] == [ZONE], "effective options")
    vt = m["verification_time"]
    check(vt["rule"] == "fixed" and vt["run_start"] is True and
          abs(vt["time"] - before) < 60, f"'now' pinned to the run's start: {vt}")
    check(m["host"] == os.uname().nodename, "host name")
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m["start_utc"]) is not None and
          m["start_utc"] <= m["end_utc"], "start and end UTC")
    want_inputs = [MBOX, os.path.join(mdir, "cur", "not-a-message")]
    check([i["path"] for i in m["inputs"]] == want_inputs, f"inputs listed: {m['inputs']}")
    for i in m["inputs"]:
        st = os.stat(i["path"])
        check(i["sha256"] == sha256_file(i["path"]) and i["size"] == st.st_size and
              i["mtime_ns"] == st.st_mtime_ns, f"input facts of {i['path']}")
    check(m["dns_zones"][0]["sha256"] == sha256_file(ZONE), "dns zone sha256")
    check(m["keys"]["sha256"] == sha256_file(keys), "keys sha256")
    check(m["dns_record"]["sha256"] == sha256_file(rec), "dns record sha256")
    res = m["results"]
    check(res["sha256"] == sha256_file(out), "results sha256")
    n = len(records(out))
    check(res["records"] == n == 301 and res["messages"] == 301, f"record count {res}")
    check(res["counters"].get("dkim.pass", 0) > 0, "summary counters")
    # Results on stdout are hashed as written.
    p = subprocess.run([MAILVERIFY, "scan", "--dns-zone", ZONE, "--at", AT, "-q", "--manifest",
                        man, MBOX], capture_output=True, timeout=300)
    check(json.load(open(man))["results"]["sha256"] == hashlib.sha256(p.stdout).hexdigest(),
          "stdout results hashed as written")


def test_bag(tmp):
    keys = keys_file(tmp)
    html = os.path.join(tmp, "report.html")
    man = os.path.join(tmp, "manifest.json")
    bag = make_bag(tmp, extra=["--keys", keys, "--html", html, "--manifest", man,
                               "--bundle-info", "Source-Organization=Example Forensics",
                               "--bundle-info", "External-Identifier=case-17"])
    want = ["bag-info.txt", "bagit.txt", "data/dns-evidence.zone", "data/keys/old_keys.zone",
            "data/manifest.json", "data/report.html", "data/results.jsonl", "manifest-sha256.txt",
            "tagmanifest-sha256.txt"]
    check(bag_files(bag) == want, f"bag layout {bag_files(bag)}")
    check(not [d for d in os.listdir(tmp) if ".partial-" in d], "no partial directory left")
    check(open(os.path.join(bag, "bagit.txt")).read() ==
          "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", "bagit.txt per RFC 8493")
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        p = subprocess.run(["sha256sum", "--strict", "-c", manifest], cwd=bag,
                           capture_output=True, text=True)
        check(p.returncode == 0, f"sha256sum -c {manifest}: {p.stdout}{p.stderr}")
    payload = [f for f in want if f.startswith("data/")]
    listed = [l.split("  ", 1)[1].strip() for l in open(os.path.join(bag, "manifest-sha256.txt"))]
    check(sorted(listed) == payload, "every payload file in manifest-sha256.txt")
    info = dict(l.rstrip("\n").split(": ", 1) for l in open(os.path.join(bag, "bag-info.txt")))
    octets = sum(os.path.getsize(os.path.join(bag, f)) for f in payload)
    check(info.get("Payload-Oxum") == f"{octets}.{len(payload)}", f"Payload-Oxum {info}")
    check(info.get("Source-Organization") == "Example Forensics" and
          info.get("External-Identifier") == "case-17", "--bundle-info lines")
    check(re.fullmatch(r"\d{4}-\d\d-\d\d", info.get("Bagging-Date", "")) is not None,
          "Bagging-Date")
    check(info.get("Bag-Software-Agent", "").startswith("mailverify "), "software agent")
    check(open(os.path.join(bag, "data/keys/old_keys.zone")).read() == open(keys).read(),
          "keys copied")
    check(open(os.path.join(bag, "data/report.html")).read() == open(html).read(), "html copied")
    check(open(man).read() == open(os.path.join(bag, "data/manifest.json")).read(),
          "--manifest equals the bag's manifest")
    m = json.load(open(os.path.join(bag, "data/manifest.json")))
    check(m["results"]["sha256"] == sha256_file(os.path.join(bag, "data/results.jsonl")) and
          m["results"]["path"] == "data/results.jsonl", "manifest names the bag's results")
    p = verify(bag)
    check(p.returncode == 0 and "verified" in p.stdout, f"bundle verify: {p.stdout}{p.stderr}")
    # -o and --dns-record given too: those files are written and copied into the bag unchanged.
    out, rec = os.path.join(tmp, "own.jsonl"), os.path.join(tmp, "own.zone")
    bag2 = make_bag(tmp, name="bag-own", extra=["-o", out, "--dns-record", rec])
    check(open(out, "rb").read() == open(os.path.join(bag2, "data/results.jsonl"), "rb").read()
          and open(rec, "rb").read() ==
          open(os.path.join(bag2, "data/dns-evidence.zone"), "rb").read(),
          "-o and --dns-record files are the bag's")
    check(verify(bag2).returncode == 0, "that bag verifies")
    p = run(["scan", "--dns-zone", ZONE, "-q", "--bundle", bag, MBOX])
    check(p.returncode == 2 and "exists" in p.stderr, "an existing bag is never overwritten")
    p = run(["scan", "--dns-zone", ZONE, "-q", "--bundle", bag + "2", "--bundle-info",
             "Payload-Oxum=1.1", MBOX])
    check(p.returncode == 2 and not os.path.exists(bag + "2"), "reserved bag-info key refused")


def openssl(*args, **kw):
    p = subprocess.run(["openssl", *args], capture_output=True, text=True, **kw)
    return p


def test_sign(tmp):
    key = os.path.join(tmp, "signer.key")
    p = run(["keygen", key])
    check(p.returncode == 0 and os.stat(key).st_mode & 0o777 == 0o600, f"keygen: {p.stderr}")
    check(run(["keygen", key]).returncode != 0, "keygen never overwrites a key")
    # OpenSSL reads both files as they are, and derives the same public key from the secret one.
    p = openssl("pkey", "-in", key, "-pubout")
    check(p.returncode == 0 and p.stdout == open(key + ".pub").read(),
          f"openssl derives our public key from our PKCS#8 secret key: {p.stderr}")
    p = openssl("pkey", "-pubin", "-in", key + ".pub", "-outform", "DER", "-out",
                os.path.join(tmp, "pub.der"))
    raw = open(os.path.join(tmp, "pub.der"), "rb").read()[-32:]
    bag = make_bag(tmp, extra=["--bundle-sign", key])
    sig = open(os.path.join(bag, "tagmanifest-sha256.txt.ed25519"), "rb").read()
    signed = open(os.path.join(bag, "tagmanifest-sha256.txt"), "rb").read()
    try:
        nacl.signing.VerifyKey(raw).verify(signed, sig)
        ok = True
    except Exception as e:  # nacl.exceptions.BadSignatureError
        print(e)
        ok = False
    check(ok, "libsodium (PyNaCl) verifies the signature")
    p = openssl("pkeyutl", "-verify", "-pubin", "-inkey", key + ".pub", "-rawin", "-in",
                os.path.join(bag, "tagmanifest-sha256.txt"), "-sigfile",
                os.path.join(bag, "tagmanifest-sha256.txt.ed25519"))
    check(p.returncode == 0 and "Signature Verified Successfully" in p.stdout,
          f"openssl pkeyutl verifies the signature: {p.stdout}{p.stderr}")
    check(open(os.path.join(bag, "signing-key-sha256.txt")).read() ==
          hashlib.sha256(raw).hexdigest() + "\n", "fingerprint is sha256 of the raw key")
    p = verify(bag, "--pubkey", key + ".pub")
    check(p.returncode == 0, f"verify --pubkey: {p.stdout}")
    p = verify(bag)
    check(p.returncode == 1 and "FAIL: tagmanifest-sha256.txt.ed25519: not checked" in p.stdout,
          "a signed bag without --pubkey is not called verified")
    other = os.path.join(tmp, "other.key")
    run(["keygen", other])
    p = verify(bag, "--pubkey", other + ".pub")
    check(p.returncode == 1 and "does not verify" in p.stdout and
          "signing-key-sha256.txt" in p.stdout, f"another key is refused: {p.stdout}")
    unsigned = make_bag(tmp, name="unsigned")
    p = verify(unsigned, "--pubkey", key + ".pub")
    check(p.returncode == 1 and "not signed" in p.stdout, "--pubkey on an unsigned bag fails")


TS_CNF = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {dir}/serial
crypto_device = builtin
default_policy = 1.2.3.4.1
digests = sha256
signer_digest = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def make_tsa(tmp, name="tsa"):
    """A throw-away CA and a TSA certificate (extendedKeyUsage critical,timeStamping)."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    f = lambda n: os.path.join(d, n)
    steps = [
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", f"/CN={name} CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
         "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
         f("tsa.key"), "-out", f("tsa.csr"), "-subj", f"/CN={name} TSA"],
    ]
    for s in steps:
        p = openssl(*s)
        check(p.returncode == 0, f"openssl {s[0]}: {p.stderr}")
    with open(f("ext.cnf"), "w") as e:
        e.write("extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\n")
    p = openssl("x509", "-req", "-in", f("tsa.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"),
                "-CAcreateserial", "-days", "2", "-extfile", f("ext.cnf"), "-out", f("tsa.pem"))
    check(p.returncode == 0, f"openssl x509 (TSA cert): {p.stderr}")
    with open(f("ts.cnf"), "w") as c:
        c.write(TS_CNF.format(dir=d))
    with open(f("serial"), "w") as s:
        s.write("01\n")
    return d


def tsa_reply(tsa, query, out):
    p = openssl("ts", "-reply", "-config", os.path.join(tsa, "ts.cnf"), "-queryfile", query,
                "-inkey", os.path.join(tsa, "tsa.key"), "-signer", os.path.join(tsa, "tsa.pem"),
                "-out", out)
    check(p.returncode == 0, f"openssl ts -reply: {p.stderr}")


def stamp(tmp, bag, tsa, name):
    req = os.path.join(tmp, name + ".tsq")
    resp = os.path.join(tmp, name + ".tsr")
    p = run(["bundle", "timestamp-request", bag, "-o", req])
    check(p.returncode == 0, f"timestamp-request: {p.stderr}")
    tsa_reply(tsa, req, resp)
    return req, resp


def test_timestamp(tmp):
    tsa = make_tsa(tmp)
    bag = make_bag(tmp)
    req, resp = stamp(tmp, bag, tsa, "bag")
    p = openssl("asn1parse", "-inform", "DER", "-in", req)
    digest = hashlib.sha256(open(os.path.join(bag, "tagmanifest-sha256.txt"), "rb").read())
    check(p.returncode == 0 and f"[HEX DUMP]:{digest.hexdigest().upper()}" in p.stdout and
          ":sha256" in p.stdout, f"the request is over the tag manifest's sha256: {p.stdout}")
    p = run(["bundle", "add-timestamp", bag, resp])
    check(p.returncode == 0, f"add-timestamp: {p.stderr}")
    token = os.path.join(bag, "tagmanifest-sha256.txt.tsr")
    ca = os.path.join(tsa, "ca.pem")
    p = openssl("ts", "-verify", "-in", token, "-queryfile",
                os.path.join(bag, "tagmanifest-sha256.txt.tsq"), "-CAfile", ca)
    check(p.returncode == 0 and "Verification: OK" in p.stdout,
          f"openssl ts -verify accepts the stored token: {p.stdout}{p.stderr}")
    p = openssl("ts", "-verify", "-in", token, "-data",
                os.path.join(bag, "tagmanifest-sha256.txt"), "-CAfile", ca)
    check(p.returncode == 0 and "Verification: OK" in p.stdout,
          f"openssl ts -verify -data tagmanifest: {p.stdout}{p.stderr}")
    p = verify(bag, "--tsa-ca", ca)
    check(p.returncode == 0 and "RFC 3161 token" in p.stdout, f"verify --tsa-ca: {p.stdout}")
    p = verify(bag)
    check(p.returncode == 1 and "give --tsa-ca" in p.stdout, "a token unchecked is a failure")
    # A token for another bag is refused, by add-timestamp and by verify.
    other = make_bag(tmp, name="other", extra=["--bundle-info", "External-Identifier=other"])
    _, other_resp = stamp(tmp, other, tsa, "other")
    p = run(["bundle", "add-timestamp", bag, other_resp])
    check(p.returncode != 0 and "another tag manifest" in p.stderr,
          f"add-timestamp refuses another bag's token: {p.stderr}")
    forged = os.path.join(tmp, "forged")
    shutil.copytree(bag, forged)
    run(["bundle", "add-timestamp", other, other_resp])
    for f in ("tagmanifest-sha256.txt.tsq", "tagmanifest-sha256.txt.tsr"):
        shutil.copy(os.path.join(other, f), os.path.join(forged, f))
    p = verify(forged, "--tsa-ca", ca)
    check(p.returncode == 1 and
          "FAIL: tagmanifest-sha256.txt.tsq: not a request over this bag's" in p.stdout,
          f"verify refuses another bag's request and token: {p.stdout}")
    # Only the token swapped: it is over another tag manifest.
    shutil.copy(os.path.join(bag, "tagmanifest-sha256.txt.tsq"),
                os.path.join(forged, "tagmanifest-sha256.txt.tsq"))
    p = verify(forged, "--tsa-ca", ca)
    check(p.returncode == 1 and "FAIL: tagmanifest-sha256.txt.tsr" in p.stdout and
          "another tag manifest" in p.stdout, f"verify refuses another bag's token: {p.stdout}")
    # A CA that did not issue the TSA certificate is refused.
    stranger = make_tsa(tmp, "stranger")
    p = verify(bag, "--tsa-ca", os.path.join(stranger, "ca.pem"))
    check(p.returncode == 1 and "does not verify" in p.stdout, f"wrong CA refused: {p.stdout}")


def test_tamper(tmp):
    key = os.path.join(tmp, "k")
    run(["keygen", key])
    tsa = make_tsa(tmp)
    bag = make_bag(tmp, extra=["--keys", keys_file(tmp), "--bundle-sign", key])
    _, resp = stamp(tmp, bag, tsa, "bag")
    check(run(["bundle", "add-timestamp", bag, resp]).returncode == 0, "timestamp added")
    args = ["--pubkey", key + ".pub", "--tsa-ca", os.path.join(tsa, "ca.pem")]
    p = verify(bag, *args)
    check(p.returncode == 0, f"the intact bag verifies: {p.stdout}")
    files = bag_files(bag)
    check(len(files) == 12, f"payload and every tag file present: {files}")
    for rel in files:
        copy = os.path.join(tmp, "t")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(bag, copy)
        path = os.path.join(copy, rel)
        data = bytearray(open(path, "rb").read())
        at = len(data) // 2
        data[at] ^= 0x01
        open(path, "wb").write(bytes(data))
        p = verify(copy, *args)
        named = [l for l in p.stdout.splitlines() if l.startswith("FAIL: " + rel + ":")]
        check(p.returncode == 1 and named, f"one byte changed in {rel} is named: {p.stdout}")
    copy = os.path.join(tmp, "t")
    shutil.rmtree(copy)
    shutil.copytree(bag, copy)
    os.remove(os.path.join(copy, "data/manifest.json"))
    open(os.path.join(copy, "data/extra.txt"), "w").write("x")
    p = verify(copy, *args)
    check(p.returncode == 1 and "FAIL: data/manifest.json: listed" in p.stdout and
          "FAIL: data/extra.txt: in data/ but not" in p.stdout, f"missing and extra: {p.stdout}")


def test_replay(tmp):
    # Copies of the inputs in a working directory, given by relative paths; "now" as the time.
    work = os.path.join(tmp, "work")
    os.makedirs(work)
    shutil.copy(MBOX, os.path.join(work, "archive.mbox"))
    with open(os.path.join(work, "one.eml"), "wb") as f:
        f.write(open(MBOX, "rb").read().split(b"\nFrom ")[1].split(b"\n", 1)[1])
    keys = keys_file(tmp)
    # --dmarc-rules changes every record's dmarc object: the replay must carry it.
    p = run(["scan", "--dns-zone", ZONE, "--keys", keys, "-q", "--bundle", "../bag",
             "--dmarc-rules", "rfc7489", "archive.mbox", "one.eml"], cwd=work)
    check(p.returncode == 0, f"scan: {p.stderr}")
    bag = os.path.join(tmp, "bag")
    # Verify from another directory: the manifest's working directory resolves the inputs.
    p = run(["bundle", "verify", bag, "--replay"], cwd="/")
    check(p.returncode == 0 and "replay reproduces it byte for byte" in p.stdout,
          f"replay reproduces results.jsonl: {p.stdout}{p.stderr}")
    # The same check by hand: a scan answering only from the bag reproduces the bytes.
    m = json.load(open(os.path.join(bag, "data/manifest.json")))
    check("--dmarc-rules" in m["replay_args"] and
          m["replay_args"][m["replay_args"].index("--dmarc-rules") + 1] == "rfc7489",
          f"the replay arguments carry --dmarc-rules: {m['replay_args']}")
    out = os.path.join(tmp, "again.jsonl")
    p = run(["scan", "-q", *m["replay_args"], "--dns-zone",
             os.path.join(bag, "data/dns-evidence.zone"), "--keys",
             os.path.join(bag, "data/keys/old_keys.zone"), "-o", out, *m["input_args"]], cwd=work)
    check(open(out, "rb").read() == open(os.path.join(bag, "data/results.jsonl"), "rb").read(),
          "an independent replay from the bag's files gives the same bytes")
    with open(os.path.join(work, "archive.mbox"), "ab") as f:
        f.write(b"\n")
    p = run(["bundle", "verify", bag, "--replay"])
    check(p.returncode == 1 and "FAIL: input archive.mbox" in p.stdout,
          f"a changed input is named: {p.stdout}")


def test_killed(tmp):
    # The scan reads stdin; it is killed while the bag is being written: no bag appears.
    bag = os.path.join(tmp, "bag")
    proc = subprocess.Popen([MAILVERIFY, "scan", "--dns-zone", ZONE, "--at", AT, "-q",
                             "--bundle", bag, "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = open(MBOX, "rb").read()
    proc.stdin.write(data[: len(data) // 2])
    proc.stdin.flush()
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = [d for d in os.listdir(tmp) if d.startswith("bag.partial-")]
    check(not os.path.exists(bag), "a killed run leaves no bag")
    check(len(partial) == 1 and not os.path.exists(
        os.path.join(tmp, partial[0], "tagmanifest-sha256.txt")),
          f"only a partial directory without tag manifest: {partial}")
    p = verify(os.path.join(tmp, partial[0]))
    check(p.returncode == 1 and "FAIL: bagit.txt" in p.stdout, "the partial bag fails verify")


TESTS = {"hash": test_hash, "manifest": test_manifest, "bag": test_bag, "sign": test_sign,
         "timestamp": test_timestamp, "tamper": test_tamper, "replay": test_replay,
         "killed": test_killed}

if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="mv-evidence-") as tmp:
        TESTS[CHECK](tmp)
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print(f"evidence {CHECK}: all checks passed")
