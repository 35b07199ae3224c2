#!/usr/bin/python3
"""Independent-signer vectors for the DKIM verifier tests.

Signs messages with dkimpy (python3-dkim) using keys made by `openssl genpkey` (RSA 1024 and 2048,
Ed25519), with every canonicalization, rsa-sha256 / rsa-sha1 / ed25519-sha256, optional l=,
oversigned headers and up to three signatures per message; then mutates them with a fixed seed and
records dkimpy's own verdict for each signature.

Usage: dkimpy_vectors.py OUTDIR [COUNT]
Writes OUTDIR/dns.txt ("<name> <TXT value>" lines), OUTDIR/msg/NNNN.eml and OUTDIR/verdicts.tsv
(file, signature index, dkimpy verdict 1/0, canonicalization, algorithm, l= present, mutation).
"""
import base64
import os
import random
import subprocess
import sys
import time

import dkim

DOMAIN = b"example.org"


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def make_keys(workdir):
    keys = {}
    for name, args in (("rsa1024", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]),
                       ("rsa2048", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
                       ("ed", ["-algorithm", "ED25519"])):
        pem = openssl("genpkey", *args)
        pub_der = openssl("pkey", "-pubout", "-outform", "DER", data=pem)
        if name == "ed":
            priv_der = openssl("pkey", "-outform", "DER", data=pem)
            # dkimpy's Ed25519 private key is the base64 of the raw 32-byte seed (last 32 bytes).
            private = base64.b64encode(priv_der[-32:])
            record = b"v=DKIM1; k=ed25519; p=" + base64.b64encode(pub_der[-32:])
        else:
            private = pem
            record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(pub_der)
        keys[name] = (private, record)
    return keys


BODIES = [
    b"Hello,\r\n\r\nThis is a test message.\r\n",
    b"Line with trailing spaces   \r\nTabs\there\t\r\n\r\n\r\n",
    b"",
    b"\r\n\r\n",
    b"  leading space\r\nmiddle  double  spaces\r\n \t \r\nend",
    b"".join(b"line %d of a longer body with some text\r\n" % i for i in range(60)),
]

SUBJECTS = [b"Test", b"  spaced   subject ", b"folded\r\n subject\r\n\tline", b"=?utf-8?q?caf=C3=A9?="]


def base_message(rng):
    headers = [
        b"Received: from relay.example.net by mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000",
        b"From: Alice <alice@example.org>",
        b"To: bob@example.net",
        b"Subject: " + rng.choice(SUBJECTS),
        b"Date: Mon, 1 Jan 2024 00:00:00 +0000",
        b"Message-ID: <%d@example.org>" % rng.randrange(10**9),
    ]
    if rng.random() < 0.5:
        headers.append(b"X-Extra:  value  with   spaces ")
    if rng.random() < 0.3:
        headers.insert(0, b"Received: from a.example by b.example")
    return b"\r\n".join(headers) + b"\r\n\r\n" + rng.choice(BODIES)


def split(msg):
    pos = msg.find(b"\r\n\r\n")
    return msg[:pos + 2], msg[pos + 4:]


def mutate(rng, msg):
    head, body = split(msg)
    kind = rng.choice(["none", "none", "header-char", "header-refold", "header-case", "header-wsp",
                       "add-header-top", "add-from-bottom", "body-char", "body-wsp",
                       "body-trailing-empty", "body-append-text", "body-refold", "sig-refold",
                       "sig-b-refold"])
    if kind == "header-char":
        lines = head.split(b"\r\n")
        idx = rng.choice([i for i, l in enumerate(lines) if l.lower().startswith((b"subject", b"to:"))])
        lines[idx] = lines[idx] + b"X"
        head = b"\r\n".join(lines)
    elif kind == "header-refold":
        idx = head.find(b"To: ")
        head = head[:idx] + b"To:\r\n  " + head[idx + 4:]
    elif kind == "header-case":
        head = head.replace(b"Subject:", b"SUBJECT:", 1)
    elif kind == "header-wsp":
        head = head.replace(b"From: Alice", b"From:   Alice\t", 1)
    elif kind == "add-header-top":
        head = b"X-Added: new\r\n" + head
    elif kind == "add-from-bottom":
        head = head + b"From: mallory@evil.example\r\n"
    elif kind == "sig-refold":
        # Fold the first DKIM-Signature after a tag separator: only relaxed header canonicalization
        # survives it.
        idx = head.find(b"; ", head.find(b"DKIM-Signature:"))
        head = head[:idx] + b";\r\n\t" + head[idx + 2:]
    elif kind == "sig-b-refold":
        # Fold inside the b= value: it is removed before hashing, so every canonicalization survives.
        idx = head.find(b" b=", head.find(b"DKIM-Signature:")) + 13
        head = head[:idx] + b"\r\n " + head[idx:]
    elif kind == "body-char":
        body = body + b"!" if not body else body[:1] + b"Z" + body[2:]
    elif kind == "body-wsp":
        body = body.replace(b" ", b"  \t").replace(b"\r\n", b" \r\n")
    elif kind == "body-trailing-empty":
        body = body + b"\r\n\r\n\r\n"
    elif kind == "body-append-text":
        body = body + b"\r\nAppended by an attacker\r\n"
    elif kind == "body-refold":
        body = body.replace(b"\r\n", b"\r\n\r\n", 1)
    return head + b"\r\n" + body, kind


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(20240601)
    os.makedirs(os.path.join(out, "msg"), exist_ok=True)
    keys = make_keys(out)
    dns = {b"%s._domainkey.%s" % (name.encode(), DOMAIN): rec for name, (_, rec) in keys.items()}
    with open(os.path.join(out, "dns.txt"), "wb") as f:
        for name, rec in dns.items():
            f.write(name + b" " + rec + b"\n")

    def dnsfunc(name, timeout=5):
        return dns.get(name.rstrip(b"."))

    signed_at = int(time.time())
    rows = []
    for n in range(count):
        msg = base_message(rng)
        sigs = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            key = rng.choice(["rsa1024", "rsa2048", "ed"])
            alg = b"ed25519-sha256" if key == "ed" else rng.choice([b"rsa-sha256", b"rsa-sha256", b"rsa-sha1"])
            canon = (rng.choice([b"simple", b"relaxed"]), rng.choice([b"simple", b"relaxed"]))
            include = [b"from", b"to", b"subject", b"date", b"message-id"]
            if rng.random() < 0.5:
                include += [b"from", b"subject", b"to"]  # oversigned: no extra instance may be added
            if rng.random() < 0.3:
                include += [b"x-extra", b"x-missing"]
            length = rng.random() < 0.3
            sig = dkim.sign(msg, key.encode(), DOMAIN, keys[key][0], canonicalize=canon,
                            signature_algorithm=alg, include_headers=include, length=length)
            msg = sig + msg
            sigs.insert(0, (canon, alg, length))
        msg, kind = mutate(rng, msg)
        name = "%04d.eml" % n
        with open(os.path.join(out, "msg", name), "wb") as f:
            f.write(msg)
        for idx, (canon, alg, length) in enumerate(sigs):
            d = dkim.DKIM(msg, minkey=1024)
            try:
                ok = d.verify(idx=idx, dnsfunc=dnsfunc)
            except dkim.DKIMException:
                ok = False
            rows.append("%s\t%d\t%d\t%s/%s\t%s\t%d\t%s" % (
                name, idx, 1 if ok else 0, canon[0].decode(), canon[1].decode(), alg.decode(),
                1 if length else 0, kind))
    with open(os.path.join(out, "verdicts.tsv"), "w") as f:
        f.write("# signed_at %d\n" % signed_at)
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
