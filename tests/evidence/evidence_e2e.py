#!/usr/bin/python3
"""End-to-end tests of the evidence features (docs/EVIDENCE.md) on the built executable.

Every expectation is computed by code other than mailverify's: message hashes with hashlib over
the bytes at `offset`/`size` (mbox: the "From " line dropped and mboxrd un-quoted here), bag
checksums with `sha256sum -c`, Payload-Oxum from os.stat, signatures with PyNaCl (libsodium) and
`openssl pkeyutl -verify -rawin`, timestamps from a local TSA (`openssl ts -reply` with a CA made
here) and checked by `openssl ts -verify`.

usage: evidence_e2e.py MAILVERIFY SOURCE_DIR CHECK
"""
import base64
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


# Manifest library name -> pkg-config module (or "dpkg:PACKAGE" where there is no .pc file).
LIBRARIES = {"openssl": "openssl", "c-ares": "libcares", "ldns": "ldns", "onetbb": "tbb",
             "libsodium": "libsodium", "libcurl": "libcurl", "libpff": "libpff",
             "libolecf": "libolecf", "gmp": "gmp", "libpsl": "libpsl", "sqlite": "sqlite3",
             "zlib": "zlib", "liblzma": "liblzma", "zstd": "libzstd",
             "mimetic": "dpkg:libmimetic0v5", "bzip2": "dpkg:libbz2-1.0"}


def check_library_versions(libraries):
    """Every linked library is named, with the version the system's packages say (pkg-config, or
    dpkg for the two without a .pc file): mailverify asks the libraries themselves at run time."""
    check(set(libraries) == set(LIBRARIES), f"library names {sorted(libraries)}")
    for name, module in LIBRARIES.items():
        if module.startswith("dpkg:"):
            cmd = ["dpkg-query", "-W", "-f=${Version}", module[5:]]
        else:
            cmd = ["pkg-config", "--modversion", module]
        want = subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        got = libraries.get(name, "")
        # The number only: libpsl adds " (+libidn2/...)", bzip2 ", 13-Jul-2019", Debian "-10";
        # tbb's .pc says 2021.8.0 where the library says 2021.8.
        g, w = got.split(",")[0].split(" ")[0], want.split("-")[0]
        check(w != "" and g != "" and (w.startswith(g) or g.startswith(w)),
              f"{name}: manifest says {got!r}, the system's package {want!r}")


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
    check_library_versions(m["program"]["libraries"])
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


# Options of other commands, never in a scan's manifest (a new scan option must not be put here).
NOT_SCAN_OPTIONS = {
    "help", "version",                                          # no run
    "plan", "shards", "shard-index", "shard-count", "tasks", "throttle", "submit",  # scan --plan
    # refuses --manifest; plan/slurm/merge make no manifest
    "selector", "max-seconds-per-key", "out",                   # recover-keys
    "json",                                                     # domains
    "pubkey", "tsa-ca", "replay",                               # bundle verify
}
# Option name -> manifest key where it is not the name with '-' as '_'.
OPTION_KEYS = {"no-hash": "message_sha256", "no-mmap": "mmap", "receiver": "receivers",
               "dns-timeout": "dns_timeout_ms"}


def help_options():
    """Every long option of the table, as `mailverify --help` prints it (made from the table)."""
    p = run(["--help"])
    names = re.findall(r"^  (?:-\w, |    )--([a-z0-9-]+)", p.stdout, re.M)
    check(len(names) > 40, f"--help lists the option table ({len(names)} options)")
    return names


def test_options(tmp):
    man = os.path.join(tmp, "manifest.json")
    pw = os.path.join(tmp, "pw")
    open(pw, "w").write("not-read-unless-imap\n")
    p = run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "--manifest", man, "-o",
             os.path.join(tmp, "out.jsonl"), "--imap-timeout", "7", "--imap-insecure",
             "--imap-password-file", pw, "--progress", MBOX])
    check(p.returncode == 0, f"scan exits 0: {p.stderr}")
    opts = json.load(open(man))["options"]
    names = help_options()
    for name in names:
        if name in NOT_SCAN_OPTIONS:
            continue
        key = OPTION_KEYS.get(name, name.replace("-", "_"))
        check(key in opts, f"--{name} is in the manifest's options (as {key})")
    check(opts.get("imap_timeout") == 7 and opts.get("imap_insecure") is True and
          opts.get("imap_password_file") == pw and opts.get("progress") is True and
          opts.get("quiet") is True, f"the --imap-* values are the effective ones: {opts}")
    check("not-read-unless-imap" not in open(man).read(), "the password file's content stays out")
    stale = set(NOT_SCAN_OPTIONS) - set(names)
    check(not stale, f"excluded options that no longer exist: {stale}")


def rsa_fingerprints(zone):
    """sha256 of each RSA DKIM key's DER SubjectPublicKeyInfo (base64 p=) in a zone file."""
    out = []
    for line in open(zone):
        if "._domainkey." not in line or "k=rsa" not in line:
            continue
        txt = "".join(re.findall(r'"([^"]*)"', line))
        m = re.search(r"p=([A-Za-z0-9+/=]+)", txt)
        if m:
            out.append(hashlib.sha256(base64.b64decode(m.group(1))).hexdigest())
    return out


def shared_prime_case(tmp):
    """A message signed (dkimpy) with an RSA key that shares a prime with the modulus written to
    a --known-moduli file: the keys are made by tests/keytrust/make_keytrust_archive.py's helpers
    (primes from `openssl prime`). Returns (mbox, zone, moduli file)."""
    sys.path.insert(0, os.path.join(SOURCE, "tests", "keytrust"))
    import make_keytrust_archive as kt
    p, q1, q2 = (kt.openssl_prime(512) for _ in range(3))
    pem = kt.private_pem(p, q1)
    when = 1700000000
    msg = kt.sign(kt.message("shared", b"Tue, 14 Nov 2023 22:13:20 +0000", when), "shared",
                  "trust.example", pem, when)
    mbox = os.path.join(tmp, "shared.mbox")
    with open(mbox, "wb") as f:
        f.write(b"From MAILER-DAEMON Tue Nov 14 22:13:20 2023\n" + msg.replace(b"\r\n", b"\n") +
                b"\n")
    zone = os.path.join(tmp, "shared.zone")
    with open(zone, "w") as f:
        f.write("shared._domainkey.trust.example. 3600 IN TXT %s\n" %
                kt.txt_strings(kt.public_record(pem)))
    moduli = os.path.join(tmp, "moduli.txt")
    with open(moduli, "w") as f:
        f.write("# another run's key\n%x\n" % (p * q2))
    return mbox, zone, moduli


def test_trust(tmp):
    # Every RSA key of the corpus's zone listed as compromised: records' key_trust changes.
    comp = os.path.join(tmp, "my compromised.txt")
    with open(comp, "w") as f:
        for fp in rsa_fingerprints(ZONE):
            f.write(fp + " test: every corpus key\n")
    # A key sharing a prime with a known modulus: the finding quotes the moduli file.
    shared_mbox, shared_zone, moduli = shared_prime_case(tmp)
    bag = os.path.join(tmp, "bag")
    p = run(["scan", "--dns-zone", ZONE, "--dns-zone", shared_zone, "--at", AT, "-q", "--bundle",
             bag, "--compromised-keys", comp, "--known-moduli", moduli, MBOX, shared_mbox])
    check(p.returncode == 0, f"scan --bundle with trust files: {p.stderr}")
    m = json.load(open(os.path.join(bag, "data/manifest.json")))
    kt = m["key_trust"]
    check([f["path"] for f in kt["compromised_keys"]] == [comp] and
          kt["compromised_keys"][0]["sha256"] == sha256_file(comp), f"compromised keys: {kt}")
    check([f["path"] for f in kt["known_moduli"]] == [moduli] and
          kt["known_moduli"][0]["sha256"] == sha256_file(moduli), f"known moduli: {kt}")
    default = os.path.join(SOURCE, "data", "compromised-keys.txt")
    check(kt["default_compromised_keys"]["sha256"] == sha256_file(default),
          f"the built-in list is hashed: {kt['default_compromised_keys']}")
    copies = {"data/trust/compromised-keys/01/my compromised.txt": comp,
              "data/trust/known-moduli/01/moduli.txt": moduli}
    for rel, orig in copies.items():
        path = os.path.join(bag, rel)
        check(os.path.exists(path) and sha256_file(path) == sha256_file(orig),
              f"{rel} is a copy of {orig}")
    res = records(os.path.join(bag, "data/results.jsonl"))
    flagged = sum('"published-private-key"' in json.dumps(r) for r in res)
    check(flagged > 0, f"the extra list flags records ({flagged})")
    shared = [sig for r in res if r["source"] == shared_mbox for sig in r.get("dkim", [])]
    check(len(shared) == 1 and shared[0].get("key_trust") == "shared-prime" and
          "moduli.txt:2" in json.dumps(shared[0].get("key_trust_detail")),
          f"the known modulus finds the shared prime: {shared}")
    p = verify(bag, "--replay")
    check(p.returncode == 0 and "replay reproduces it byte for byte" in p.stdout,
          f"replay with the bag's trust files: {p.stdout}{p.stderr}")
    # Without either file the scan differs: the replay had to pass each of them.
    for option, path in (("--compromised-keys", comp), ("--known-moduli", moduli)):
        out = os.path.join(tmp, "bare.jsonl")
        run(["scan", "-q", *m["replay_args"], "--dns-zone",
             os.path.join(bag, "data/dns-evidence.zone"), option, path, "-o", out,
             *m["input_args"]])
        check(open(out, "rb").read() != open(os.path.join(bag, "data/results.jsonl"),
                                             "rb").read(),
              f"a replay with {option} only gives other results")
    # A changed copy in the bag is named.
    with open(os.path.join(bag, "data/trust/known-moduli/01/moduli.txt"), "a") as f:
        f.write("\n")
    p = verify(bag)
    check(p.returncode == 1 and "data/trust/known-moduli/01/moduli.txt" in p.stdout,
          f"a changed trust file is named: {p.stdout}")


IMAP_PORT = int(os.environ.get("MV_IMAP_PORT", "10143"))
IMAP_DIR = os.environ.get("MV_IMAP_DIR", "/tmp/mailverify-dovecot")
IMAP_USER = os.environ.get("MV_IMAP_USER", "mvtest")
IMAP_PASSWORD = os.environ.get("MV_IMAP_PASSWORD", "mvtest-secret")


def imap_folder(name, count):
    """A fresh Maildir++ folder of the Dovecot test user (scripts/imap-server) with `count`
    messages taken from the corpus mbox."""
    path = os.path.join(IMAP_DIR, "mail", IMAP_USER, "." + name)
    shutil.rmtree(path, ignore_errors=True)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub))
    open(os.path.join(path, "maildirfolder"), "w").close()
    msgs = open(MBOX, "rb").read().split(b"\nFrom ")[1:count + 1]
    for i, m in enumerate(msgs):
        with open(os.path.join(path, "cur", "17000%05d.M%dP1.evidence:2,S" % (i, i)), "wb") as f:
            f.write(m.split(b"\n", 1)[1])
    if os.geteuid() == 0:  # Dovecot reads mail as Debian's "mail" user then (scripts/imap-server)
        subprocess.run(["chown", "-R", "mail:mail", path], check=True)
    return path


def dovecot_uidvalidity(folder):
    """UIDVALIDITY as Dovecot stores it: the 'V' field of dovecot-uidlist's header line."""
    with open(os.path.join(folder, "dovecot-uidlist")) as f:
        return int(re.search(r"\bV(\d+)", f.readline()).group(1))


def test_imap(tmp):
    folder = imap_folder("case-evidence", 5)
    url = "imap://%s@127.0.0.1:%d/case-evidence" % (IMAP_USER, IMAP_PORT)
    missing = "imap://%s@127.0.0.1:%d/no-such-mailbox" % (IMAP_USER, IMAP_PORT)
    env = dict(os.environ, MAILVERIFY_IMAP_PASSWORD=IMAP_PASSWORD)
    man = os.path.join(tmp, "manifest.json")
    out = os.path.join(tmp, "out.jsonl")
    # The same URL twice (read twice), a mailbox that does not exist, and a file between them.
    p = run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "--manifest", man, "-o", out, url,
             MBOX, missing, url], env=env)
    check(p.returncode == 1, f"scan exits 1 (one input failed): {p.stderr}")
    text = open(man).read()
    check(IMAP_PASSWORD not in text, "no password in the manifest")
    m = json.loads(text)
    check([i["path"] for i in m["inputs"]] == [MBOX], f"only files in inputs: {m['inputs']}")
    recs = [r for r in records(out) if r.get("source_format") == "imap" and "uid" in r]
    check(len(recs) == 10, f"10 IMAP message records: {len(recs)}")
    uids = sorted(os.listdir(os.path.join(folder, "cur")))
    want_uidvalidity = dovecot_uidvalidity(folder)
    ims = m["imap_inputs"]
    check(len(ims) == 3, f"one entry per IMAP input: {ims}")
    for entry in (ims[0], ims[2]):
        check(entry["url"] == url and entry["errors"] == [] and len(entry["mailboxes"]) == 1,
              f"entry of {url}: {entry}")
        mb = entry["mailboxes"][0]
        check(mb["mailbox"] == "case-evidence" and mb["uidvalidity"] == want_uidvalidity and
              mb["first_uid"] == 1 and mb["last_uid"] == 5 and mb["records"] == 5,
              f"mailbox, Dovecot's UIDVALIDITY {want_uidvalidity}, UIDs 1..5, 5 records: {mb}")
    check(len(uids) == 5, "the folder holds the 5 messages")
    check(all(r["uidvalidity"] == want_uidvalidity for r in recs) and
          sorted({r["uid"] for r in recs}) == [1, 2, 3, 4, 5], "records agree with the manifest")
    bad = ims[1]
    check(bad["url"] == missing and bad["mailboxes"] == [
        {"mailbox": "no-such-mailbox", "uidvalidity": None, "first_uid": 0, "last_uid": 0,
         "records": 0}] and len(bad["errors"]) == 1 and "no-such-mailbox" in bad["errors"][0],
          f"a mailbox EXAMINE refuses: no UIDs, its error: {bad}")
    check(not any("cannot stat" in json.dumps(i) for i in m["inputs"] + ims),
          "no 'cannot stat' entry for a URL")
    check(m["options"]["imap_timeout"] == 60 and m["options"]["imap_insecure"] is False,
          "the --imap-* defaults are in the options")
    # "*" (every mailbox, this one among them) then the same mailbox by name: two entries.
    every = "imap://%s@127.0.0.1:%d/*" % (IMAP_USER, IMAP_PORT)
    run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "--manifest", man, "-o", out, every, url],
        env=env)
    ims = json.load(open(man))["imap_inputs"]
    mine = [[mb for mb in e["mailboxes"] if mb["mailbox"] == "case-evidence"] for e in ims]
    check([e["url"] for e in ims] == [every, url] and
          all(len(x) == 1 and x[0]["records"] == 5 and x[0]["last_uid"] == 5 for x in mine),
          f"'*' lists the mailbox it read, the named input its own: {ims}")
    # A bag over IMAP: bundle verify checks it, --replay says plainly that it cannot re-read.
    bag = os.path.join(tmp, "bag")
    p = run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "--bundle", bag, url], env=env)
    check(p.returncode == 0, f"scan --bundle over IMAP: {p.stderr}")
    p = verify(bag)
    check(p.returncode == 0, f"the IMAP bag verifies: {p.stdout}")
    p = verify(bag, "--replay")
    check(p.returncode == 1 and ("FAIL: --replay: %s is an IMAP input and cannot be re-read "
                                 "offline; not replayed" % url) in p.stdout,
          f"--replay names the IMAP input it cannot re-read: {p.stdout}")
    shutil.rmtree(folder, ignore_errors=True)


def test_stored(tmp):
    """docs/EVIDENCE.md: a headers-only record's sha256 is of the header block the reader made, a
    reassembled one's of the message rebuilt from its parts."""
    # Outlook .msg: the header block as olefile (an independent Compound File reader) finds it in
    # PidTagTransportMessageHeaders, worked out by tests/archive/msg_expect.py.
    samples = os.path.join(SOURCE, "tests", "archive", "samples", "msg")
    expect = os.path.join(tmp, "expect")
    subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "tests", "archive", "msg_expect.py"),
                    samples, expect], check=True)
    rows = [l.split("\t") for l in open(os.path.join(expect, "expect.tsv"), encoding="utf-8")
            .read().splitlines() if l]
    out = os.path.join(tmp, "msg.jsonl")
    run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "-o", out, samples])
    by_file = {os.path.basename(r["source"]): r for r in records(out)}
    compared = 0
    for n, row in enumerate(rows):
        if row[1] != "headers-only":
            continue
        r = by_file.get(row[0], {})
        want = sha256_file(os.path.join(expect, "%d.eml" % n))
        check(r.get("mime") == "headers-only" and r.get("sha256") == want,
              f"{row[0]}: headers-only sha256 {r.get('sha256')} != olefile's header block {want}")
        check(r.get("sha256") != sha256_file(os.path.join(samples, row[0])),
              f"{row[0]}: not the hash of the .msg file")
        compared += 1
    check(compared >= 5, f"headers-only .msg records compared: {compared}")

    # .partial.emlx: Mail.app's split of a dkimpy-signed message (tests/archive/store_e2e.py's
    # helpers); rebuilt, it is the message as delivered in the store's LF line ends.
    sys.path.insert(0, os.path.join(SOURCE, "tests", "archive"))
    import store_e2e as st
    pem = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                          "rsa_keygen_bits:2048"], check=True, capture_output=True).stdout
    msg = st.signed_message(pem, 2)
    data = os.path.join(tmp, "V10/ACCOUNT/Inbox.mbox/UUID/Data")
    st.write(data + "/Messages/2.partial.emlx", st.emlx(st.partial(msg)))
    st.write(data + "/Attachments/2/2/data.bin", st.ATTACHMENT)
    out = os.path.join(tmp, "emlx.jsonl")
    run(["scan", "--dns-zone", ZONE, "--at", AT, "-q", "-o", out, os.path.join(tmp, "V10")])
    recs = records(out)
    check(len(recs) == 1 and recs[0].get("mime") == "reassembled",
          f"one reassembled record: {recs}")
    stored = open(data + "/Messages/2.partial.emlx", "rb").read()
    got = recs[0].get("sha256") if recs else None
    check(got == hashlib.sha256(st.lf(msg)).hexdigest(),
          f"reassembled sha256 {got} is of the message as delivered (LF), not of the stored file")
    check(got != hashlib.sha256(stored).hexdigest(), "not the hash of the .partial.emlx file")


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
         "killed": test_killed, "options": test_options, "trust": test_trust,
         "imap": test_imap, "stored": test_stored}

if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="mv-evidence-") as tmp:
        TESTS[CHECK](tmp)
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print(f"evidence {CHECK}: all checks passed")
